/**
 * Transparency: the client must never notice that its connection moved between
 * stacks. Its side of the wire has to look like one ordinary TCP connection to
 * the DVIPA — one handshake, one 4-tuple, no RST, sequence and acknowledgement
 * numbers that carry on across every transfer, timestamps that never run
 * backwards and a window scale that never changes. A transfer that drops any of
 * the TCP state (SND.NXT, RCV.NXT, the timestamp offset, the scale) shows here
 * first, as the client's own TCP would see it.
 *
 * A connection declared lost with its crashed owner (losses.ts) is judged only
 * up to the declaration: what the client sees after it (the RST of the stack
 * that now gets its segments, sequence gaps the dead sender never filled) is
 * the crash, not a transfer.
 */
import { formatIpv4Address } from '../wire/ipv4-address';
import { TcpFlag } from '../wire/types';
import {
  clientWireSegments, connKey, inSendOrder, hasFlag, isSyn, receiverText, senderText, serverEnd, timestampsOf, wscaleOf,
} from './client-wire';
import type { WireSegment } from './client-wire';
import { declaredLosses } from './losses';
import { MonotoneWatch } from './monotone';
import { SeqGaps } from './seq-gaps';
import { at, verdict } from './types';
import type { Break, CheckResult, TraceView } from './types';

/** Where the client's wire is and which address the client must only ever talk to. */
export interface TransparencyOptions {
  /** Capture points "host/iface" of the clients' own interfaces. */
  readonly clientPoints: readonly string[];
  /** The DVIPA as an unsigned 32-bit address. */
  readonly dvipa: number;
}

const NAME = 'transparency';

/**
 * Checks that every connection on the clients' wire looks like one ordinary TCP
 * connection to the DVIPA (see the file comment for the rules); fails at the
 * first segment that the client could tell apart from one.
 */
export function checkTransparency(trace: TraceView, options: TransparencyOptions): CheckResult {
  const segments = inSendOrder(clientWireSegments(trace, options.clientPoints));
  const conns = new Map<string, ConnWatch>();
  const breaks: Break[] = [];
  for (const s of segments) {
    const stray = strayAddress(s, options.dvipa);
    if (stray !== undefined) {
      breaks.push(stray);
      continue;
    }
    const key = connKey(s);
    let conn = conns.get(key);
    if (conn === undefined) conns.set(key, (conn = new ConnWatch(key)));
    conn.observe(s);
  }
  const losses = declaredLosses(trace).byConn;
  for (const [key, conn] of conns) breaks.push(...conn.breaks(losses.get(key)?.index));
  const summary = `${String(conns.size)} connection(s), ${String(segments.length)} TCP segments on the clients' wire: `
    + 'one handshake each, one 4-tuple with the DVIPA, no RST, sequence, acknowledgement and timestamps continuous';
  return verdict(NAME, breaks, summary);
}

/** A break when the segment's far end is not the DVIPA: the client would see a second peer. */
function strayAddress(s: WireSegment, dvipa: number): Break | undefined {
  if (serverEnd(s).address === dvipa) return undefined;
  const how = s.fromClient ? `goes from the client to ${receiverText(s)}` : `reaches the client from ${senderText(s)}`;
  return { index: s.index, detail: `segment ${at(s.index)} ${how}, not the DVIPA ${formatIpv4Address(dvipa)}: the client sees a second 4-tuple` };
}

/** Everything the client's wire has shown so far about one connection. */
class ConnWatch {
  private clientSyn: WireSegment | undefined;
  private synAck: WireSegment | undefined;
  private seq: SeqGaps | undefined;
  private readonly clientAck = new MonotoneWatch();
  private readonly serverAck = new MonotoneWatch();
  private readonly serverTs = new MonotoneWatch();
  private readonly found: Break[] = [];
  /** Both sides' FINs have crossed the client's wire: the connection closed in order. */
  private clientFin = false;
  private serverFin = false;

  constructor(private readonly key: string) {}

  /** Feeds one segment of this connection, in trace order. */
  observe(s: WireSegment): void {
    if (hasFlag(s, TcpFlag.RST)) {
      // After both FINs, a RST answers a late duplicate reaching a side that has already
      // closed (RFC 9293 §3.10.7.1) — plain TCP under duplication, nothing a transfer did.
      if (!(this.clientFin && this.serverFin)) this.fail(s, `segment ${at(s.index)} from ${senderText(s)} is a RST on ${this.key}: the client's connection is reset`);
      return;
    }
    if (hasFlag(s, TcpFlag.FIN)) {
      if (s.fromClient) this.clientFin = true;
      else this.serverFin = true;
    }
    if (isSyn(s)) this.handshake(s);
    else if (s.fromClient) this.fromClient(s);
    else this.fromServer(s);
    if (hasFlag(s, TcpFlag.ACK)) this.watchAck(s);
    if (!s.fromClient) this.watchTimestamps(s);
  }

  /**
   * Every break found, including the ones only the end of the trace reveals;
   * for a connection lost at `lostAt`, only those before it, and no unfilled gap.
   */
  breaks(lostAt?: number): Break[] {
    const monotone = [...this.clientAck.breaks(), ...this.serverAck.breaks(), ...this.serverTs.breaks()];
    if (lostAt === undefined) return [...this.found, ...(this.seq?.breaks() ?? []), ...monotone];
    return [...this.found, ...monotone].filter((b) => b.index < lostAt);
  }

  /** Records a break at the segment. */
  private fail(s: WireSegment, detail: string): void {
    this.found.push({ index: s.index, detail });
  }

