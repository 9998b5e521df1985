// Proves checkTransparency reads real IPv4/TCP bytes off the client's interface and
// passes an ordinary connection (including retransmissions, loss repaired later,
// reordering and sequence wrap-around), then catches each way a transfer can show
// on the client's wire — a second handshake, a RST, a foreign address, a sequence
// jump, ack or TSval running backwards, lost options — at the exact entry where it began.
import { describe, expect, it } from 'vitest';
import { ipv4AddressOrThrow } from '../wire/ipv4-address';
import { TcpFlag } from '../wire/types';
import { ClientWire, CLIENT_POINT, DVIPA, TraceBuilder } from './test/trace-builder';
import { checkTransparency } from './transparency';
import type { CheckResult } from './types';

const { SYN, ACK, FIN, RST, PSH } = TcpFlag;
const ISN = 1000; // the client's initial sequence number
const ISS = 5000; // the server side's
const OPTIONS = { clientPoints: [CLIENT_POINT], dvipa: ipv4AddressOrThrow(DVIPA) };

/** Runs the checker over the builder's trace. */
const check = (trace: TraceBuilder): CheckResult => checkTransparency(trace, OPTIONS);

/** Handshake and one request/response with timestamps and window scale; the server's next seq is ISS+201. */
function opened(iss = ISS): ClientWire {
  const wire = new ClientWire(new TraceBuilder());
  wire.send({ seq: ISN, flags: SYN, tsVal: 100, wscale: 7 });
  wire.receive({ seq: iss, ack: ISN + 1, flags: SYN | ACK, tsVal: 7000, wscale: 7 });
  wire.send({ seq: ISN + 1, ack: iss + 1, tsVal: 101 });
  wire.send({ seq: ISN + 1, ack: iss + 1, flags: ACK | PSH, data: 100, tsVal: 102 });
  wire.receive({ seq: iss + 1, ack: ISN + 101, flags: ACK | PSH, data: 200, tsVal: 7001 });
  wire.send({ seq: ISN + 101, ack: iss + 201, flags: ACK | PSH, data: 50, tsVal: 103 });
  return wire;
}

/** The rest of a clean run after a transfer: the new owner answers and both sides close. */
function finish(wire: ClientWire, iss = ISS): void {
  wire.receive({ seq: iss + 201, ack: ISN + 151, data: 300, tsVal: 7010 });
  wire.send({ seq: ISN + 151, ack: iss + 501, tsVal: 104 });
  wire.receive({ seq: iss + 501, ack: ISN + 151, flags: FIN | ACK, tsVal: 7011 });
  wire.send({ seq: ISN + 151, ack: iss + 502, flags: FIN | ACK, tsVal: 105 });
  wire.receive({ seq: iss + 502, ack: ISN + 152, tsVal: 7012 });
}

/** Expects a failure at `index` whose detail matches `pattern`. */
function expectBreak(result: CheckResult, index: number, pattern: RegExp): void {
  expect(result.detail).toMatch(pattern);
  expect(result).toMatchObject({ name: 'transparency', ok: false, firstFailingIndex: index });
}

