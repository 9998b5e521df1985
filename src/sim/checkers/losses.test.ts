// Proves the checkers accept a connection "lost: owned by crashed X" only when X
// really crashed before the declaration: the RST the client then gets is excused,
// a RST before the loss is not, a declaration without a crash (or after a restart,
// or by another node) is itself a break, a later install by another stack withdraws
// the loss, and a crashed stack's CRT rows die with it.
import { describe, expect, it } from 'vitest';
import { ipv4AddressOrThrow } from '../wire/ipv4-address';
import { TcpFlag } from '../wire/types';
import { declaredLosses } from './losses';
import { checkOneOwner } from './one-owner';
import { CLIENT, CLIENT_POINT, CLIENT_PORT, CONN, ClientWire, DVIPA, SERVER_PORT, TraceBuilder } from './test/trace-builder';
import { checkTransparency } from './transparency';

const { SYN, ACK, PSH, RST } = TcpFlag;
const XCF = { SYS1: '10.200.0.1', SYS2: '10.200.0.2', SYS3: '10.200.0.3' } as const;
const TRANSPARENCY = { clientPoints: [CLIENT_POINT], dvipa: ipv4AddressOrThrow(DVIPA) };

/** A connection the routing stack SYS1 holds, with one request answered on the client's wire. */
function onSys1(): ClientWire {
  const wire = new ClientWire(new TraceBuilder());
  wire.send({ seq: 1000, flags: SYN });
  wire.receive({ seq: 5000, ack: 1001, flags: SYN | ACK });
  wire.send({ seq: 1001, ack: 5001 });
  wire.trace.add({ kind: 'tcb', node: 'SYS1', conn: CONN, action: 'install', reason: 'three-way handshake' });
  wire.trace.add({ kind: 'crt', node: 'SYS1', action: 'add', dest: `${DVIPA}:${SERVER_PORT}`, source: `${CLIENT}:${CLIENT_PORT}`, destXcf: XCF.SYS1 });
  wire.send({ seq: 1001, ack: 5001, flags: ACK | PSH, data: 100 });
  return wire;
}

const crash = (t: TraceBuilder, host: string): number => t.add({ kind: 'fault', target: `host:${host}`, fault: 'crash' });
const lose = (t: TraceBuilder, node: string, stack = node): number => t.add({ kind: 'tcb', node, conn: CONN, action: 'release', reason: `lost: owned by crashed ${stack} (ESTABLISHED)` });

describe('declared losses', () => {
  it('excuse the RST a crashed owner’s connection gets from the backup, and the crashed stack’s CRT rows go with it', () => {
    const wire = onSys1();
    crash(wire.trace, 'SYS1');
    const declared = lose(wire.trace, 'SYS1');
    wire.send({ seq: 1001, ack: 5001, flags: ACK | PSH, data: 100 });
    wire.receive({ seq: 5001, ack: 0, flags: RST });
    expect(declaredLosses(wire.trace).byConn.get(CONN)).toEqual({ conn: CONN, stack: 'SYS1', index: declared });
    expect(checkTransparency(wire.trace, TRANSPARENCY)).toMatchObject({ ok: true });
    expect(checkOneOwner(wire.trace, { xcfOf: XCF })).toMatchObject({ ok: true });
  });

  it('do not excuse a RST before the loss', () => {
    const wire = onSys1();
    const rst = wire.receive({ seq: 5001, ack: 0, flags: RST });
    crash(wire.trace, 'SYS1');
    lose(wire.trace, 'SYS1');
    expect(checkTransparency(wire.trace, TRANSPARENCY)).toMatchObject({ ok: false, firstFailingIndex: rst });
  });

  it('without a crash are dishonest: no excuse, and a one-owner break', () => {
    const wire = onSys1();
    const declared = lose(wire.trace, 'SYS1');
    wire.receive({ seq: 5001, ack: 0, flags: RST });
    expect(declaredLosses(wire.trace).byConn.size).toBe(0);
    expect(checkTransparency(wire.trace, TRANSPARENCY).ok).toBe(false);
    const owner = checkOneOwner(wire.trace, { xcfOf: XCF });
    expect(owner).toMatchObject({ ok: false, firstFailingIndex: declared });
    expect(owner.detail).toMatch(/SYS1 has not crashed/);
  });

  it('after a restart, or naming another stack than the releasing one, are dishonest too', () => {
    const restarted = onSys1();
    crash(restarted.trace, 'SYS1');
    restarted.trace.add({ kind: 'fault', target: 'host:SYS1', fault: 'restart' });
    lose(restarted.trace, 'SYS1');
    expect(declaredLosses(restarted.trace).bogus).toHaveLength(1);
    const other = onSys1();
    crash(other.trace, 'SYS3');
    lose(other.trace, 'SYS1', 'SYS3');
    expect(declaredLosses(other.trace).bogus[0]?.detail).toMatch(/the release is by SYS1/);
  });

  it('are withdrawn when another stack installs the connection (a transfer in flight landed)', () => {
    const wire = onSys1();
    crash(wire.trace, 'SYS1');
    lose(wire.trace, 'SYS1');
    wire.trace.add({ kind: 'tcb', node: 'SYS3', conn: CONN, action: 'install', reason: 'transferred from SYS1' });
    const rst = wire.receive({ seq: 5001, ack: 0, flags: RST });
    expect(declaredLosses(wire.trace).byConn.size).toBe(0);
    expect(checkTransparency(wire.trace, TRANSPARENCY)).toMatchObject({ ok: false, firstFailingIndex: rst });
  });
});
