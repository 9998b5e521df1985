/**
 * A TCP layer that tells its stack when a connection is released (reached
 * CLOSED), so the stack can keep its tables true — the CRT row of a closed
 * connection must not outlive it.
 */
import type { Connection } from '../../sim/tcp/connection';
import type { TcpSocketOptions } from '../../sim/tcp/tcb';
import { TcpLayer, type Listener } from '../../sim/tcp/tcp-layer';

/** TcpLayer with accept and release callbacks for its stack. */
export class ObservedTcpLayer extends TcpLayer {
  onReleased: ((connection: Connection) => void) | null = null;
  /** Runs when a passive connection is established, before the app's accept handler. */
  onAccepted: ((connection: Connection) => void) | null = null;

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
