// Proves TCP_REPAIR-style connection moves (src/sim/tcp/repair.ts) between two
// real TCP engines: a server connection with unread received bytes and
// unacknowledged sent bytes is exported, validated, detached and imported on a
// second host that owns the same address (the router's route flips to it), and
// the client carries on in the same sequence space without a retransmission,
// RST or state change, while the old host stays silent. Each rule of
// validateRepairState is broken on its own and must give its own error text.
// (This lives under src/machines because tests under src/sim may not import the
// harness, which uses src/machines and src/scenarios.)
import { describe, expect, it } from 'vitest';
import { tcpProfile } from '../../sim/tcp/profile';
import type { Connection } from '../../sim/tcp/connection';
import { detachConnection, exportConnection, importConnection, validateRepairState, type TcpRepairState } from '../../sim/tcp/repair';
import { seqAdd, seqDiff } from '../../sim/tcp/seq';
import { connectionKey, TcpLayer } from '../../sim/tcp/tcp-layer';
import { ipv4AddressOrThrow as ip } from '../../sim/wire/ipv4-address';
import { TcpFlag } from '../../sim/wire/types';
import { xstateTcpControl } from '../tcp-control';
import { concat, pattern, seenSegments, tcpPair } from './tcp-harness';

const PORT = 80;
const FIRST = pattern(3000, 1); // client → server before the move; the server app reads 1000 of it
const EARLY = pattern(500, 2); // server → client, acknowledged before the move
const IN_FLIGHT = pattern(2500, 3); // server → client, sent just before the move, acknowledged after it
const AFTER = pattern(700, 4); // client → server after the move
const REPLY = pattern(900, 5); // server → client from the new host

/**
 * client — router — server (the harness), plus server2 on the router's eth2
 * holding the server's address as an extra local address (like a DVIPA's
 * internal copy). `moveRoute` adds a /32 route on the router, so from then on
 * segments to the server's address reach server2.
 */
function movableServer() {
  const p = tcpPair();
  const server2 = p.network.addHost('server2');
  p.network.connect('router-server2', { host: p.router, iface: 'eth2', address: ip('10.0.3.1'), prefixLength: 24 }, { host: server2, iface: 'eth0', address: ip('10.0.3.2'), prefixLength: 24 });
  server2.routes.add({ prefix: 0, prefixLength: 0, iface: server2.iface('eth0'), gateway: ip('10.0.3.1') });
  server2.localAddresses.add(p.addresses.server);
  const server2Tcp = new TcpLayer(server2, { profile: tcpProfile('linux'), control: xstateTcpControl });
  const moveRoute = (): void => p.router.routes.add({ prefix: p.addresses.server, prefixLength: 32, iface: p.router.iface('eth2'), gateway: null });

  let server: Connection | undefined;
  p.serverTcp.listen(PORT, (c) => (server = c));
  const clientGot: Uint8Array[] = [];
  const clientClosed: string[] = [];
  const client = p.clientTcp.connect({ dst: p.addresses.server, dstPort: PORT, handlers: { onReadable: () => void clientGot.push(client.recv()), onClosed: (r) => void clientClosed.push(r) } });
  p.runUntil(100_000);
  if (!server) throw new Error('no connection accepted');
  const s1 = server;
  client.send(FIRST);
  p.runUntil(300_000);
  expect(s1.recv(1000)).toEqual(FIRST.subarray(0, 1000)); // the rest stays queued, unread
  s1.send(EARLY);
  p.runUntil(600_000);
  s1.send(IN_FLIGHT); // on the wire now, not yet acknowledged
  return { p, server2, server2Tcp, moveRoute, client, server: s1, clientGot, clientClosed };
}

/** A valid export taken mid-flight, for breaking one rule at a time. */
function exported(): TcpRepairState {
  const { server } = movableServer();
  return exportConnection(server);
}