describe('checkTransparency on clean connections', () => {
  it('passes a handshake, two requests, a transfer and a close', () => {
    const wire = opened();
    finish(wire);
    const result = check(wire.trace);
    expect(result).toMatchObject({ name: 'transparency', ok: true, firstFailingIndex: null });
    expect(result.detail).toMatch(/^1 connection\(s\), 11 TCP segments/);
  });

  it('passes retransmitted SYNs and SYN-ACKs that repeat the same numbers', () => {
    const wire = new ClientWire(new TraceBuilder());
    wire.send({ seq: ISN, flags: SYN, tsVal: 100, wscale: 7 });
    wire.send({ seq: ISN, flags: SYN, tsVal: 1100, wscale: 7 });
    wire.receive({ seq: ISS, ack: ISN + 1, flags: SYN | ACK, tsVal: 7000, wscale: 7 });
    wire.receive({ seq: ISS, ack: ISN + 1, flags: SYN | ACK, tsVal: 8000, wscale: 7 });
    wire.send({ seq: ISN + 1, ack: ISS + 1, tsVal: 1101 });
    expect(check(wire.trace).ok).toBe(true);
  });

  it('passes a segment lost before the client and retransmitted later, and reordered stragglers', () => {
    const wire = opened();
    wire.receive({ seq: ISS + 501, ack: ISN + 151, data: 100, tsVal: 7011 }); // 201..501 lost: a gap for now
    wire.receive({ seq: ISS + 201, ack: ISN + 151, data: 300, tsVal: 7012 }); // the retransmission fills it
    wire.receive({ seq: ISS + 201, ack: ISN + 101, data: 100, tsVal: 7005 }); // an old copy, late: older ack and TSval
    wire.receive({ seq: ISS + 601, ack: ISN + 151, data: 10, tsVal: 7013 }); // and the values recover
    expect(check(wire.trace)).toMatchObject({ ok: true, firstFailingIndex: null });
  });

  it('compares sequence numbers modulo 2^32 across the wrap', () => {
    const iss = 0xffffff00;
    const wire = opened(iss);
    finish(wire, iss);
    expect(check(wire.trace).ok).toBe(true);
  });

  it('ignores interfaces other than the client points and datagrams that are not TCP', () => {
    const wire = opened();
    finish(wire);
    wire.trace.add({ kind: 'packet-deliver', node: 'SYS1', iface: 'eth0', packetId: 1, sentAt: 0 }); // a SYN-ACK elsewhere
    wire.trace.add({ kind: 'packet-send', node: 'client', iface: 'eth0', packetId: wire.trace.packet(new Uint8Array([0x45, 0, 0, 20])), arrivesAt: null });
    expect(check(wire.trace).ok).toBe(true);
  });

  it('keeps connections from different client ports apart', () => {
    const wire = opened();
    const other = new ClientWire(wire.trace, '192.0.2.10', 40001);
    other.send({ seq: 77, flags: SYN });
    other.receive({ seq: 99, ack: 78, flags: SYN | ACK });
    other.send({ seq: 78, ack: 100 });
    finish(wire);
    expect(check(wire.trace).detail).toMatch(/^2 connection\(s\)/);
    expect(check(wire.trace).ok).toBe(true);
  });
});

