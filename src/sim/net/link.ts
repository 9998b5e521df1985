/**
 * A point-to-point link between two interfaces, one transmit queue per
 * direction. A packet waits for the transmitter, takes size·8/bandwidth to
 * serialise, then propagation delay to arrive. Faults are data: integer
 * per-mille rates drawn from the link's own PRNG stream, so configuring faults
 * on one link never changes the random draws of another.
 */
import type { Prng } from '../core/prng';
import type { Simulation } from '../core/simulation';
import { US_PER_S, type SimTime } from '../core/time';
import type { Interface } from './interface';

/** Random impairments of one direction of a link. All rates are per mille (0..1000). */
export interface LinkFaults {
  readonly lossPerMille: number;
  readonly duplicatePerMille: number;
  /** A reordered packet is held back by `reorderDelayUs` so later packets overtake it. */
  readonly reorderPerMille: number;
  readonly reorderDelayUs: SimTime;
  /** Constant extra delay added to every packet. */
  readonly extraDelayUs: SimTime;
  /** Uniform random extra delay in [0, jitterUs]; may reorder, as on a real path. */
  readonly jitterUs: SimTime;
}

/** Physical properties of one direction of a link. */
export interface LinkProperties {
  readonly delayUs: SimTime;
  readonly bandwidthBps: number;
  /** Packets waiting or being serialised at most; one more is dropped ('queue-full'). */
  readonly queueLimitPackets: number;
  readonly faults: LinkFaults;
}

/** No faults at all. */
export const NO_FAULTS: LinkFaults = {
  lossPerMille: 0,
  duplicatePerMille: 0,
  reorderPerMille: 0,
  reorderDelayUs: 0,
  extraDelayUs: 0,
  jitterUs: 0,
};

/** A 1 Gb/s, 1 ms link with a 1000-packet queue and no faults. */
export const DEFAULT_LINK: LinkProperties = {
  delayUs: 1_000,
  bandwidthBps: 1_000_000_000,
  queueLimitPackets: 1_000,
  faults: NO_FAULTS,
};

/** Time to put `bytes` on a wire of `bandwidthBps`, rounded up to whole microseconds. */
export function serialisationUs(bytes: number, bandwidthBps: number): SimTime {
  return Math.ceil((bytes * 8 * US_PER_S) / bandwidthBps);
}

/** Receives packets that arrive at an interface. */
export type ArrivalHandler = (iface: Interface, packetId: number, bytes: Uint8Array, sentAt: SimTime) => void;

class Direction {
  /** When the transmitter finishes the last packet handed to it. */
  busyUntil: SimTime = 0;
  /**
   * Departure times of packets still queued or on the transmitter, oldest
   * first from `head`, while more than one is; null otherwise (nearly always),
   * and then the one packet there may be departs at busyUntil. So an idle link
   * holds no array and sending on it allocates none.
   */
  private departures: SimTime[] | null = null;
  private head = 0;

  constructor(
    public props: LinkProperties,
    readonly rng: Prng,
  ) {}

  queued(now: SimTime): number {
    const departures = this.departures;
    if (departures === null) return this.busyUntil > now ? 1 : 0;
    while (this.head < departures.length && (departures[this.head] as number) <= now) this.head++;
    if (this.head === departures.length) {
      this.departures = null;
      this.head = 0;
      return 0;
    }
    if (this.head > 1024 && this.head * 2 > departures.length) {
      departures.splice(0, this.head);
      this.head = 0;
    }
    return departures.length - this.head;
  }

  /** Queue a packet (after queued(now) was asked); returns when its last bit leaves. */
  enqueue(now: SimTime, bytes: number): SimTime {
    if (this.departures === null && this.busyUntil > now) this.departures = [this.busyUntil];
    this.busyUntil = Math.max(now, this.busyUntil) + serialisationUs(bytes, this.props.bandwidthBps);
    this.departures?.push(this.busyUntil);
    return this.busyUntil;
  }
}

/** A packet on the wire: what its arrival event needs, in one object rather than a closure and its context. */
interface InFlight {
  readonly link: Link;
  readonly to: Interface;
  readonly packetId: number;
  readonly bytes: Uint8Array;
  readonly sentAt: SimTime;
}