describe('export, validate, import: the client never notices', () => {
  it('exports unread and unacknowledged bytes with the sequence numbers that frame them', () => {
    const { server } = movableServer();
    const s = exportConnection(server);
    expect(validateRepairState(s)).toEqual([]);
    expect(s.state).toBe('ESTABLISHED');
    expect(s.receiveQueue).toEqual(FIRST.subarray(1000));
    expect(s.sendQueue).toEqual(IN_FLIGHT);
    // The send queue holds what is sent but unacknowledged (SND.UNA..SND.MAX) and what is not sent yet
    // (SND.MAX..end of data: here the tail Nagle holds back while a full segment is in flight).
    const sent = seqDiff(s.sndMax, s.sndUna);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(IN_FLIGHT.length);
    expect(s.sndNxt).toBe(s.sndMax);
    expect(seqDiff(s.sndDataEnd, s.sndUna)).toBe(IN_FLIGHT.length);
    expect(seqDiff(s.sndUna, s.iss)).toBe(1 + EARLY.length);
    expect(seqDiff(s.rcvNxt, s.irs)).toBe(1 + FIRST.length);
    expect(s.rcvWup).toBe(s.rcvNxt);
    expect({ sackOk: s.sackOk, tsOk: s.tsOk, sndWscale: s.sndWscale, rcvWscale: s.rcvWscale, sendMss: s.sendMss, peerMss: s.peerMss }).toEqual({ sackOk: true, tsOk: true, sndWscale: 7, rcvWscale: 7, sendMss: 1448, peerMss: 1460 });
    // Exporting is a snapshot: the connection is untouched and still owns its timers.
    expect(server.tcb.state).toBe('ESTABLISHED');
    expect(server.hasTimer('rto')).toBe(true);
  });

  it('importConnection reproduces every field, and neither detach nor import puts a segment on the wire', () => {
    const { p, server2Tcp, moveRoute, server } = movableServer();
    const s = exportConnection(server);
    const sentBefore = p.sim.trace.events.length;
    detachConnection(p.serverTcp, server, 'moved to server2');
    moveRoute();
    const imported = importConnection(server2Tcp, s);
    const sentAt = (node: string): number => p.sim.trace.events.slice(sentBefore).filter((e) => e.kind === 'packet-send' && e.node === node).length;
    expect(sentAt('server')).toBe(0);
    expect(sentAt('server2')).toBe(0);

    // Every exported field comes back from the imported TCB: the 4-tuple, state, options,
    // sequence numbers, windows, MSS, scales, SACK/timestamp agreement, TS.Recent/offset, both queues.
    expect(exportConnection(imported)).toStrictEqual(s);
    const t = imported.tcb;
    expect({ sndUna: t.sndUna, sndNxt: t.sndNxt, sndMax: t.sndMax, rcvNxt: t.rcvNxt, sndWnd: t.sndWnd, maxSndWnd: t.maxSndWnd, lastAckSent: t.lastAckSent }).toEqual({
      sndUna: s.sndUna,
      sndNxt: s.sndNxt,
      sndMax: s.sndMax,
      rcvNxt: s.rcvNxt,
      sndWnd: s.sndWnd,
      maxSndWnd: s.maxWindow,
      lastAckSent: s.rcvWup,
    });
    expect(t.options).toEqual(server.tcb.options);
    expect(imported.peek()).toEqual(FIRST.subarray(1000));
    expect(server2Tcp.connections.get(connectionKey(s))).toBe(imported);
    // Unacknowledged data: the new owner guards it with its own retransmission timer.
    expect(imported.hasTimer('rto')).toBe(true);

    // The original is gone from its stack without a trace on the wire: no FIN, no RST, no timers.
    expect(server.tcb.state).toBe('CLOSED');
    expect(p.serverTcp.connections.size).toBe(0); // listeners are not in the table
    for (const timer of ['rto', 'delayed-ack', 'persist', 'time-wait'] as const) expect(server.hasTimer(timer)).toBe(false);
    p.runUntil(p.sim.now + 120_000_000);
    expect(sentAt('server')).toBe(0);
  });

  it('the connection continues on the new host in the same sequence space; the client sees one unbroken stream', () => {
    const { p, server2Tcp, moveRoute, client, server, clientGot, clientClosed } = movableServer();
    const s = exportConnection(server);
    const movedAt = p.sim.now;
    const eventsBefore = p.sim.trace.events.length;
    detachConnection(p.serverTcp, server, 'moved to server2');
    moveRoute();
    const got2: Uint8Array[] = [];
    let peerClosed = false;
    const imported: Connection = importConnection(server2Tcp, s, { onReadable: () => void got2.push(imported.recv()), onPeerClosed: () => (peerClosed = true) });

    p.runUntil(movedAt + 200_000);
    // The client's ACKs reached the new owner, which also sent whatever of the queue the old one had not.
    expect(imported.tcb.sndUna).toBe(s.sndDataEnd);
    expect(imported.hasTimer('rto')).toBe(false);
    client.send(AFTER);
    p.runUntil(movedAt + 400_000);
    // The app on the new host reads the bytes its predecessor left unread, then the new ones, in order.
    expect(concat(got2)).toEqual(concat([FIRST.subarray(1000), AFTER]));
    imported.send(REPLY);
    p.runUntil(movedAt + 600_000);
    expect(concat(clientGot)).toEqual(concat([EARLY, IN_FLIGHT, REPLY]));

    // Closing works from the new owner too.
    client.close();
    p.runUntil(movedAt + 800_000);
    expect(peerClosed).toBe(true);
    imported.close();
    p.runUntil(movedAt + 200_000_000);
    expect(clientClosed).toEqual(['closed']);
    expect(imported.tcb.state).toBe('CLOSED');

    // The client never noticed: no retransmission, no state change between the handshake and its own close, no RST anywhere.
    expect(client.tcb.stats.retransmissions).toBe(0);
    expect(p.states('client')).toEqual(['CLOSED→SYN-SENT', 'SYN-SENT→ESTABLISHED', 'ESTABLISHED→FIN-WAIT-1', 'FIN-WAIT-1→FIN-WAIT-2', 'FIN-WAIT-2→TIME-WAIT', 'TIME-WAIT→CLOSED']);
    const after = p.sim.trace.events.slice(eventsBefore);
    expect(after.filter((e) => e.kind === 'packet-drop')).toEqual([]);
    expect(after.filter((e) => e.kind === 'tcp' && e.what === 'rst-sent')).toEqual([]);
    const atClient = seenSegments(p.sim, 'client/eth0');
    expect(atClient.filter((x) => (x.header.flags & TcpFlag.RST) !== 0)).toEqual([]);
    // The old host put nothing on the wire after the move.
    expect(after.filter((e) => e.kind === 'packet-send' && e.node === 'server')).toEqual([]);
    expect(after.some((e) => e.kind === 'packet-send' && e.node === 'server2')).toBe(true);

    // Same sequence space: the server's data segments, old host then new, tile its byte stream with no gap or overlap,
    // and the new host's first data segment starts exactly at the exported SND.MAX.
    const fromServer = atClient.filter((x) => x.dir === 'in');
    const data = fromServer.filter((x) => x.len > 0);
    expect(data.reduce((n, x) => n + x.len, 0)).toBe(EARLY.length + IN_FLIGHT.length + REPLY.length);
    for (let i = 1; i < data.length; i++) expect(data[i]?.header.seq).toBe(seqAdd(data[i - 1]?.header.seq ?? 0, data[i - 1]?.len ?? 0));
    // What each host sent: the old one nothing at or past the exported SND.MAX, the new one exactly the rest.
    const oldData = seenSegments(p.sim, 'server/eth0').filter((x) => x.dir === 'out' && x.len > 0);
    expect(oldData.length).toBeGreaterThan(0);
    expect(oldData.every((x) => seqDiff(seqAdd(x.header.seq, x.len), s.sndMax) <= 0)).toBe(true);
    const newData = seenSegments(p.sim, 'server2/eth0').filter((x) => x.dir === 'out' && x.len > 0);
    expect(newData[0]?.header.seq).toBe(s.sndMax);
    expect(newData.reduce((n, x) => n + x.len, 0)).toBe(seqDiff(s.sndDataEnd, s.sndMax) + REPLY.length);
    // Timestamps continue too (the offset travelled), so PAWS never discards the new host's segments.
    const tsVals = fromServer.flatMap((x) => x.header.options.flatMap((o) => (o.kind === 'timestamps' ? [o.tsVal] : [])));
    expect(tsVals.length).toBe(fromServer.length);
    for (let i = 1; i < tsVals.length; i++) expect(seqDiff(tsVals[i] ?? 0, tsVals[i - 1] ?? 0)).toBeGreaterThanOrEqual(0);
  });

  it('without the detach, the old owner would have spoken: it retransmits into the void (the silence above is the detach\'s doing)', () => {
    const { p, moveRoute, server } = movableServer();
    const before = p.sim.trace.events.length;
    moveRoute(); // the client's ACKs now go elsewhere, but the old connection is left in place
    p.runUntil(p.sim.now + 2_000_000);
    expect(p.sim.trace.events.slice(before).filter((e) => e.kind === 'packet-send' && e.node === 'server').length).toBeGreaterThan(0);
    expect(server.tcb.stats.retransmissions).toBeGreaterThan(0);
  });
});

