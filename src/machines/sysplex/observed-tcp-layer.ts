/**
 * A TCP layer that tells its stack when a connection is released (reached
 * CLOSED), so the stack can keep its tables true — the CRT row of a closed
 * connection must not outlive it.
 */
import type { Host } from '../../sim/net/host';
import type { Connection } from '../../sim/tcp/connection';
import type { TcpSocketOptions } from '../../sim/tcp/tcb';
import { TcpLayer, type Listener, type TcpLayerOptions } from '../../sim/tcp/tcp-layer';

/** TcpLayer with accept, release and crash callbacks for its stack. */
export class ObservedTcpLayer extends TcpLayer {
  onReleased: ((connection: Connection) => void) | null = null;
  /** Runs when a passive connection is established, before the app's accept handler. */
  onAccepted: ((connection: Connection) => void) | null = null;
  /**
   * Runs when the host crashes, before the TCP layer forgets its connections,
   * so the stack can name each TCB that dies (its crash listener runs after
   * the layer's own, when the table is already empty).
   */
  onCrashing: ((connections: readonly Connection[]) => void) | null = null;

  constructor(host: Host, options: TcpLayerOptions) {
    const early: { layer: ObservedTcpLayer | null } = { layer: null };
    // Registered before super() registers the layer's own crash listener, so it runs first.
    host.onCrash(() => early.layer?.onCrashing?.([...early.layer.connections.values()]));
    super(host, options);
    early.layer = this;
  }

  override listen(port: number, onAccept: (connection: Connection) => void, options: Partial<TcpSocketOptions> = {}, address = 0): Listener {
    return super.listen(port, (c) => {
      this.onAccepted?.(c);
      onAccept(c);
    }, options, address);
  }

  override release(connection: Connection): void {
    super.release(connection);
    this.onReleased?.(connection);
  }
}