/** A full-duplex point-to-point link. */
export class Link {
  private readonly dirs: [Direction, Direction];
  /** False while the link is cut; packets sent or arriving then are dropped. */
  up = true;

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    readonly ends: readonly [Interface, Interface],
    props: readonly [LinkProperties, LinkProperties],
    private readonly onArrive: ArrivalHandler,
  ) {
    this.dirs = [
      new Direction(props[0], sim.rng.child(`link:${name}:0`)),
      new Direction(props[1], sim.rng.child(`link:${name}:1`)),
    ];
  }

  /** Properties of the direction leaving `from`. */
  properties(from: Interface): LinkProperties {
    return this.dirs[this.sideOf(from)].props;
  }

  /** Replace the properties of the direction leaving `from` (e.g. a fault added mid-run). */
  configure(from: Interface, props: LinkProperties): void {
    this.dirs[this.sideOf(from)].props = props;
  }

  /** Bring the link down or up, with a trace entry. */
  setUp(up: boolean): void {
    this.up = up;
    this.sim.trace.record({ kind: 'fault', target: `link:${this.name}`, fault: up ? 'link-up' : 'link-down' });
  }

  /** Transmit a registered packet from interface `from` to the other end. */
  transmit(from: Interface, packetId: number, bytes: Uint8Array): void {
    const side = this.sideOf(from);
    const dir = this.dirs[side];
    const to = this.ends[1 - side] as Interface;
    const { trace } = this.sim;
    const now = this.sim.now;
    if (!this.up) {
      trace.record({ kind: 'packet-drop', node: from.host.name, iface: from.name, packetId, reason: 'link-down' });
      return;
    }
    if (dir.queued(now) >= dir.props.queueLimitPackets) {
      trace.record({ kind: 'packet-drop', node: from.host.name, iface: from.name, packetId, reason: 'queue-full' });
      return;
    }
    const departs = dir.enqueue(now, bytes.length);
    const f = dir.props.faults;
    const lost = dir.rng.chancePerMille(f.lossPerMille);
    const arrives = departs + dir.props.delayUs + this.extraDelay(dir, f);
    if (trace.on) trace.record({ kind: 'packet-send', node: from.host.name, iface: from.name, packetId, arrivesAt: lost ? null : arrives });
    if (lost) {
      this.sim.scheduler.at(arrives, () =>
        trace.record({ kind: 'packet-drop', node: to.host.name, iface: to.name, packetId, reason: 'loss' }),
      );
      return;
    }
    this.sim.scheduler.call(arrives, Link.land, { link: this, to, packetId, bytes, sentAt: now });
    if (dir.rng.chancePerMille(f.duplicatePerMille)) this.duplicate(from, to, packetId, bytes, arrives, now);
  }

  private extraDelay(dir: Direction, f: LinkFaults): SimTime {
    let extra = f.extraDelayUs;
    if (f.jitterUs > 0) extra += dir.rng.between(0, f.jitterUs);
    if (dir.rng.chancePerMille(f.reorderPerMille)) extra += f.reorderDelayUs;
    return extra;
  }

  private duplicate(from: Interface, to: Interface, packetId: number, bytes: Uint8Array, arrives: SimTime, sentAt: SimTime): void {
    const copyId = this.sim.trace.registerPacket(bytes, from.host.name, packetId);
    this.sim.trace.record({ kind: 'packet-duplicate', node: from.host.name, iface: from.name, packetId, copyId });
    this.sim.scheduler.call(arrives, Link.land, { link: this, to, packetId: copyId, bytes, sentAt });
  }

  /** The arrival event of every packet on every link: one shared function, so scheduling a packet makes no closure. */
  private static land(this: void, p: InFlight): void {
    p.link.arrive(p);
  }

  /** A packet reaches the far end: dropped if the link went down meanwhile. */
  private arrive(p: InFlight): void {
    if (!this.up) {
      this.sim.trace.record({ kind: 'packet-drop', node: p.to.host.name, iface: p.to.name, packetId: p.packetId, reason: 'link-down' });
      return;
    }
    this.onArrive(p.to, p.packetId, p.bytes, p.sentAt);
  }

  private sideOf(iface: Interface): 0 | 1 {
    if (iface === this.ends[0]) return 0;
    if (iface === this.ends[1]) return 1;
    throw new Error(`interface ${iface.host.name}/${iface.name} is not an end of link ${this.name}`);
  }
}
