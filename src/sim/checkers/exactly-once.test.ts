// Proves checkExactlyOnce follows each stream of a connection across the apps that
// hold it in turn: a clean hand-over from routing app to target app passes, and a
// byte consumed twice, a byte skipped, a byte read before it was written, different
// content and overlapping writes each fail at the entry that did it, naming the apps.
import { describe, expect, it } from 'vitest';
import { checkExactlyOnce } from './exactly-once';
import { CONN, TraceBuilder } from './test/trace-builder';
import type { CheckResult } from './types';

type Io = { readonly node: string; readonly app: string; readonly stream: 'c2s' | 's2c'; readonly direction: 'in' | 'out' };
const CLIENT_OUT: Io = { node: 'client', app: 'browser', stream: 'c2s', direction: 'out' };
const CLIENT_IN: Io = { node: 'client', app: 'browser', stream: 's2c', direction: 'in' };
const ROUTER_IN: Io = { node: 'SYS1', app: 'routing-app', stream: 'c2s', direction: 'in' };
const ROUTER_OUT: Io = { node: 'SYS1', app: 'routing-app', stream: 's2c', direction: 'out' };
const TARGET_IN: Io = { node: 'SYS2', app: 'target-app', stream: 'c2s', direction: 'in' };
const TARGET_OUT: Io = { node: 'SYS2', app: 'target-app', stream: 's2c', direction: 'out' };

/** Appends an app-bytes entry; the digest defaults to one derived from the range so equal ranges agree. */
function bytes(trace: TraceBuilder, io: Io, offset: number, length: number, digest = offset * 7919 + length, conn = CONN): number {
  return trace.add({ kind: 'app-bytes', conn, offset, length, digest, ...io });
}

/** Two requests read by the routing app, a transfer, the rest read by the target; replies from both. */
function handedOver(): TraceBuilder {
  const t = new TraceBuilder();
  bytes(t, CLIENT_OUT, 0, 60);
  bytes(t, ROUTER_IN, 0, 60);
  bytes(t, ROUTER_OUT, 0, 50);
  bytes(t, CLIENT_IN, 0, 50);
  bytes(t, CLIENT_OUT, 60, 40); // peeked by the routing app, not consumed, carried in the transfer
  t.add({ kind: 'transfer', node: 'SYS1', conn: CONN, phase: 'committed', from: 'SYS1', to: 'SYS2' });
  bytes(t, TARGET_IN, 60, 40);
  bytes(t, TARGET_OUT, 50, 70);
  bytes(t, CLIENT_IN, 50, 30);
  bytes(t, CLIENT_IN, 80, 40);
  return t;
}

/** Expects a failure at `index` whose detail matches `pattern`. */
function expectBreak(result: CheckResult, index: number, pattern: RegExp): void {
  expect(result.detail).toMatch(pattern);
  expect(result).toMatchObject({ name: 'exactly-once', ok: false, firstFailingIndex: index });
}

describe('checkExactlyOnce on clean runs', () => {
  it('passes a connection handed from the routing app to a target app', () => {
    const result = checkExactlyOnce(handedOver());
    expect(result).toMatchObject({ name: 'exactly-once', ok: true, firstFailingIndex: null });
    expect(result.detail).toMatch(/^2 stream\(s\)/);
  });

  it('passes an empty trace, and ignores zero-length entries', () => {
    expect(checkExactlyOnce(new TraceBuilder()).ok).toBe(true);
    const t = handedOver();
    bytes(t, TARGET_IN, 0, 0);
    expect(checkExactlyOnce(t).ok).toBe(true);
  });

  it('keeps connections apart: the same offsets on another connection are not a repeat', () => {
    const t = handedOver();
    const other = '192.0.2.11:40000>10.10.10.1:80';
    bytes(t, CLIENT_OUT, 0, 60, 1, other);
    bytes(t, ROUTER_IN, 0, 60, 1, other);
    expect(checkExactlyOnce(t).ok).toBe(true);
  });
});

describe('checkExactlyOnce catches', () => {
  it('a range consumed twice, naming both apps', () => {
    const t = new TraceBuilder();
    bytes(t, CLIENT_OUT, 0, 100);
    const first = bytes(t, ROUTER_IN, 0, 60);
    const again = bytes(t, TARGET_IN, 40, 60);
    expectBreak(checkExactlyOnce(t), again,
      new RegExp(`bytes 40\\.\\.60 of c2s on .* consumed by routing-app on SYS1 #${String(first)} and again by target-app on SYS2 #${String(again)}`));
  });

  it('a gap: bytes nobody consumed', () => {
    const t = new TraceBuilder();
    bytes(t, CLIENT_OUT, 0, 100);
    bytes(t, ROUTER_IN, 0, 60);
    const skip = bytes(t, TARGET_IN, 70, 30);
    expectBreak(checkExactlyOnce(t), skip, /bytes 60\.\.70 of c2s .* are never consumed: target-app on SYS2 #2 goes on at offset 70/);
  });

  it('reading beyond what was written, and reading before the write', () => {
    const t = new TraceBuilder();
    bytes(t, CLIENT_OUT, 0, 100);
    const over = bytes(t, ROUTER_IN, 0, 150);
    expectBreak(checkExactlyOnce(t), over, /routing-app on SYS1 #1 consumes bytes 0\.\.150 of c2s .* but only 100 bytes had been written/);
    const early = new TraceBuilder();
    const read = bytes(early, ROUTER_IN, 0, 60);
    bytes(early, CLIENT_OUT, 0, 60);
    expectBreak(checkExactlyOnce(early), read, /but only 0 bytes had been written/);
  });

  it('a read equal to a write but with another digest', () => {
    const t = new TraceBuilder();
    bytes(t, TARGET_OUT, 0, 20, 0xabc);
    const read = bytes(t, CLIENT_IN, 0, 20, 0xdef);
    expectBreak(checkExactlyOnce(t), read, /bytes 0\.\.20 of s2c .* consumed by browser on client #1 differ from what target-app on SYS2 #0 wrote \(digest 0x00000def, written 0x00000abc\)/);
  });

  it('two apps writing the same bytes of the stream', () => {
    const t = new TraceBuilder();
    bytes(t, ROUTER_OUT, 0, 50);
    const twice = bytes(t, TARGET_OUT, 0, 50);
    expectBreak(checkExactlyOnce(t), twice, /bytes 0\.\.50 of s2c .* written by routing-app on SYS1 #0 and again by target-app on SYS2 #1/);
  });

  it('only the first break of a stream, and the earliest across streams', () => {
    const t = new TraceBuilder();
    bytes(t, CLIENT_OUT, 0, 100);
    bytes(t, ROUTER_OUT, 0, 10);
    const first = bytes(t, CLIENT_IN, 5, 5); // s2c gap
    bytes(t, ROUTER_IN, 10, 10); // c2s gap, later
    bytes(t, CLIENT_IN, 0, 10); // s2c again, not reported on its own
    const result = checkExactlyOnce(t);
    expectBreak(result, first, /bytes 0\.\.5 of s2c .*\(1 more break found\)/);
  });
});
