/**
 * Parameters shared by the TCP scenarios, as valibot schemas: every field has
 * bounds, so a hostile or mistaken JSON file is rejected with the field's path
 * and the rule it broke, before anything runs.
 */
import * as v from 'valibot';
import { DEFAULT_LINK, NO_FAULTS, type LinkProperties } from '../sim/net/link';

const perMille = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000));
const micros = (max: number) => v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(max));

/** One link, both directions alike. */
export const LinkSchema = v.strictObject({
  delayUs: v.optional(micros(10_000_000), DEFAULT_LINK.delayUs),
  bandwidthBps: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1_000), v.maxValue(400_000_000_000)), DEFAULT_LINK.bandwidthBps),
  queueLimitPackets: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)), DEFAULT_LINK.queueLimitPackets),
  lossPerMille: v.optional(perMille, 0),
  duplicatePerMille: v.optional(perMille, 0),
  reorderPerMille: v.optional(perMille, 0),
  reorderDelayUs: v.optional(micros(10_000_000), 0),
  extraDelayUs: v.optional(micros(10_000_000), 0),
  jitterUs: v.optional(micros(10_000_000), 0),
});

/** A link as data. */
export type LinkParams = v.InferOutput<typeof LinkSchema>;

/** Kernel link properties from link parameters. */
export function linkProperties(p: LinkParams): LinkProperties {
  return {
    delayUs: p.delayUs,
    bandwidthBps: p.bandwidthBps,
    queueLimitPackets: p.queueLimitPackets,
    faults: {
      ...NO_FAULTS,
      lossPerMille: p.lossPerMille,
      duplicatePerMille: p.duplicatePerMille,
      reorderPerMille: p.reorderPerMille,
      reorderDelayUs: p.reorderDelayUs,
      extraDelayUs: p.extraDelayUs,
      jitterUs: p.jitterUs,
    },
  };
}

/** Parameters of the client–router–server TCP scenarios. */
export const TcpScenarioSchema = v.strictObject({
  profile: v.optional(v.picklist(['rfc', 'linux']), 'linux'),
  clientLink: v.optional(LinkSchema, {}),
  serverLink: v.optional(LinkSchema, {}),
  requestBytes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000_000)), 200),
  responseBytes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(50_000_000)), 2_000),
  /** Receive buffer of the client, in bytes (small values show flow control). */
  clientReceiveBufferBytes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1_024), v.maxValue(64 * 1024 * 1024)), 131_072),
  /** The client app stops reading for this long after its first read (shows a zero window). */
  clientReadPauseUs: v.optional(micros(600_000_000), 0),
  nagle: v.optional(v.boolean(), true),
  delayedAck: v.optional(v.boolean(), true),
  /** Simulated time limit of the run. */
  horizonUs: v.optional(micros(3_600_000_000), 600_000_000),
});

/** TCP scenario parameters as data. */
export type TcpScenarioParams = v.InferOutput<typeof TcpScenarioSchema>;
/** TCP scenario parameters as written (every field optional). */
export type TcpScenarioInput = v.InferInput<typeof TcpScenarioSchema>;

/** Validate against a schema; the error names the field path and the rule. */
export function parseWith<S extends v.GenericSchema>(schema: S, input: unknown): { ok: true; params: v.InferOutput<S> } | { ok: false; error: string } {
  const result = v.safeParse(schema, input ?? {});
  if (result.success) return { ok: true, params: result.output };
  const issue = result.issues[0];
  const path = issue?.path?.map((p) => String(p.key)).join('.') || '(top level)';
  return { ok: false, error: `${path}: ${issue?.message ?? 'invalid'}` };
}