describe('checkTransparency catches', () => {
  it('a second SYN with a different sequence number', () => {
    const wire = opened();
    const bad = wire.send({ seq: 424242, flags: SYN, tsVal: 200, wscale: 7 });
    finish(wire);
    expectBreak(check(wire.trace), bad, /SYN #6 .* has seq 424242, but SYN #0 had 1000: .*second handshake/);
  });

  it('a SYN-ACK with a different ISS', () => {
    const wire = opened();
    const bad = wire.receive({ seq: 90000, ack: ISN + 1, flags: SYN | ACK, tsVal: 7002, wscale: 7 });
    expectBreak(check(wire.trace), bad, /carries ISS 90000, but SYN-ACK #1 carried 5000/);
  });

  it('a RST from the server side, and one from the client', () => {
    const fromServer = opened();
    const bad = fromServer.receive({ seq: ISS + 201, ack: ISN + 151, flags: RST | ACK });
    expectBreak(check(fromServer.trace), bad, /from 10\.10\.10\.1:80 is a RST/);
    const fromClient = opened();
    const bad2 = fromClient.send({ seq: ISN + 151, flags: RST });
    expectBreak(check(fromClient.trace), bad2, /from 192\.0\.2\.10:40000 is a RST/);
  });

  it('a sequence jump after a transfer that nothing ever fills', () => {
    const wire = opened();
    const bad = wire.receive({ seq: 90001, ack: ISN + 151, data: 300, tsVal: 7010 });
    wire.send({ seq: ISN + 151, ack: ISS + 201, tsVal: 104 }); // the client keeps asking for 5201
    wire.receive({ seq: 90301, ack: ISN + 151, data: 100, tsVal: 7011 });
    expectBreak(check(wire.trace), bad, /#6 from 10\.10\.10\.1:80 jumps from seq 5201 to 90001 and the 84800 bytes between never reach the client/);
  });

  it('a sequence number before ISS+1', () => {
    const wire = opened();
    const bad = wire.receive({ seq: ISS - 500, ack: ISN + 151, data: 100, tsVal: 7010 });
    expectBreak(check(wire.trace), bad, /has seq 4500, before ISS\+1/);
  });

  it('TSval going backwards and staying there', () => {
    const wire = opened();
    const bad = wire.receive({ seq: ISS + 201, ack: ISN + 151, data: 300, tsVal: 20 });
    wire.send({ seq: ISN + 151, ack: ISS + 501, tsVal: 104 });
    wire.receive({ seq: ISS + 501, ack: ISN + 151, data: 100, tsVal: 21 });
    expectBreak(check(wire.trace), bad, /has TSval 20, below the 7001 already seen.*PAWS/);
  });

  it('the server side acknowledging less than it already had, for good', () => {
    const wire = opened();
    const bad = wire.receive({ seq: ISS + 201, ack: ISN + 1, data: 300, tsVal: 7010 });
    wire.receive({ seq: ISS + 501, ack: ISN + 1, data: 100, tsVal: 7011 });
    expectBreak(check(wire.trace), bad, /acknowledges 1001, below the 1101 already acknowledged/);
  });

  it('a segment from an address other than the DVIPA', () => {
    const wire = opened();
    const bad = wire.receive({ seq: ISS + 201, ack: ISN + 151, data: 300, tsVal: 7010, serverAddress: '10.1.1.2' });
    finish(wire);
    expectBreak(check(wire.trace), bad, /reaches the client from 10\.1\.1\.2:80, not the DVIPA 10\.10\.10\.1/);
  });

  it('the client sending to an address other than the DVIPA', () => {
    const wire = opened();
    const bad = wire.send({ seq: ISN + 151, ack: ISS + 201, tsVal: 104, serverAddress: '10.1.1.3' });
    expectBreak(check(wire.trace), bad, /goes from the client to 10\.1\.1\.3:80/);
  });

  it('timestamps missing after the handshake negotiated them', () => {
    const wire = opened();
    const bad = wire.receive({ seq: ISS + 201, ack: ISN + 151, data: 300 });
    expectBreak(check(wire.trace), bad, /carries no timestamps though the handshake negotiated them/);
  });

  it('a SYN-ACK retransmission offering another window scale', () => {
    const wire = opened();
    const bad = wire.receive({ seq: ISS, ack: ISN + 1, flags: SYN | ACK, tsVal: 7002, wscale: 2 });
    expectBreak(check(wire.trace), bad, /offers window scale 2, but SYN-ACK #1 offered 7/);
  });

  it('segments with no handshake before them', () => {
    const wire = new ClientWire(new TraceBuilder());
    const bad = wire.receive({ seq: ISS + 1, ack: ISN + 1, data: 10 });
    expectBreak(check(wire.trace), bad, /comes before any SYN-ACK/);
  });

  it('the earliest break even when it is only known at the end of the trace', () => {
    const wire = opened();
    const jump = wire.receive({ seq: 90001, ack: ISN + 151, data: 300, tsVal: 7010 });
    wire.receive({ seq: 90301, ack: ISN + 151, flags: RST | ACK });
    const result = check(wire.trace);
    expectBreak(result, jump, /jumps from seq 5201 to 90001.*\(1 more break found\)/);
  });
});

describe('transparency under plain-TCP artefacts', () => {
  it('excuses a RST that answers a late duplicate after both FINs crossed', () => {
    const wire = opened();
    finish(wire);
    wire.receive({ seq: ISS + 501, ack: ISN + 151, flags: FIN | ACK, tsVal: 7011 }); // a duplicate of the server's FIN
    wire.send({ seq: ISN + 152, flags: RST }); // the closed client answers it with RST (RFC 9293 §3.10.7.1)
    expect(check(wire.trace).ok).toBe(true);
  });

  it('still breaks on a RST before the connection closed in order', () => {
    const wire = opened();
    const rst = wire.send({ seq: ISN + 151, flags: RST });
    expectBreak(check(wire.trace), rst, /RST/);
  });

  it('orders the server side by when it sent, so network reordering is not the server going backwards', () => {
    const wire = opened();
    const later = wire.receive({ seq: ISS + 201, ack: ISN + 151, tsVal: 7002 });
    const earlier = wire.receive({ seq: ISS + 201, ack: ISN + 101, tsVal: 7001 }); // built first, overtaken on the way
    const earlierToo = wire.receive({ seq: ISS + 201, ack: ISN + 101, tsVal: 7001 }); // a duplicate of it, also delayed
    expect(check(wire.trace).ok).toBe(false); // arrival order alone looks like a server that forgot bytes
    const created = wire.trace.events.map((e) => e.time);
    const laterEvent = wire.trace.events[later];
    const earlierEvent = wire.trace.events[earlier];
    if (laterEvent?.kind !== 'packet-deliver' || earlierEvent?.kind !== 'packet-deliver') throw new Error('fixture');
    const packets: { createdAt: number; parentId: number | null }[] = [];
    wire.trace.events.forEach((e, i) => {
      if (e.kind === 'packet-send' || e.kind === 'packet-deliver') packets[e.packetId] = { createdAt: created[i] ?? 0, parentId: null };
    });
    packets[earlierEvent.packetId] = { createdAt: (created[later] ?? 0) - 5, parentId: null };
    const tooEvent = wire.trace.events[earlierToo];
    if (tooEvent?.kind === 'packet-deliver') packets[tooEvent.packetId] = { createdAt: (created[later] ?? 0) - 4, parentId: null };
    const view = { events: wire.trace.events, packetBytes: (id: number) => wire.trace.packetBytes(id), packets };
    expect(checkTransparency(view, OPTIONS).ok).toBe(true);
  });
});
