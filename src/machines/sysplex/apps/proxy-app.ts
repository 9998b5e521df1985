/**
 * An L7 (HTTP) proxy on the routing stack: the conventional way to route by
 * content, which the patent's handoff avoids. It listens on the DVIPA port,
 * terminates each client connection itself, reads the request, picks a target
 * application by the same policy the patent's routing app uses (or a given
 * selector), opens a second TCP connection from the routing stack to the
 * target over XCF, and relays every byte both ways — so the whole request and
 * the whole response pass through the routing stack twice (in and out), on two
 * TCP connections, for the connection's life.
 *
 * The targets are the DPT's ready rows: a target stack reports its listening
 * server as under SYN-time distribution, and the proxy connects to that
 * stack's XCF address on the same port. One request decides per connection
 * (the comparison workload sends one request per connection, as LARD's
 * HTTP/1.0 clients did); later requests on it follow to the same target.
 */
import { createActor, type ActorRefFrom } from 'xstate';
import type { Simulation } from '../../../sim/core/simulation';
import type { Connection } from '../../../sim/tcp/connection';
import { connName, type ConnId } from '../../../sim/sysplex/control-messages';
import { parseHttpRequest } from '../../../sim/sysplex/dialogue/http';
import { httpFacts, selectTargets, type Facts, type Policy, type Selection } from '../../../sim/sysplex/dialogue/policy';
import type { DptRow } from '../../../sim/sysplex/tables';
import type { RoutingStack } from '../routing-stack';
import { connIdOf } from '../routing-stack';
import { AppSocket } from './app-socket';
import { httpDialogue } from './dialogues';
import { proxyConnectionMachine } from './proxy-app.machine';
import { sendIfActive } from './send-if-active';

/** Options of the proxy. */
export interface ProxyAppOptions {
  readonly name: string;
  readonly port: number;
  readonly policy: Policy;
  /** Overrides the policy (e.g. hash by path); gets the facts of the deciding request. */
  readonly select?: (facts: Facts) => Selection;
}

/** One relayed client connection: the client's side and, once open, the target's. */
interface Relay {
  readonly client: AppSocket;
  backend: AppSocket | null;
  clientClosed: boolean;
  backendClosed: boolean;
}

/** The 4-tuple of a connection the routing stack opened, named from the routing stack's side as the client. */
function backendId(c: Connection): ConnId {
  return { client: c.tcb.localAddress, clientPort: c.tcb.localPort, dvipa: c.tcb.remoteAddress, port: c.tcb.remotePort };
}

/** The L7 proxy. */
export class ProxyApp {
  private readonly sim: Simulation;

  constructor(
    private readonly stack: RoutingStack,
    private readonly o: ProxyAppOptions,
  ) {
    this.sim = stack.host.sim;
    stack.tcp.listen(o.port, (c) => this.accept(c), {}, 0);
    this.say(`listens on the DVIPA port ${o.port} as an L7 proxy: it keeps every client connection and relays it to a target over a second connection (not the patent)`);
  }

  /** The app's name. */
  get name(): string {
    return this.o.name;
  }

  private accept(connection: Connection): void {
    const relay: Relay = { client: new AppSocket(this.sim, connection, this.stack.name, this.o.name, connName(connIdOf(connection)), 'c2s'), backend: null, clientClosed: false, backendClosed: false };
    const actor: ActorRefFrom<typeof proxyConnectionMachine> = createActor(
      proxyConnectionMachine.provide({
        actions: {
          readRequest: () => this.readRequest(relay, actor),
          openBackend: ({ context }) => this.openBackend(relay, context.target, actor),
          pump: () => this.pump(relay),
          answerError: () => this.answerError(relay),
          closeClient: () => this.closeClient(relay),
        },
        guards: { bothClosed: () => relay.clientClosed && relay.backendClosed },
      }),
    );
    connection.handlers = { onReadable: () => sendIfActive(actor, { type: 'CLIENT_BYTES' }), onWritable: () => sendIfActive(actor, { type: 'BACKEND_BYTES' }), onPeerClosed: () => sendIfActive(actor, { type: 'CLIENT_FIN' }) };
    actor.start();
  }

