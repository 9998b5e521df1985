/**
 * Assembles a running sysplex on one simulation: the network, the routing
 * stack with its routing app, the target stacks with their target apps, and
 * the clients with their dialogues. Everything is data in, objects out; the
 * scenario runs when the scheduler runs.
 */
import type { Simulation } from '../../sim/core/simulation';
import type { LinkProperties } from '../../sim/net/link';
import { buildSysplexNetwork, type SysplexNetwork } from '../../sim/sysplex/topology';
import type { Facts, Policy, Selection } from '../../sim/sysplex/dialogue/policy';
import { tcpProfile } from '../../sim/tcp/profile';
import { TcpLayer } from '../../sim/tcp/tcp-layer';
import { xstateTcpControl } from '../tcp-control';
import { ClientApp } from './apps/client';
import { dialogueFor } from './apps/dialogues';
import { RoutingApp } from './apps/routing-app';
import { ProxyApp } from './apps/proxy-app';
import { TargetApp, type AcceptRule, type Responder } from './apps/target-app';
import { APP_CONTROL_PORT_BASE } from './ports';
import { RoutingStack, type FreezePolicy } from './routing-stack';
import { TargetStack } from './target-stack';
import { DvipaTakeover, type TakeoverConfig } from './takeover';
import type { SynDistribution } from './syn-routing';

/** One target app instance. */
export interface TargetAppConfig {
  readonly app: string;
  readonly stack: string;
  readonly accept: AcceptRule;
  /** HTTP path prefixes it serves; other requests move the connection on (claim 10). */
  readonly serves?: readonly string[];
  /** Answer later with its own reply (the comparison's cache model); absent: answer at once. */
  readonly respond?: Responder;
}

/** One client and its dialogue. */
export interface ClientConfig {
  readonly requests: readonly Uint8Array[];
  readonly startAtUs: number;
  readonly pipeline?: { readonly afterStep: number; readonly delayUs: number };
}

/** A sysplex to build. */
export interface SysplexConfig {
  readonly profile: 'rfc' | 'linux';
  readonly protocol: 'http' | 'smtp';
  readonly port: number;
  readonly stacks: readonly string[];
  readonly targets: readonly TargetAppConfig[];
  readonly policy: Policy;
  readonly clients: readonly ClientConfig[];
  readonly freeze: FreezePolicy;
  readonly transferTimeoutMs: number;
  readonly clientLink?: LinkProperties | readonly [LinkProperties, LinkProperties];
  readonly xcfLink?: LinkProperties;
  readonly osaLink?: LinkProperties;
  /** Name of the routing app (claim 8: it may be an instance of the target app). */
  readonly routingAppName: string;
  /** z/OS Sysplex Distributor's SYN-time distribution instead of the patent's handoff; absent = the patent. */
  readonly distribution?: SynDistribution;
  /** A backup routing stack (VIPABACKUP) that takes the DVIPA over when the routing stack crashes, or (backup null) XCF group monitoring only; absent = neither. */
  readonly takeover?: TakeoverConfig;
  /** An L7 proxy on the routing stack relays every connection to a listening target (not the patent); ignored with `distribution`. */
  readonly proxy?: boolean;
  /** Overrides the policy's rules when the routing app or the proxy picks a target (e.g. hash by path). */
  readonly select?: (facts: Facts) => Selection;
  /** Client hosts to build when the caller runs its own clients on them; default one per entry of `clients`. */
  readonly clientHosts?: number;
}

/** A built sysplex. */
export interface Sysplex {
  readonly net: SysplexNetwork;
  readonly routingStack: RoutingStack;
  readonly targetStacks: ReadonlyMap<string, TargetStack>;
  /** The patent's routing application; null under SYN-time distribution. */
  readonly routingApp: RoutingApp | null;
  /** The L7 proxy, when `proxy` was asked for. */
  readonly proxyApp: ProxyApp | null;
  readonly targetApps: readonly TargetApp[];
  readonly clients: readonly ClientApp[];
  /** The backup stack and takeover machinery, when a backup is configured. */
  readonly takeover: DvipaTakeover | null;
}

