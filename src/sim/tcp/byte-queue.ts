/**
 * A growable FIFO of bytes addressed by sequence number: the send buffer
 * (bytes from SND.UNA on) and the receive buffer (bytes the app has not read).
 * Appends copy into one backing array; consumed bytes are dropped from the
 * front lazily, so a long transfer costs amortised O(1) per byte.
 */
export class ByteQueue {
  private data: Uint8Array;
  private head = 0;
  private tail = 0;

  constructor(initialCapacity = 256) {
    this.data = new Uint8Array(initialCapacity);
  }

  /** Bytes held. */
  get length(): number {
    return this.tail - this.head;
  }

  /** Append bytes at the end. */
  push(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.data.set(bytes, this.tail);
    this.tail += bytes.length;
  }

  /** A copy of `length` bytes starting `offset` bytes from the front. */
  peek(offset: number, length: number): Uint8Array {
    const start = this.head + offset;
    const end = Math.min(start + length, this.tail);
    return this.data.slice(start, Math.max(start, end));
  }

  /** Drop `n` bytes from the front. */
  drop(n: number): void {
    this.head += Math.min(n, this.length);
    if (this.head === this.tail) {
      this.head = 0;
      this.tail = 0;
    }
  }

  /** Remove and return up to `n` bytes from the front. */
  take(n: number): Uint8Array {
    const out = this.peek(0, n);
    this.drop(out.length);
    return out;
  }

  private reserve(extra: number): void {
    if (this.tail + extra <= this.data.length) return;
    const live = this.length;
    if (this.head > 0 && live + extra <= this.data.length) {
      this.data.copyWithin(0, this.head, this.tail);
    } else {
      const bigger = new Uint8Array(Math.max(this.data.length * 2, live + extra));
      bigger.set(this.data.subarray(this.head, this.tail));
      this.data = bigger;
    }
    this.head = 0;
    this.tail = live;
  }
}
