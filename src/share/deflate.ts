/**
 * Raw deflate (RFC 1951) through the platform's CompressionStream and
 * DecompressionStream (browsers, and Node ≥ 18 as globals). Inflating reads
 * the output a chunk at a time and stops as soon as it would pass a cap, so a
 * small link that inflates to gigabytes (a zip bomb) costs at most the cap.
 */

/** Inflate result: the bytes, or a one-line reason; `inflatedBytes` is what was kept, never more than the cap. */
export type InflateResult = { ok: true; bytes: Uint8Array; inflatedBytes: number } | { ok: false; error: string; inflatedBytes: number };

/** Compress bytes with raw deflate. */
export async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new CompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  // Not awaited here: the writer only finishes as the reader below drains the output.
  const writing = writer.write(bytes as Uint8Array<ArrayBuffer>).then(() => writer.close());
  const chunks: Uint8Array[] = [];
  const reader = stream.readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  await writing;
  return concat(chunks);
}

/**
 * Inflate raw-deflate bytes, refusing output longer than `capBytes`.
 * Assumes each read yields at least one byte (an empty read still counts
 * towards the loop's bound, so a stream of empty chunks cannot spin forever).
 */
export async function inflateRawCapped(bytes: Uint8Array, capBytes: number): Promise<InflateResult> {
  const stream = new DecompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  // Write errors (corrupt data, or the cancel below) also reach the reader, which reports them.
  void writer.write(bytes as Uint8Array<ArrayBuffer>).then(() => writer.close()).catch(() => undefined);
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let inflatedBytes = 0;
  try {
    for (let reads = 0; reads <= capBytes + 1; reads++) {
      const { done, value } = await reader.read();
      if (done) return { ok: true, bytes: concat(chunks), inflatedBytes };
      if (inflatedBytes + value.byteLength > capBytes) {
        await reader.cancel('over the cap').catch(() => undefined);
        return { ok: false, error: `decompresses to more than ${capBytes} bytes`, inflatedBytes };
      }
      chunks.push(value);
      inflatedBytes += value.byteLength;
    }
    await reader.cancel('too many reads').catch(() => undefined);
    return { ok: false, error: 'did not finish decompressing', inflatedBytes };
  } catch {
    // The platform's messages differ between engines; the cause is the same.
    return { ok: false, error: 'is not valid deflate data (truncated or corrupted)', inflatedBytes };
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
