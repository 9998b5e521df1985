/**
 * TCP analysis as tshark does it, for the ladder's labels: relative sequence
 * numbers per connection direction, retransmissions, duplicate ACKs, zero
 * windows and window updates. Pure.
 */
import { tcpFlagsToString } from '../../sim/wire/tcp';
import { TcpFlag, type TcpOption } from '../../sim/wire/types';
import type { TcpAnalysis, DecodedSegment } from './ladder-packets';

// ---------------------------------------------------------------------------
// TCP analysis, as tshark does it (relative numbers, retransmissions, dup ACKs)
// ---------------------------------------------------------------------------

export const TWO_32 = 0x1_0000_0000;
export const rel = (value: number, base: number): number => (value - base + TWO_32) % TWO_32;
export const controlFlags = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST;

export interface Direction {
  /** ISN seen in this direction's SYN (or first seq − 1 when the SYN was never seen). */
  base: number;
  /** Window shift from this direction's SYN, applied once both SYNs carried one. */
  shift: number | null;
}

/** What one capture point (a link) has seen of one direction of a connection, as tshark keeps it. */
export interface Flow {
  /** Highest relative seq + SEG.LEN seen. */
  nextSeq: number | null;
  /** The last ACK's raw ack number and raw window. */
  lastAck: number | null;
  window: number | null;
  /** Scaled window, for "window full". */
  scaledWindow: number | null;
  /** Step of the ACK the current run of duplicates repeats, and how many followed. */
  dupOrigin: number;
  dups: number;
  /** The last segment was a zero-window probe. */
  lastWasProbe: boolean;
}

export const RETRANSMIT_WHAT: Readonly<Record<string, TcpAnalysis>> = {
  retransmit: 'retransmission',
  'fast-retransmit': 'fast-retransmission',
  'sack-retransmit': 'sack-retransmission',
  'window-probe': 'window-probe',
};

/** tshark's words for each analysis flag, in the order tshark prints them. */
export const ANALYSIS_TEXT: Readonly<Record<TcpAnalysis, string>> = {
  'link-duplicate': 'Link duplicate',
  retransmission: 'TCP Retransmission',
  'fast-retransmission': 'TCP Fast Retransmission',
  // tshark has no SACK-specific wording: a hole filled from the scoreboard is a retransmission.
  'sack-retransmission': 'TCP Retransmission',
  'window-update': 'TCP Window Update',
  'window-full': 'TCP Window Full',
  'dup-ack': 'TCP Dup ACK',
  'window-probe': 'TCP ZeroWindowProbe',
  'window-probe-ack': 'TCP ZeroWindowProbeAck',
  'zero-window': 'TCP ZeroWindow',
};
export const ANALYSIS_ORDER = Object.keys(ANALYSIS_TEXT) as TcpAnalysis[];

/**
 * tshark's sequence analysis, simplified: per capture point (a link) and
 * direction it remembers the next expected seq, the last ACK and window. The
 * sender's own trace marks (retransmit, fast-retransmit, sack-retransmit,
 * window-probe) win over what a capture point could infer.
 */
export class TcpAnalyser {
  private readonly directions = new Map<string, Direction>();
  private readonly flows = new Map<string, Flow>();
  /** Segment signature → the mark the sender's trace gave it, so forwarded copies keep it. */
  private readonly marked = new Map<string, TcpAnalysis>();

  /** Labels one segment seen at capture point `point` (a link) as trace step `index`. */
  label(s: DecodedSegment, point: string, index: number, traceMark: TcpAnalysis | undefined): { label: string; analysis: TcpAnalysis[] } {
    const key = `${s.src}:${s.srcPort}>${s.dst}:${s.dstPort}`;
    const reverseKey = `${s.dst}:${s.dstPort}>${s.src}:${s.srcPort}`;
    const direction = this.direction(key, s);
    const reverse = this.directions.get(reverseKey);
    const relSeq = rel(s.seq, direction.base);
    const isSyn = (s.flags & TcpFlag.SYN) !== 0;
    // RFC 7323 §2.3: the window is scaled once both SYNs carried the option, and never in a SYN.
    const scaled = !isSyn && direction.shift !== null && reverse !== undefined && reverse.shift !== null;
    const window = scaled ? s.window * 2 ** (direction.shift ?? 0) : s.window;

    const forward = this.flow(`${point} ${key}`);
    const back = this.flow(`${point} ${reverseKey}`);
    const analysis = this.analyse(s, { key, relSeq, window, index, traceMark }, forward, back);
    const parts = [`[${tcpFlagsToString(s.flags)}]`, `Seq=${relSeq}`];
    if ((s.flags & TcpFlag.ACK) !== 0) parts.push(`Ack=${reverse ? rel(s.ack, reverse.base) : s.ack}`);
    parts.push(`Win=${window}`, `Len=${s.length}`, ...optionText(s.options, reverse));
    const prefix = analysis.map((a) => (a === 'dup-ack' ? `[${ANALYSIS_TEXT[a]} ${forward.dupOrigin}#${forward.dups}]` : `[${ANALYSIS_TEXT[a]}]`));
    return { label: [...prefix, ...parts].join(' '), analysis };
  }

