/**
 * The client application: a scripted dialogue over one TCP connection to the
 * DVIPA (HTTP requests, or SMTP commands after the greeting), run by the client
 * machine. It checks every response and keeps the replies for the scenario's
 * expectations (e.g. claim 7: the target's reply names the restored user).
 */
import { createActor, type ActorRefFrom, type AnyActorRef } from 'xstate';
import type { Simulation } from '../../../sim/core/simulation';
import type { Connection } from '../../../sim/tcp/connection';
import type { TcpLayer } from '../../../sim/tcp/tcp-layer';
import { connName } from '../../../sim/sysplex/control-messages';
import { parseHttpResponse } from '../../../sim/sysplex/dialogue/http';
import { parseSmtpReply } from '../../../sim/sysplex/dialogue/smtp';
import { utf8Decode } from '../../../sim/sysplex/dialogue/utf8';
import { sendIfActive } from './send-if-active';
import { AppSocket } from './app-socket';
import { clientMachine } from './client.machine';

/** One reply as the client saw it. */
export interface ClientReply {
  readonly status: number;
  readonly text: string;
}

/** Options of one client. */
export interface ClientOptions {
  readonly node: string;
  readonly protocol: 'http' | 'smtp';
  readonly requests: readonly Uint8Array[];
  readonly dvipa: number;
  readonly port: number;
  readonly startAtUs: number;
  /** HTTP/1.1 pipelining: send the request after `step` this long after it, without waiting for the reply. */
  readonly pipeline?: { readonly afterStep: number; readonly delayUs: number };
}

/** A client and what it saw. */
export class ClientApp {
  readonly replies: ClientReply[] = [];
  connection: Connection | null = null;
  private socket: AppSocket | null = null;
  private actor: ActorRefFrom<typeof clientMachine> | null = null;
  /** Highest request index sent; pipelined requests are not sent twice. */
  private sentUpTo = -1;

  constructor(
    private readonly sim: Simulation,
    private readonly tcp: TcpLayer,
    private readonly o: ClientOptions,
  ) {
    sim.scheduler.at(o.startAtUs, () => this.start());
  }

  /** The client machine's state ("done" when the dialogue completed). */
  get state(): string {
    return this.actor ? String(this.actor.getSnapshot().value) : 'not started';
  }

  /** Why it failed, if it did. */
  get failure(): string | null {
    return this.actor?.getSnapshot().context.failure ?? null;
  }

  /** Which client each running actor belongs to (weak: a finished client goes with its actor). */
  private static readonly byActor = new WeakMap<AnyActorRef, ClientApp>();
  /**
   * One provided machine for every client: its actions find their client by
   * `self`. provide() builds a whole machine, which a workload of thousands of
   * short connections (the comparison) would otherwise pay once per connection.
   */
  private static readonly machine = clientMachine.provide({
    actions: {
      sendRequest: ({ context, self }) => ClientApp.byActor.get(self)?.send(context.step),
      closeSocket: ({ self }) => ClientApp.byActor.get(self)?.connection?.close(),
    },
  });

  private start(): void {
    const actor = createActor(ClientApp.machine, { input: { steps: this.o.requests.length, awaitGreeting: this.o.protocol === 'smtp' } });
    ClientApp.byActor.set(actor, this);
    this.actor = actor;
    actor.start();
    const connection = this.tcp.connect({ dst: this.o.dvipa, dstPort: this.o.port });
    this.connection = connection;
    const name = connName({ client: connection.tcb.localAddress, clientPort: connection.tcb.localPort, dvipa: this.o.dvipa, port: this.o.port });
    this.socket = new AppSocket(this.sim, connection, this.o.node, 'client', name, 's2c');
    connection.handlers = {
      onEstablished: () => sendIfActive(actor, { type: 'CONNECTED' }),
      onReadable: () => this.read(),
      onPeerClosed: () => sendIfActive(actor, { type: 'PEER_CLOSED' }),
      onClosed: (reason) => sendIfActive(actor, reason === 'closed' ? { type: 'CLOSED' } : { type: 'FAILED', reason: `connection ${reason}` }),
    };
  }

  private send(step: number): void {
    const request = this.o.requests[step];
    if (!request || !this.socket || step <= this.sentUpTo) return;
    this.sentUpTo = step;
    this.socket.write(request);
    const p = this.o.pipeline;
    if (p && step === p.afterStep) this.sim.scheduler.after(p.delayUs, () => this.send(step + 1));
  }

  private read(): void {
    const socket = this.socket;
    if (!socket) return;
    for (let guard = 0; guard < 100; guard++) {
      const unread = socket.peek();
      const parsed = this.o.protocol === 'http' ? parseHttpResponse(unread) : parseSmtpReply(unread);
      if (parsed.kind === 'incomplete') return;
      if (parsed.kind === 'error') return void (this.actor && sendIfActive(this.actor, { type: 'FAILED', reason: parsed.error }));
      socket.consume(parsed.length);
      const reply = 'response' in parsed ? { status: parsed.response.status, text: utf8Decode(parsed.response.body) } : { status: parsed.reply.code, text: parsed.reply.lines.join(' ') };
      this.replies.push(reply);
      this.sim.trace.record({ kind: 'app', node: this.o.node, app: 'client', message: `got ${reply.status} ${reply.text.slice(0, 80)}` });
      if (this.actor) sendIfActive(this.actor, { type: 'RESPONSE' });
    }
  }
}