/** Build the sysplex and schedule its clients. */
export function buildSysplex(sim: Simulation, c: SysplexConfig): Sysplex {
  const net = buildSysplexNetwork(sim, { stacks: c.stacks, clients: c.clientHosts ?? c.clients.length, ...(c.clientLink ? { clientLink: c.clientLink } : {}), ...(c.xcfLink ? { xcfLink: c.xcfLink } : {}), ...(c.osaLink ? { osaLink: c.osaLink } : {}) });
  const profile = tcpProfile(c.profile);
  const [routingHost, ...otherHosts] = net.stacks;
  // The backup stack is a second, dormant routing stack, not a target.
  const targetHosts = otherHosts.filter((h) => h.name !== c.takeover?.backup);
  if (!routingHost) throw new Error('no routing stack');
  // Behind a proxy, as behind Sysplex Distributor, the targets listen on the port themselves.
  const proxy = c.distribution === undefined && c.proxy === true;
  const synTime = c.distribution !== undefined || proxy;
  const stackOptions = { dvipa: net.dvipa, xcf: net.xcf, profile, freeze: c.freeze, transferTimeoutMs: c.transferTimeoutMs, ...(c.distribution ? { distribution: c.distribution } : {}), ...(proxy ? { proxy } : {}) };
  const routingStack = new RoutingStack(routingHost, stackOptions);
  const appLocations = new Map(c.targets.map((t) => [t.app, t.stack] as const));
  const targetStacks = new Map(targetHosts.map((h) => [h.name, new TargetStack(h, { dvipa: net.dvipa, routingStack: routingHost.name, xcf: net.xcf, profile, appLocations, ...(synTime ? { synTime } : {}) })] as const));
  // XCF tells every member when one leaves the group; the lab delivers that at the crash itself.
  // With a backup configured, the takeover machinery tells whoever owns the DVIPA then, after XCF's detection delay.
  if (synTime && !c.takeover) for (const h of targetHosts) h.onCrash(() => routingStack.syn?.memberLeft(h.name));
  const dialogue = dialogueFor(c.protocol);
  const targetApps = c.targets.map((t, i) => {
    const stack = targetStacks.get(t.stack);
    if (!stack) throw new Error(`target app ${t.app}: no target stack ${t.stack}`);
    return new TargetApp(stack, { name: t.app, port: c.port, controlPort: APP_CONTROL_PORT_BASE + 1 + i, dialogue, accept: t.accept, policy: c.policy, ...(t.serves ? { serves: t.serves } : {}), ...(synTime ? { synTime } : {}), ...(t.respond ? { respond: t.respond } : {}) });
  });
  const dedicated = !c.targets.some((t) => t.app.split('-')[0] === c.routingAppName);
  // Sysplex Distributor has no routing application: the stack itself picks the target on the SYN.
  const select = c.select ? { select: c.select } : {};
  const routingApp = synTime ? null : new RoutingApp(routingStack, { name: c.routingAppName, port: c.port, controlPort: APP_CONTROL_PORT_BASE, dialogue, policy: c.policy, dedicated, ...select });
  const proxyApp = proxy ? new ProxyApp(routingStack, { name: c.routingAppName, port: c.port, policy: c.policy, ...select }) : null;
  const backupHost = otherHosts.find((h) => h.name === c.takeover?.backup);
  const backupStack = backupHost ? new RoutingStack(backupHost, stackOptions) : null;
  const backupApp = backupStack && !synTime ? new RoutingApp(backupStack, { name: c.routingAppName, port: c.port, controlPort: APP_CONTROL_PORT_BASE, dialogue, policy: c.policy, dedicated }) : null;
  const apps = new Map([[routingStack.name, routingApp], [backupStack?.name ?? '', backupApp]].filter((e): e is [string, RoutingApp] => e[1] !== null));
  const takeover = c.takeover ? new DvipaTakeover({ net, primary: routingStack, backup: backupStack, apps, targets: targetStacks }, c.takeover) : null;
  const clients = c.clients.map((cc, i) => {
    const host = net.clients[i];
    if (!host) throw new Error(`no client host ${i}`);
    const tcp = new TcpLayer(host, { profile, control: xstateTcpControl });
    return new ClientApp(sim, tcp, { node: host.name, protocol: c.protocol, requests: cc.requests, dvipa: net.dvipa, port: c.port, startAtUs: cc.startAtUs, ...(cc.pipeline ? { pipeline: cc.pipeline } : {}) });
  });
  return { net, routingStack, targetStacks, routingApp, proxyApp, targetApps, clients, takeover };
}
