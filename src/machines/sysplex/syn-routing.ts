/**
 * SYN-time routing on the routing stack, as z/OS Sysplex Distributor does it
 * (docs/domain.md §1.2–1.4): a client SYN with no CRT row never reaches the
 * routing app; the stack picks a target stack by the configured method, adds
 * the CRT row (Dest, Source, DestXCF), counts the connection in the VDPT row
 * and forwards the SYN over XCF. Later segments of the 4-tuple follow the row
 * (the routing stack's ordinary CRT forwarding); the target answers the client
 * directly. The connection leaves ActiveConn when its target reports that it
 * ended (CONN_ENDED over XCF, after the target's TCB reached CLOSED — so a
 * target in TIME-WAIT still counts it), or when the target stack leaves the
 * sysplex group (crash): the routing stack does not watch FINs pass by.
 */
import type { Host, IpDelivery } from '../../sim/net/host';
import { connName, type ConnId } from '../../sim/sysplex/control-messages';
import { Distributor, type DistributionConfig, type TargetView, type WlmInputs } from '../../sim/sysplex/distribution';
import type { ConnectionRoutingTable, DptRow } from '../../sim/sysplex/tables';
import { formatIpv4Address } from '../../sim/wire/ipv4-address';

/** A timed change of one stack's WLM inputs (BASEWLM / SERVERWLM). */
export type WlmChange = { readonly atUs: number; readonly stack: string } & { readonly [K in keyof WlmInputs]?: WlmInputs[K] | undefined };

/** SYN-time distribution settings of a routing stack. */
export interface SynDistribution {
  readonly config: DistributionConfig;
  /** Target stacks in DESTIP order. */
  readonly stacks: readonly string[];
  readonly changes: readonly WlmChange[];
}

/** The method as `Netstat VDPT` spells it in Flg:. */
const FLAG_NAMES = { roundrobin: 'Roundrobin', weightedactive: 'WeightedActive', basewlm: 'BaseWLM', serverwlm: 'ServerWLM', hotstandby: 'HotStandby' } as const;

/** TCP flags byte of a segment: SYN without ACK opens a connection. */
export function isOpeningSyn(tcp: Uint8Array): boolean {
  const flags = tcp[13] ?? 0;
  return (flags & 0x12) === 0x02;
}

/** What the routing stack lends its SYN-time router. */
export interface SynRoutingHost {
  readonly host: Host;
  readonly crt: ConnectionRoutingTable;
  readonly dpt: ReadonlyMap<string, DptRow>;
  readonly xcf: ReadonlyMap<string, number>;
  readonly dvipa: number;
}

/** The routing stack's SYN-time distributor and its VDPT reporting. */
export class SynRouting {
  readonly distributor: Distributor;
  /** Stacks that left the sysplex group (crashed): never ready again in this model. */
  private readonly left = new Set<string>();

  constructor(
    private readonly s: SynRoutingHost,
    settings: SynDistribution,
  ) {
    this.distributor = new Distributor(settings.config, settings.stacks);
    for (const c of settings.changes) s.host.sim.scheduler.at(c.atUs, () => this.applyWlmChange(c));
  }

  /** Route a client's opening SYN: choose, add the CRT row, count, forward. */
  routeSyn(d: IpDelivery, conn: ConnId): void {
    const choice = this.distributor.choose(this.views());
    const trace = this.s.host.sim.trace;
    const name = connName(conn);
    trace.record({ kind: 'app', node: this.s.host.name, app: 'distributor', message: `SYN ${name} → ${choice.stack ?? 'nobody'}: ${choice.reason}`, data: { conn: name, method: choice.method, target: choice.stack ?? '', reason: choice.reason } });
    const row = choice.stack === null ? undefined : this.rowOf(choice.stack);
    const xcf = choice.stack === null ? undefined : this.s.xcf.get(choice.stack);
    if (choice.stack === null || row === undefined || xcf === undefined) {
      this.s.host.drop(d.iface, d.packetId, 'no-listener', `no ready target for ${name} (${choice.method})`);
      return;
    }
    this.s.crt.add(conn, choice.stack, undefined, `SYN routed by ${choice.method}`);
    row.totalConn++;
    row.activeConn++;
    this.recordVdpt(row, 'new connection');
    this.s.host.forwardVia(d, xcf);
    trace.record({ kind: 'app', node: this.s.host.name, app: 'CRT', message: `forward ${name} over XCF to ${choice.stack}` });
  }