  /** Peek until a whole request is there; its facts pick the target. */
  private readRequest(relay: Relay, actor: ActorRefFrom<typeof proxyConnectionMachine>): void {
    const parsed = parseHttpRequest(relay.client.peek());
    if (parsed.kind === 'incomplete') return;
    if (parsed.kind === 'error') {
      this.say(`cannot parse the client’s request: ${parsed.error}`);
      return void actor.send({ type: 'NO_TARGET' });
    }
    const facts = httpFacts(parsed.request);
    const ready = new Set(this.readyTargets().map((r) => r.app));
    const selection = this.o.select ? this.o.select(facts) : selectTargets(this.o.policy, facts);
    const target = selection.candidates.find((c) => ready.has(c));
    this.say(`${parsed.request.method} ${parsed.request.target} on ${relay.client.conn}: ${selection.reason} → ${target ?? 'no ready target'}`);
    actor.send(target === undefined ? { type: 'NO_TARGET' } : { type: 'DECIDED', target });
  }

  /** The second connection: routing stack → target stack's XCF address, same port. */
  private openBackend(relay: Relay, target: string, actor: ActorRefFrom<typeof proxyConnectionMachine>): void {
    const row = this.readyTargets().find((r) => r.app === target);
    if (!row) return void actor.send({ type: 'BACKEND_FAILED', reason: `${target} is not ready` });
    const backend = this.stack.tcp.connect({ dst: row.xcf, dstPort: row.port });
    backend.handlers = {
      onEstablished: () => {
        relay.backend = new AppSocket(this.sim, backend, this.stack.name, this.o.name, connName(backendId(backend)), 's2c');
        this.say(`relays ${relay.client.conn} over ${relay.backend.conn} to ${target} on ${row.stack}`);
        sendIfActive(actor, { type: 'BACKEND_UP' });
      },
      onReadable: () => sendIfActive(actor, { type: 'BACKEND_BYTES' }),
      onWritable: () => sendIfActive(actor, { type: 'CLIENT_BYTES' }),
      onPeerClosed: () => sendIfActive(actor, { type: 'BACKEND_FIN' }),
      onClosed: (reason) => {
        if (reason !== 'closed') sendIfActive(actor, { type: 'BACKEND_FAILED', reason });
      },
    };
  }

  /** Move what is readable each way; pass a FIN on once everything before it has been relayed. */
  private pump(relay: Relay): void {
    const backend = relay.backend;
    if (!backend) return;
    relayBytes(relay.client, backend);
    relayBytes(backend, relay.client);
    if (!relay.backendClosed && finished(relay.client.connection)) {
      relay.backendClosed = true;
      backend.connection.close();
    }
    if (!relay.clientClosed && finished(backend.connection)) this.closeClient(relay);
  }

  /** No target (or it failed before answering): HTTP 503 over the client's connection, then close. */
  private answerError(relay: Relay): void {
    relay.client.consume(relay.client.peek().length);
    relay.client.write(httpDialogue.errorReply());
    this.say(`no target for ${relay.client.conn}; answers 503 and closes`);
    this.closeClient(relay);
  }

  private closeClient(relay: Relay): void {
    relay.clientClosed = true;
    relay.client.connection.close();
  }

  /** Targets the routing stack knows to be listening (Rdy > 0), in DPT order. */
  private readyTargets(): DptRow[] {
    return [...this.stack.dpt.values()].filter((r) => r.rdy > 0);
  }

  private say(message: string): void {
    this.sim.trace.record({ kind: 'app', node: this.stack.name, app: this.o.name, message });
  }
}

/** Move as many readable bytes of `from` as `to`'s send buffer takes; the rest waits for onWritable. */
function relayBytes(from: AppSocket, to: AppSocket): void {
  const tcb = to.connection.tcb;
  const n = Math.min(from.connection.readable, tcb.options.sendBufferBytes - tcb.sendBuffer.length);
  if (n > 0) to.write(from.consume(n));
}

/** The peer's FIN has arrived and every byte before it has been read. */
function finished(c: Connection): boolean {
  return c.tcb.finReceived && c.readable === 0;
}