  /** A SYN from the client or a SYN-ACK from the server side: one sequence number each, retransmissions allowed. */
  private handshake(s: WireSegment): void {
    if (s.fromClient && !hasFlag(s, TcpFlag.ACK)) this.clientSynSeen(s);
    else if (!s.fromClient) this.synAckSeen(s);
  }

  /** The client's SYN: the first fixes its ISN, a retransmission must repeat it. */
  private clientSynSeen(s: WireSegment): void {
    const first = this.clientSyn;
    if (first === undefined) this.clientSyn = s;
    else if (first.tcp.seq !== s.tcp.seq) {
      this.fail(s, `SYN ${at(s.index)} from ${senderText(s)} has seq ${String(s.tcp.seq)}, but SYN ${at(first.index)} had ${String(first.tcp.seq)}: the client's wire shows a second handshake`);
    }
  }

  /** The server side's SYN-ACK: the first fixes ISS and window scale, a retransmission must repeat them. */
  private synAckSeen(s: WireSegment): void {
    const first = this.synAck;
    if (first === undefined) {
      this.synAck = s;
      this.seq = new SeqGaps(s.tcp.seq);
    } else if (first.tcp.seq !== s.tcp.seq) {
      this.fail(s, `SYN-ACK ${at(s.index)} from ${senderText(s)} carries ISS ${String(s.tcp.seq)}, but SYN-ACK ${at(first.index)} carried ${String(first.tcp.seq)}: the server side started a second handshake`);
    } else if (wscaleOf(first) !== wscaleOf(s)) {
      this.fail(s, `SYN-ACK ${at(s.index)} from ${senderText(s)} offers window scale ${scaleText(wscaleOf(s))}, but SYN-ACK ${at(first.index)} offered ${scaleText(wscaleOf(first))}`);
    }
  }

  /** Data and ACKs from the client: only a handshake before them is checked, its own stack is not on trial. */
  private fromClient(s: WireSegment): void {
    if (this.clientSyn === undefined) this.fail(s, `segment ${at(s.index)} from ${senderText(s)} on ${this.key} comes before any SYN: the client's wire shows no handshake`);
  }

  /** Data and ACKs from the server side: continuous sequence space and unchanged options. */
  private fromServer(s: WireSegment): void {
    const seq = this.seq;
    if (seq === undefined || this.synAck === undefined) {
      this.fail(s, `segment ${at(s.index)} from ${senderText(s)} on ${this.key} comes before any SYN-ACK: the client's wire shows no handshake`);
      return;
    }
    // A keepalive may sit one below ISS+1 (SND.NXT−1 before any data); anything lower is foreign sequence space.
    if (seq.offsetOf(s.tcp.seq) < (s.segLen <= 1 ? -1 : 0)) {
      this.fail(s, `segment ${at(s.index)} from ${senderText(s)} has seq ${String(s.tcp.seq)}, before ISS+1 (ISS ${String(this.synAck.tcp.seq)}): it is not on this connection's sequence space`);
    }
    const from = seq.next;
    seq.observe(s.index, s.tcp.seq, s.segLen, () =>
      `segment ${at(s.index)} from ${senderText(s)} jumps from seq ${String(from)} to ${String(s.tcp.seq)} and the ${String(seq.offsetOf(s.tcp.seq) - seq.offsetOf(from))} bytes between never reach the client: the sender did not carry on from SND.NXT (a transfer that lost the send state?)`);
    this.checkOptions(s, this.synAck);
  }

  /** The options agreed in the handshake stay in force: timestamps on every segment if negotiated, the same scale. */
  private checkOptions(s: WireSegment, synAck: WireSegment): void {
    const negotiated = this.clientSyn !== undefined && timestampsOf(this.clientSyn) !== undefined && timestampsOf(synAck) !== undefined;
    if (negotiated && timestampsOf(s) === undefined) {
      this.fail(s, `segment ${at(s.index)} from ${senderText(s)} carries no timestamps though the handshake negotiated them: the client may drop it (RFC 7323 §3.2) — the timestamp state was not carried over?`);
    }
    const shift = wscaleOf(s);
    if (shift !== null && shift !== wscaleOf(synAck)) {
      this.fail(s, `segment ${at(s.index)} from ${senderText(s)} announces window scale ${String(shift)}, but the handshake agreed ${scaleText(wscaleOf(synAck))}`);
    }
  }

  /** Acknowledgement numbers never go backwards, in either direction. */
  private watchAck(s: WireSegment): void {
    const watch = s.fromClient ? this.clientAck : this.serverAck;
    const why = s.fromClient ? 'the client' : 'the server side (RCV.NXT not carried over by a transfer?)';
    watch.observe(s.index, s.tcp.ack, (max) =>
      `segment ${at(s.index)} from ${senderText(s)} acknowledges ${String(s.tcp.ack)}, below the ${String(max)} already acknowledged, and later segments stay below it: ${why} forgot bytes it had acknowledged`);
  }

  /** The server side's TSval never goes backwards, else PAWS on the client rejects its segments. */
  private watchTimestamps(s: WireSegment): void {
    const ts = timestampsOf(s);
    if (ts === undefined) return;
    this.serverTs.observe(s.index, ts.tsVal, (max) =>
      `segment ${at(s.index)} from ${senderText(s)} has TSval ${String(ts.tsVal)}, below the ${String(max)} already seen, and later segments stay below it: PAWS on the client rejects them (the timestamp clock offset was not carried over?)`);
  }
}

/** "7", or "none" for no window-scale option. */
function scaleText(shift: number | null): string {
  return shift === null ? 'none' : String(shift);
}