  /** A target's listener count changed (it is in the group, whatever it says). */
  listenChanged(stack: string): void {
    this.left.delete(stack);
    const row = this.rowOf(stack);
    if (row) this.recordVdpt(row, row.rdy > 0 ? 'server listening' : 'server stopped listening');
  }

  /** A connection a target owned ended; ActiveConn already went down. */
  connEnded(stack: string): void {
    const row = this.rowOf(stack);
    if (row) this.recordVdpt(row, 'connection ended');
  }

  /**
   * XCF told the group that a target stack left (it crashed): it gets no new
   * connections, its connections died with it, so their CRT rows go.
   */
  memberLeft(stack: string): void {
    if (!this.distributor.stacks.includes(stack)) return;
    this.left.add(stack);
    for (const r of this.s.crt.ownedBy(stack)) this.s.crt.remove(r.conn, `${stack} left the sysplex group; the connection ended with it`);
    const row = this.rowOf(stack);
    if (!row) return;
    row.rdy = 0;
    row.activeConn = 0;
    this.recordVdpt(row, `${stack} left the sysplex group`);
  }

  private applyWlmChange(c: WlmChange): void {
    const { atUs: _at, stack, ...given } = c;
    const change = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Partial<WlmInputs>;
    this.distributor.updateWlm(stack, change);
    const row = this.rowOf(stack);
    const what = Object.entries(change).map(([k, v]) => `${k} ${String(v)}`).join(', ');
    if (row) this.recordVdpt(row, `WLM update: ${what}`);
  }

  /** The targets as the method sees them, in DESTIP order. */
  private views(): TargetView[] {
    return this.distributor.stacks.map((stack) => {
      const row = this.rowOf(stack);
      return { stack, ready: row !== undefined && row.rdy > 0 && !this.left.has(stack), activeConn: row?.activeConn ?? 0 };
    });
  }

  private rowOf(stack: string): DptRow | undefined {
    for (const r of this.s.dpt.values()) if (r.stack === stack) return r;
    return undefined;
  }

  /** One VDPT row as `Netstat VDPT` shows it, with the numbers as data for views. */
  private recordVdpt(row: DptRow, why: string): void {
    const dest = `${formatIpv4Address(this.s.dvipa)}..${row.port}`;
    const xcf = formatIpv4Address(row.xcf);
    const weight = this.distributor.weightOf(row.stack);
    const active = this.distributor.config.method === 'hotstandby' && this.distributor.activeStandby === row.stack && row.rdy > 0;
    const flags = `${FLAG_NAMES[this.distributor.config.method]}${active ? ', Active' : ''}`;
    const detail = this.wlmDetail(row.stack);
    const data = { dest, destXcf: xcf, stack: row.stack, totalConn: row.totalConn, activeConn: row.activeConn, rdy: row.rdy, flags, ...(weight === null ? {} : { weight }), ...detail };
    const wlm = weight === null ? '' : ` WLM: ${weight}`;
    const extra = Object.entries(detail).map(([k, v]) => ` ${k === 'tsr' ? 'TSR' : k[0]?.toUpperCase() + k.slice(1)}: ${v}`).join('');
    this.s.host.sim.trace.record({ kind: 'app', node: this.s.host.name, app: 'VDPT', message: `Dest: ${dest} DestXCF: ${xcf} TotalConn: ${row.totalConn} Rdy: ${row.rdy}${wlm}${extra} ActiveConn: ${row.activeConn} Flg: ${flags} (${why})`, data });
  }

  /** TSR for the WLM methods, plus Health and Abnorm for SERVERWLM (VDPT DETAIL fields). */
  private wlmDetail(stack: string): { tsr?: number; health?: number; abnorm?: number } {
    const m = this.distributor.config.method;
    if (m !== 'basewlm' && m !== 'serverwlm') return {};
    const w = this.distributor.wlmOf(stack);
    return m === 'basewlm' ? { tsr: w.tsr } : { tsr: w.tsr, health: w.health, abnorm: w.abnorm };
  }
}
