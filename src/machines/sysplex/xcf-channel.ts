/**
 * Reliable XCF signalling between stacks. z/OS XCF delivers messages between
 * members of a sysplex reliably and once; the lab's XCF links can lose,
 * duplicate and reorder datagrams, so stacks talk through this channel: every
 * message carries a sequence number, the receiver acknowledges it and drops
 * duplicates, the sender retransmits until acknowledged (bounded).
 */
import type { Scheduler, EventHandle } from '../../sim/core/scheduler';
import type { UdpDatagram, UdpSocket } from '../../sim/net/udp';
import { decodeControl, encodeControl, type ControlMessage } from '../../sim/sysplex/control-messages';
import { XCF_PORT } from './ports';

/** Retransmission interval and limit of unacknowledged XCF messages. */
export const XCF_RETRY_US = 20_000;
export const XCF_RETRIES = 20;

/** A stack's XCF endpoint. */
export class XcfChannel {
  private nextSeq = 1;
  private readonly unacked = new Map<number, EventHandle>();
  /** Highest sequence numbers seen per sender, to drop duplicates. */
  private readonly seen = new Map<string, Set<number>>();

  constructor(
    private readonly self: string,
    private socket: UdpSocket,
    private readonly scheduler: Scheduler,
    private readonly xcfOf: (stack: string) => number | undefined,
    private readonly deliver: (message: ControlMessage, from: string) => void,
    private readonly note: (text: string) => void,
  ) {}

  /** Send a message to another stack, reliably. */
  send(to: string, message: ControlMessage): void {
    const xcf = this.xcfOf(to);
    if (xcf === undefined) return;
    const seq = this.nextSeq++;
    const bytes = encodeControl({ type: 'XCF_DATA', from: this.self, seq, inner: encodeControl(message) });
    const attempt = (n: number): void => {
      this.socket.send(xcf, XCF_PORT, bytes);
      if (n >= XCF_RETRIES) {
        this.unacked.delete(seq);
        this.note(`XCF: no acknowledgement from ${to} for message ${seq} after ${n} tries; giving up`);
        return;
      }
      this.unacked.set(seq, this.scheduler.after(XCF_RETRY_US, () => attempt(n + 1)));
    };
    attempt(1);
  }

  /**
   * The stack restarted and bound a new XCF socket: retransmissions from before
   * the crash stop (their sender died), sequence numbers go on so that peers,
   * which remember what they delivered, do not take new messages for old ones.
   */
  rebind(socket: UdpSocket): void {
    for (const handle of this.unacked.values()) this.scheduler.cancel(handle);
    this.unacked.clear();
    this.socket = socket;
  }

  /** Handle a datagram that arrived on the XCF port. */
  receive(d: UdpDatagram): void {
    const m = decodeControl(d.payload);
    if (!m.ok) return this.note(`XCF message rejected: ${m.error}`);
    const msg = m.message;
    if (msg.type === 'XCF_ACK') {
      const handle = this.unacked.get(msg.seq);
      if (handle) this.scheduler.cancel(handle);
      this.unacked.delete(msg.seq);
      return;
    }
    if (msg.type !== 'XCF_DATA') return this.note(`XCF: unexpected ${msg.type} outside the channel`);
    this.socket.send(d.src, XCF_PORT, encodeControl({ type: 'XCF_ACK', from: this.self, seq: msg.seq }));
    const seen = this.seen.get(msg.from) ?? new Set<number>();
    this.seen.set(msg.from, seen);
    if (seen.has(msg.seq)) return; // a retransmission or a duplicate: already delivered
    seen.add(msg.seq);
    const inner = decodeControl(msg.inner);
    if (!inner.ok) return this.note(`XCF message rejected: ${inner.error}`);
    this.deliver(inner.message, msg.from);
  }
}
