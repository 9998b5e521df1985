/**
 * A Stevens time-sequence graph (what tcptrace draws): sequence number
 * against time for one direction of one connection, seen at the client's
 * interface — each data segment as a bar from its first to its last byte,
 * retransmissions marked, the ACK line the other side returns, and the
 * receive window's right edge above it. Sequence numbers are relative to the
 * sender's ISN, as Wireshark shows them. Pure: reads the trace and the bytes.
 */
import { TcpFlag } from '../../sim/wire/types';
import type { LabRun } from '../viewmodel/lab-run';
import { decodePacket, type DecodedSegment } from '../viewmodel/ladder-packets';

/** A connection as the client sees it. */
export interface TsgConnection {
  /** `client-addr:port>server-addr:port`. */
  readonly key: string;
  readonly node: string;
  readonly label: string;
}

/** Which way the plotted data flows. */
export type TsgDirection = 'to-client' | 'to-server';

/** One data segment: bytes [seq, end) relative to the sender's ISN, at time t (µs). */
export interface TsgData {
  readonly t: number;
  readonly seq: number;
  readonly end: number;
  readonly retransmission: boolean;
  readonly index: number;
}

/** The graph's content. */
export interface TsgModel {
  readonly data: readonly TsgData[];
  /** Cumulative ACK and the window's right edge (ACK + scaled window), each time the receiver acknowledged. */
  readonly acks: readonly { readonly t: number; readonly ack: number; readonly edge: number; readonly index: number }[];
  readonly syn: number | null;
  readonly fin: number | null;
  readonly tMin: number;
  readonly tMax: number;
  readonly seqMax: number;
}

interface Seen {
  readonly t: number;
  readonly index: number;
  readonly s: DecodedSegment;
  /** Sent by the client (else received by it). */
  readonly fromClient: boolean;
}

const keyOf = (s: DecodedSegment, fromClient: boolean): string => (fromClient ? `${s.src}:${s.srcPort}>${s.dst}:${s.dstPort}` : `${s.dst}:${s.dstPort}>${s.src}:${s.srcPort}`);

/** TCP segments the client nodes sent and received, in trace order. */
function clientSegments(run: LabRun): (Seen & { node: string })[] {
  const out: (Seen & { node: string })[] = [];
  for (const e of run.events) {
    if ((e.kind !== 'packet-send' && e.kind !== 'packet-deliver') || !e.node.startsWith('client')) continue;
    const d = decodePacket(run.packetBytes(e.packetId));
    if (d.protocol === 'tcp') out.push({ t: e.time, index: e.index, s: d.segment, fromClient: e.kind === 'packet-send', node: e.node });
  }
  return out;
}

/** Every connection a client took part in, first seen first. */
export function tsgConnections(run: LabRun): TsgConnection[] {
  const found = new Map<string, TsgConnection>();
  for (const x of clientSegments(run)) {
    const key = keyOf(x.s, x.fromClient);
    if (!found.has(key)) found.set(key, { key, node: x.node, label: `${x.node}: ${key.replace('>', ' ↔ ')}` });
  }
  return [...found.values()];
}

const rel = (seq: number, isn: number): number => (seq - isn) >>> 0;

/** The graph of one direction of one connection. */
export function timeSequence(run: LabRun, conn: string, direction: TsgDirection): TsgModel {
  const mine = clientSegments(run).filter((x) => keyOf(x.s, x.fromClient) === conn);
  const dataFromClient = direction === 'to-server';
  const sent = mine.filter((x) => x.fromClient === dataFromClient);
  const back = mine.filter((x) => x.fromClient !== dataFromClient);
  const synSeg = sent.find((x) => x.s.flags & TcpFlag.SYN);
  const isn = synSeg?.s.seq ?? sent[0]?.s.seq ?? 0;
  const shift = windowShift(synSeg?.s, back.find((x) => x.s.flags & TcpFlag.SYN)?.s);
  const data: TsgData[] = [];
  let highest = 0;
  for (const x of sent) {
    if (x.s.length === 0) continue;
    const seq = rel(x.s.seq, isn);
    data.push({ t: x.t, seq, end: seq + x.s.length, retransmission: seq < highest, index: x.index });
    highest = Math.max(highest, seq + x.s.length);
  }
  const acks = back.filter((x) => x.s.flags & TcpFlag.ACK).map((x) => {
    const ack = rel(x.s.ack, isn);
    return { t: x.t, ack, edge: ack + x.s.window * 2 ** (x.s.flags & TcpFlag.SYN ? 0 : shift), index: x.index };
  });
  const times = mine.map((x) => x.t);
  const fin = sent.find((x) => x.s.flags & TcpFlag.FIN);
  return {
    data,
    acks,
    syn: synSeg?.t ?? null,
    fin: fin?.t ?? null,
    tMin: times.length > 0 ? Math.min(...times) : 0,
    tMax: times.length > 0 ? Math.max(...times) : 1,
    seqMax: Math.max(1, highest, ...acks.map((a) => a.edge)),
  };
}

/** The receiver's window scale, in force only when both SYNs carried the option (RFC 7323 §2.2). */
function windowShift(senderSyn: DecodedSegment | undefined, receiverSyn: DecodedSegment | undefined): number {
  const shiftOf = (s: DecodedSegment | undefined): number | null => {
    const o = s?.options.find((x) => x.kind === 'wscale');
    return o && o.kind === 'wscale' ? o.shift : null;
  };
  const mine = shiftOf(receiverSyn);
  return mine !== null && shiftOf(senderSyn) !== null ? mine : 0;
}
