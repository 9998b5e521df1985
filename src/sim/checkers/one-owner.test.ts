// Proves checkOneOwner follows TCB ownership through install, export and release
// and checks the CRT against it: two transfers in a row pass, and an install over
// an unfrozen owner, a CRT row naming a non-owner, a row left behind after the
// connection ended and a remove while owned each fail at the entry where the break began.
// SYN-time routing (a CRT row added at the SYN, before the target installs) passes
// only when the stack the SYN went to is the one that installs.
import { describe, expect, it } from 'vitest';
import { checkOneOwner } from './one-owner';
import { CLIENT, CLIENT_PORT, CONN, DVIPA, SERVER_PORT, TraceBuilder } from './test/trace-builder';
import type { CheckResult } from './types';

const XCF = { SYS1: '10.200.0.1', SYS2: '10.200.0.2', SYS3: '10.200.0.3' } as const;
const OPTIONS = { xcfOf: XCF };
type Stack = keyof typeof XCF;

/** Appends a tcb entry for the test connection. */
function tcb(t: TraceBuilder, node: Stack, action: 'install' | 'export' | 'release', reason: string = action): number {
  return t.add({ kind: 'tcb', node, conn: CONN, action, reason });
}

/** Appends a CRT change on the routing stack SYS1 pointing the test connection at `to`. */
function crt(t: TraceBuilder, action: 'add' | 'update' | 'remove', to: Stack, reason?: string): number {
  const body = { kind: 'crt', node: 'SYS1', action, dest: `${DVIPA}:${String(SERVER_PORT)}`, source: `${CLIENT}:${String(CLIENT_PORT)}`, destXcf: XCF[to] } as const;
  return t.add(reason === undefined ? body : { ...body, reason });
}

/** Handshake on SYS1, then the connection moves to SYS2 the way the routing stack does it. */
function movedToSys2(): TraceBuilder {
  const t = new TraceBuilder();
  tcb(t, 'SYS1', 'install', 'handshake');
  crt(t, 'add', 'SYS1');
  tcb(t, 'SYS1', 'export', 'transfer to SYS2');
  tcb(t, 'SYS2', 'install', 'transfer from SYS1');
  crt(t, 'update', 'SYS2');
  tcb(t, 'SYS1', 'release', 'detached after transfer');
  return t;
}

/** Expects a failure at `index` whose detail matches `pattern`. */
function expectBreak(result: CheckResult, index: number, pattern: RegExp): void {
  expect(result.detail).toMatch(pattern);
  expect(result).toMatchObject({ name: 'one-owner', ok: false, firstFailingIndex: index });
}

describe('checkOneOwner on clean runs', () => {
  it('passes two transfers in a row and a close that removes the CRT row', () => {
    const t = movedToSys2();
    tcb(t, 'SYS2', 'export');
    tcb(t, 'SYS3', 'install');
    crt(t, 'update', 'SYS3');
    tcb(t, 'SYS2', 'release');
    tcb(t, 'SYS3', 'release', 'closed');
    crt(t, 'remove', 'SYS3', 'closed');
    const result = checkOneOwner(t, OPTIONS);
    expect(result).toMatchObject({ name: 'one-owner', ok: true, firstFailingIndex: null });
    expect(result.detail).toMatch(/^1 connection\(s\)/);
  });

  it('passes a CRT remove while owned when the reason is a takeover', () => {
    const t = movedToSys2();
    crt(t, 'remove', 'SYS2', 'takeover by backup stack');
    expect(checkOneOwner(t, OPTIONS).ok).toBe(true);
  });
});

