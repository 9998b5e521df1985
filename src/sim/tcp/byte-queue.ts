/** The storage of an empty queue. */
const NO_BYTES = new Uint8Array(0);

/** Smallest and largest backing arrays that are recycled; sizes in between are powers of two. */
const MIN_RECYCLED = 256;
const MAX_RECYCLED = 64 * 1024;
/** Spares of one size are kept up to this many bytes (2048 arrays of 256 bytes … 8 of 64 KiB): 4.5 MiB at most in all. */
const SPARE_BYTES_PER_SIZE = 512 * 1024;
/** Spare backing arrays by size, from queues that emptied. */
const spares = new Map<number, Uint8Array[]>();

/** A backing array of at least `size` bytes: a spare if there is one. Its old contents are never read. */
function obtain(size: number): Uint8Array {
  if (size > MAX_RECYCLED) return new Uint8Array(size);
  let rounded = MIN_RECYCLED;
  while (rounded < size) rounded *= 2;
  return spares.get(rounded)?.pop() ?? new Uint8Array(rounded);
}

/** Hand back the backing array of a queue that emptied, for the next queue to reuse. */
function recycle(data: Uint8Array): void {
  const size = data.length;
  if (size < MIN_RECYCLED || size > MAX_RECYCLED || (size & (size - 1)) !== 0) return;
  let list = spares.get(size);
  if (!list) {
    list = [];
    spares.set(size, list);
  }
  if ((list.length + 1) * size <= SPARE_BYTES_PER_SIZE) list.push(data);
}

/**
 * A growable FIFO of bytes addressed by sequence number: the send buffer
 * (bytes from SND.UNA on) and the receive buffer (bytes the app has not read).
 * Appends copy into one backing array; consumed bytes are dropped from the
 * front lazily, so a long transfer costs amortised O(1) per byte. An empty
 * queue holds no storage: its backing array goes to a small pool of spares
 * when it empties and comes from there on the next append. An idle connection
 * then costs no buffer memory, and a short flow allocates none, which matters
 * because every Uint8Array over 64 bytes is a costly off-heap allocation in V8.
 */
export class ByteQueue {
  private data: Uint8Array = NO_BYTES;
  private head = 0;
  private tail = 0;

  /** `initialCapacity` is the least size of a backing array (more if an append needs it). */
  constructor(private readonly initialCapacity = MIN_RECYCLED) {}

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

  /**
   * Like peek, but a view of the queue's own storage instead of a copy: valid
   * only until the queue next changes, for a caller that copies it at once
   * (the segment encoder writes it straight into the datagram).
   */
  view(offset: number, length: number): Uint8Array {
    const start = this.head + offset;
    const end = Math.min(start + length, this.tail);
    return this.data.subarray(start, Math.max(start, end));
  }

  /** Drop `n` bytes from the front. */
  drop(n: number): void {
    this.head += Math.min(n, this.length);
    if (this.head === this.tail) {
      this.head = 0;
      this.tail = 0;
      recycle(this.data);
      this.data = NO_BYTES;
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
    if (this.data.length === 0) {
      this.data = obtain(Math.max(this.initialCapacity, extra));
    } else if (this.head > 0 && live + extra <= this.data.length) {
      this.data.copyWithin(0, this.head, this.tail);
    } else {
      const bigger = obtain(Math.max(this.data.length * 2, live + extra));
      bigger.set(this.data.subarray(this.head, this.tail));
      recycle(this.data);
      this.data = bigger;
    }
    this.head = 0;
    this.tail = live;
  }
}