describe('validateRepairState: each broken rule, alone, with its own words', () => {
  const valid = exported();

  it('the fixture itself is valid', () => {
    expect(validateRepairState(valid)).toEqual([]);
  });

  const broken: readonly [string, (s: TcpRepairState) => TcpRepairState, (s: TcpRepairState) => string][] = [
    ['max_window < snd_wnd', (s) => ({ ...s, maxWindow: s.sndWnd - 1 }), (s) => `max_window ${s.sndWnd - 1} < snd_wnd ${s.sndWnd}`],
    ['snd_wl1 after rcv_nxt + rcv_wnd', (s) => ({ ...s, sndWl1: seqAdd(s.rcvNxt, s.rcvWnd + 1) }), (s) => `snd_wl1 ${seqAdd(s.rcvNxt, s.rcvWnd + 1)} is after rcv_nxt + rcv_wnd`],
    ['rcv_wup after rcv_nxt', (s) => ({ ...s, rcvWup: seqAdd(s.rcvNxt, 1) }), (s) => `rcv_wup ${seqAdd(s.rcvNxt, 1)} is after rcv_nxt ${s.rcvNxt}`],
    ['SND.UNA > SND.NXT', (s) => ({ ...s, sndNxt: seqAdd(s.sndUna, -1) }), () => 'SND.UNA ≤ SND.NXT ≤ SND.MAX does not hold'],
    ['SND.NXT > SND.MAX', (s) => ({ ...s, sndNxt: seqAdd(s.sndMax, 1) }), () => 'SND.UNA ≤ SND.NXT ≤ SND.MAX does not hold'],
    ['SND.UNA before the ISS', (s) => ({ ...s, iss: s.sndUna }), () => 'SND.UNA does not follow the ISS'],
    ['send queue shorter than the sequence space says', (s) => ({ ...s, sendQueue: s.sendQueue.subarray(1) }), (s) => `send queue holds ${s.sendQueue.length - 1} bytes, sequence space says ${s.sendQueue.length}`],
    ['window scale 15', (s) => ({ ...s, sndWscale: 15 }), () => 'window scale outside 0..14'],
    ['MSS 63', (s) => ({ ...s, sendMss: 63 }), () => 'MSS 63 out of range'],
    ...(['CLOSED', 'LISTEN', 'SYN-SENT', 'SYN-RECEIVED', 'TIME-WAIT'] as const).map((state) => [`state ${state}`, (s: TcpRepairState) => ({ ...s, state }), () => `state ${state} cannot be repaired`] as [string, (s: TcpRepairState) => TcpRepairState, (s: TcpRepairState) => string]),
  ];

  it.each(broken)('%s', (_name, breakIt, words) => {
    const bad = breakIt(valid);
    expect(validateRepairState(bad)).toEqual([words(valid)]);
  });

  it.each(broken)('importConnection refuses %s, installs nothing and sends nothing', (_name, breakIt, words) => {
    const { p, server2Tcp, server } = movableServer();
    const before = p.sim.trace.events.length;
    const fresh = exportConnection(server);
    expect(() => importConnection(server2Tcp, breakIt(fresh))).toThrow(`invalid repair state: ${words(fresh)}`);
    expect(server2Tcp.connections.size).toBe(0);
    expect(p.sim.trace.events.slice(before).filter((e) => e.kind === 'packet-send' || e.kind === 'state-change')).toEqual([]);
  });

  it('every rule broken at once is reported rule by rule', () => {
    const bad: TcpRepairState = { ...valid, state: 'LISTEN', maxWindow: 0, rcvWup: seqAdd(valid.rcvNxt, 5), sndWscale: 20, sendMss: 70_000 };
    expect(validateRepairState(bad)).toEqual([
      'state LISTEN cannot be repaired',
      `max_window 0 < snd_wnd ${valid.sndWnd}`,
      `rcv_wup ${seqAdd(valid.rcvNxt, 5)} is after rcv_nxt ${valid.rcvNxt}`,
      'window scale outside 0..14',
      'MSS 70000 out of range',
    ]);
  });
});