describe('checkOneOwner catches', () => {
  it('a double install: a second stack takes the TCB the first never exported', () => {
    const t = new TraceBuilder();
    tcb(t, 'SYS1', 'install', 'handshake');
    crt(t, 'add', 'SYS1');
    const bad = tcb(t, 'SYS2', 'install', 'transfer from SYS1');
    expectBreak(checkOneOwner(t, OPTIONS), bad, /SYS2 installs .* #2 \(transfer from SYS1\) while SYS1 still owns it and has not exported it/);
  });

  it('a CRT row pointing at a stack that does not own the connection', () => {
    const t = movedToSys2();
    const bad = crt(t, 'update', 'SYS3');
    expectBreak(checkOneOwner(t, OPTIONS), bad, /points .* at 10\.200\.0\.3, but the owner is SYS2 \(XCF 10\.200\.0\.2\)/);
  });

  it('a CRT row added before any stack owns the connection', () => {
    const t = new TraceBuilder();
    const bad = crt(t, 'add', 'SYS1');
    tcb(t, 'SYS1', 'install');
    expectBreak(checkOneOwner(t, OPTIONS), bad, /but no stack owns the connection/);
  });

  it('a CRT row left after the connection was released, reported at the release', () => {
    const t = movedToSys2();
    const release = tcb(t, 'SYS2', 'release', 'closed');
    expectBreak(checkOneOwner(t, OPTIONS), release, /CRT row .* on SYS1 \(DestXCF 10\.200\.0\.2, written #4\) outlives its connection: nobody owns it since #6/);
  });

  it('a CRT row never re-pointed after the target installed, reported at the install', () => {
    const t = new TraceBuilder();
    tcb(t, 'SYS1', 'install');
    crt(t, 'add', 'SYS1');
    tcb(t, 'SYS1', 'export');
    const install = tcb(t, 'SYS2', 'install');
    expectBreak(checkOneOwner(t, OPTIONS), install, /still points at 10\.200\.0\.1 at the end, but SYS2 owns the connection since #3/);
  });

  it('a CRT remove while a stack still owns the connection, unless for a takeover', () => {
    const t = movedToSys2();
    const bad = crt(t, 'remove', 'SYS2', 'idle timeout');
    expectBreak(checkOneOwner(t, OPTIONS), bad, /removed #6 \(reason: idle timeout\) while SYS2 still owns the connection/);
  });

  it('an export by a stack that does not own the connection', () => {
    const t = movedToSys2();
    const bad = tcb(t, 'SYS1', 'export');
    expectBreak(checkOneOwner(t, OPTIONS), bad, /SYS1 exports .* but SYS2 owns it/);
  });

  it('an owner the XCF map does not know', () => {
    const t = new TraceBuilder();
    t.add({ kind: 'tcb', node: 'SYS9', conn: CONN, action: 'install', reason: 'handshake' });
    const bad = crt(t, 'add', 'SYS1');
    expectBreak(checkOneOwner(t, OPTIONS), bad, /the owner SYS9 has no XCF address/);
  });
});

// SYN-time distribution (z/OS Sysplex Distributor): the routing stack adds the
// row when it routes the SYN, before the target's handshake installs the TCB.
describe('checkOneOwner with SYN-time routing', () => {
  it('passes: SYN routed to SYS2, SYS2 installs, closes, the row goes', () => {
    const t = new TraceBuilder();
    crt(t, 'add', 'SYS2', 'SYN routed by ROUNDROBIN');
    tcb(t, 'SYS2', 'install', 'three-way handshake');
    tcb(t, 'SYS2', 'release', 'closed');
    crt(t, 'remove', 'SYS2', 'SYS2: closed');
    expect(checkOneOwner(t, OPTIONS)).toMatchObject({ ok: true });
  });

  it('fails when another stack installs the connection whose SYN went to SYS2', () => {
    const t = new TraceBuilder();
    crt(t, 'add', 'SYS2', 'SYN routed by ROUNDROBIN');
    const bad = tcb(t, 'SYS3', 'install', 'three-way handshake');
    expectBreak(checkOneOwner(t, OPTIONS), bad, /SYS3 installs .* but the CRT routed its SYN to 10\.200\.0\.2/);
  });

  it('fails when the routed row outlives a handshake that never completed', () => {
    const t = new TraceBuilder();
    const add = crt(t, 'add', 'SYS2', 'SYN routed by HOTSTANDBY');
    expectBreak(checkOneOwner(t, OPTIONS), add, /outlives its connection/);
  });

  it('a routed row removed before any install is fine (the target reported the half-open connection ended)', () => {
    const t = new TraceBuilder();
    crt(t, 'add', 'SYS2', 'SYN routed by HOTSTANDBY');
    crt(t, 'remove', 'SYS2', 'SYS2: handshake never completed');
    expect(checkOneOwner(t, OPTIONS)).toMatchObject({ ok: true });
  });
});
