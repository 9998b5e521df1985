/**
 * What a built-in scenario is: an id, words for people, parameters with
 * defaults (validated data, so a JSON file or a link can override them), and
 * a run function that builds and runs the simulation deterministically.
 */
import type { Simulation } from '../sim/core/simulation';
import type { CapturePoint } from '../sim/net/capture';
import type { Connection } from '../sim/tcp/connection';
import type { StreamLog } from './apps/request-response';

/** One expectation a scenario checks about its own run (an invariant or a teaching point). */
export interface Expectation {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** A connection the scenario opened or accepted, with the app-level bytes it saw. */
export interface TrackedConnection {
  readonly role: string;
  readonly node: string;
  readonly connection: Connection;
}

/** The result of running a scenario. */
export interface ScenarioRun {
  readonly sim: Simulation;
  readonly connections: readonly TrackedConnection[];
  /** The capture point `--pcap` writes: the client's side of the wire. */
  readonly clientCapture: CapturePoint;
  readonly expectations: readonly Expectation[];
  /** Invariant checker results, for sysplex scenarios. */
  readonly invariants?: readonly { readonly name: string; readonly ok: boolean; readonly firstFailingIndex: number | null; readonly detail: string }[];
  /** What each side's app received, for request/response scenarios. */
  readonly logs?: { readonly client: StreamLog; readonly server: StreamLog };
}

/** A built-in scenario. */
export interface ScenarioDefinition<P> {
  readonly id: string;
  readonly title: string;
  /** One line: what it shows. */
  readonly description: string;
  /** Patent claims it demonstrates (none for plain-network scenarios). */
  readonly claims: readonly number[];
  readonly defaults: P;
  /** Validate and complete parameters from untrusted data (JSON file, link). */
  parse(input: unknown): { ok: true; params: P } | { ok: false; error: string };
  run(params: P, seed: number): ScenarioRun;
}

/** A scenario of any parameter type, for registries. */
export interface AnyScenario {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly claims: readonly number[];
  readonly defaults: unknown;
  parse(input: unknown): { ok: true; params: unknown } | { ok: false; error: string };
  run(params: never, seed: number): ScenarioRun;
}
