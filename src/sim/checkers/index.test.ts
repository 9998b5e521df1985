// Proves runAllCheckers runs the three checkers in a fixed order over one trace and
// firstBreak picks the failure that happened earliest — the one that explains the
// rest — with a failure that names no entry ranked last and null when all hold.
import { describe, expect, it } from 'vitest';
import { ipv4AddressOrThrow } from '../wire/ipv4-address';
import { TcpFlag } from '../wire/types';
import { firstBreak, runAllCheckers } from './index';
import type { CheckResult } from './index';
import { ClientWire, CLIENT, CLIENT_POINT, CLIENT_PORT, CONN, DVIPA, SERVER_PORT, TraceBuilder } from './test/trace-builder';

const OPTIONS = { clientPoints: [CLIENT_POINT], dvipa: ipv4AddressOrThrow(DVIPA), xcfOf: { SYS1: '10.200.0.1' } };

/** A handshake on SYS1 with its TCB and CRT row, and one request consumed by the routing app. */
function cleanRun(): ClientWire {
  const wire = new ClientWire(new TraceBuilder());
  const t = wire.trace;
  wire.send({ seq: 1, flags: TcpFlag.SYN });
  t.add({ kind: 'tcb', node: 'SYS1', conn: CONN, action: 'install', reason: 'handshake' });
  t.add({ kind: 'crt', node: 'SYS1', action: 'add', dest: `${DVIPA}:${String(SERVER_PORT)}`, source: `${CLIENT}:${String(CLIENT_PORT)}`, destXcf: '10.200.0.1' });
  wire.receive({ seq: 500, ack: 2, flags: TcpFlag.SYN | TcpFlag.ACK });
  wire.send({ seq: 2, ack: 501, data: 10 });
  t.add({ kind: 'app-bytes', node: 'client', app: 'curl', conn: CONN, stream: 'c2s', direction: 'out', offset: 0, length: 10, digest: 1 });
  t.add({ kind: 'app-bytes', node: 'SYS1', app: 'routing-app', conn: CONN, stream: 'c2s', direction: 'in', offset: 0, length: 10, digest: 1 });
  return wire;
}

const failing = (name: string, index: number | null): CheckResult => ({ name, ok: false, firstFailingIndex: index, detail: name });
const passing = (name: string): CheckResult => ({ name, ok: true, firstFailingIndex: null, detail: name });

describe('runAllCheckers', () => {
  it('runs transparency, exactly-once and one-owner, in that order, and all pass a clean run', () => {
    const results = runAllCheckers(cleanRun().trace, OPTIONS);
    expect(results.map((r) => r.name)).toEqual(['transparency', 'exactly-once', 'one-owner']);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(firstBreak(results)).toBeNull();
  });

  it('reports the earliest of several breaks through firstBreak', () => {
    const wire = cleanRun();
    const reread = wire.trace.add({ kind: 'app-bytes', node: 'SYS2', app: 'target-app', conn: CONN, stream: 'c2s', direction: 'in', offset: 0, length: 10, digest: 1 });
    wire.receive({ seq: 501, ack: 12, flags: TcpFlag.RST });
    const results = runAllCheckers(wire.trace, OPTIONS);
    expect(results.map((r) => r.ok)).toEqual([false, false, true]);
    expect(firstBreak(results)).toMatchObject({ name: 'exactly-once', firstFailingIndex: reread });
  });
});

describe('firstBreak', () => {
  it('ranks by index, ties to the earlier result, a failure without an index last', () => {
    expect(firstBreak([passing('a'), failing('b', 9), failing('c', 4)])?.name).toBe('c');
    expect(firstBreak([failing('a', 4), failing('b', 4)])?.name).toBe('a');
    expect(firstBreak([failing('a', null), failing('b', 100)])?.name).toBe('b');
    expect(firstBreak([failing('a', null)])?.name).toBe('a');
    expect(firstBreak([passing('a'), passing('b')])).toBeNull();
  });
});