  private direction(key: string, s: DecodedSegment): Direction {
    const isSyn = (s.flags & TcpFlag.SYN) !== 0;
    const wscale = s.options.find((o): o is Extract<TcpOption, { kind: 'wscale' }> => o.kind === 'wscale');
    let d = this.directions.get(key);
    // A SYN with a new ISN starts a new incarnation of the 4-tuple; a retransmitted SYN keeps it.
    if (!d || (isSyn && d.base !== s.seq)) {
      d = { base: isSyn ? s.seq : (s.seq - 1 + TWO_32) % TWO_32, shift: isSyn && wscale ? wscale.shift : null };
      this.directions.set(key, d);
    }
    return d;
  }

  private flow(key: string): Flow {
    let f = this.flows.get(key);
    if (!f) {
      f = { nextSeq: null, lastAck: null, window: null, scaledWindow: null, dupOrigin: -1, dups: 0, lastWasProbe: false };
      this.flows.set(key, f);
    }
    return f;
  }

  private analyse(s: DecodedSegment, at: { key: string; relSeq: number; window: number; index: number; traceMark: TcpAnalysis | undefined }, forward: Flow, back: Flow): TcpAnalysis[] {
    const out = new Set<TcpAnalysis>();
    const control = (s.flags & controlFlags) !== 0;
    const hasAck = (s.flags & TcpFlag.ACK) !== 0;
    const seqLength = s.length + ((s.flags & TcpFlag.SYN) !== 0 ? 1 : 0) + ((s.flags & TcpFlag.FIN) !== 0 ? 1 : 0);
    const signature = `${at.key} ${s.seq} ${s.length} ${s.flags}`;
    const inOrder = forward.nextSeq === null || at.relSeq === forward.nextSeq;

    const probe = at.traceMark === 'window-probe' || (s.length === 1 && inOrder && back.window === 0);
    if (probe) out.add('window-probe');
    else if (at.traceMark) {
      out.add(at.traceMark);
      this.marked.set(signature, at.traceMark);
    } else if (seqLength > 0 && forward.nextSeq !== null && at.relSeq + seqLength <= forward.nextSeq) {
      // Seen before at this capture point: a retransmission (or a forwarded copy of one: keep the sender's word for it).
      out.add(this.marked.get(signature) ?? 'retransmission');
    }
    if (s.length > 0 && !probe && back.lastAck !== null && back.scaledWindow !== null && (s.seq + s.length) % TWO_32 === (back.lastAck + back.scaledWindow) % TWO_32) out.add('window-full');

    const sameAck = hasAck && forward.lastAck === s.ack;
    if (s.length === 0 && !control && sameAck && inOrder) {
      if (s.window !== 0 && s.window !== forward.window) out.add('window-update');
      else if (s.window === 0 && forward.window === 0 && back.lastWasProbe) out.add('window-probe-ack');
      else if (s.window === forward.window && !at.traceMark) {
        forward.dups++;
        out.add('dup-ack');
      }
    }
    if (s.window === 0 && !control) out.add('zero-window');

    // Remember what this capture point has now seen of this direction.
    if (hasAck && !out.has('dup-ack')) {
      forward.dupOrigin = at.index;
      forward.dups = 0;
    }
    if (seqLength > 0 && !probe) forward.nextSeq = Math.max(forward.nextSeq ?? 0, at.relSeq + seqLength);
    else if (forward.nextSeq === null) forward.nextSeq = at.relSeq;
    if (hasAck) forward.lastAck = s.ack;
    forward.window = s.window;
    forward.scaledWindow = at.window;
    forward.lastWasProbe = probe;
    return ANALYSIS_ORDER.filter((a) => out.has(a));
  }
}

/** Wireshark's option summary for SYNs (MSS, SACK_PERM, WS) and SACK blocks (relative SLE/SRE). */
export function optionText(options: readonly TcpOption[], reverse: Direction | undefined): string[] {
  const out: string[] = [];
  for (const o of options) {
    if (o.kind === 'mss') out.push(`MSS=${o.mss}`);
    else if (o.kind === 'sack-permitted') out.push('SACK_PERM');
    else if (o.kind === 'wscale') out.push(`WS=${2 ** o.shift}`);
    else if (o.kind === 'sack') for (const [left, right] of o.blocks) out.push(`SLE=${reverse ? rel(left, reverse.base) : left} SRE=${reverse ? rel(right, reverse.base) : right}`);
  }
  return out;
}
