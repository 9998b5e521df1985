// Proves the sysplex control protocol's codec: every message type survives an
// encode/decode round trip (TRANSFER with 1000 random TCP_REPAIR states), a
// REGISTER and a TRANSFER match bytes written by hand from the layout in the
// module's header comment, and the decoder never throws on random, truncated,
// extended or bit-flipped input but answers with an error naming what is wrong.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TCP_STATES } from '../tcp/control';
import type { TcpRepairState } from '../tcp/repair';
import { DEFAULT_SOCKET_OPTIONS, type TcpSocketOptions } from '../tcp/tcb';
import { flipBit, hex } from '../wire/test/wire-arbitraries';
import { connKey, connName, connOfRepair, decodeControl, encodeControl, type ConnId, type ControlMessage, type TargetInfo } from './control-messages';

/** Type codes 1, 2, … in the order of the module's header comment. */
const TYPE_NAMES = ['REGISTER', 'TARGETS', 'LISTEN_NOTICE', 'TRANSFER_NOTIFY', 'TRANSFER', 'OFFER', 'VERDICT', 'ABORT', 'CONN_ENDED', 'CONN_MOVED', 'XCF_DATA', 'XCF_ACK', 'DVIPA_OWNER', 'CONN_REPORT'] as const;

/** Decode and fail with the decoder's error when it refuses. */
function decodeOk(bytes: Uint8Array): ControlMessage {
  const r = decodeControl(bytes);
  if (!r.ok) throw new Error(`unexpected decode error: ${r.error}`);
  return r.message;
}

function decodeError(bytes: Uint8Array): string {
  const r = decodeControl(bytes);
  if (r.ok) throw new Error(`expected a decode error, got ${r.message.type}`);
  return r.error;
}

/** ASCII bytes of a string (test-side, independent of ByteWriter). */
function ascii(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}

/** Test-side big-endian builder following the documented layout (shares no code with byte-writer.ts). */
class Layout {
  readonly out: number[] = [];
  u8(v: number): this {
    this.out.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(Math.floor(v / 0x100)).u8(v % 0x100);
  }
  u32(v: number): this {
    return this.u16(Math.floor(v / 0x10000)).u16(v % 0x10000);
  }
  text(s: string): this {
    this.u16(s.length);
    this.out.push(...ascii(s));
    return this;
  }
  blob(b: Uint8Array): this {
    this.u32(b.length);
    this.out.push(...b);
    return this;
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

// ---- arbitraries ------------------------------------------------------------

/** fast-check may build records without a prototype; the decoder builds plain objects, and toStrictEqual compares prototypes. */
const NP = { noNullPrototype: true } as const;
const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
/** The codec carries ASCII text; the encoder turns anything else into '?', so round trips use ASCII. */
const text = fc.string({ unit: 'binary-ascii', maxLength: 40 });
const blob = (maxLength: number) => fc.uint8Array({ maxLength });
const connArb: fc.Arbitrary<ConnId> = fc.record({ client: u32, clientPort: u16, dvipa: u32, port: u16 }, NP);
const targetArb: fc.Arbitrary<TargetInfo> = fc.record({ app: text, stack: text, xcf: u32, port: u16 }, NP);

/**
 * Socket options as the TRANSFER message carries them: nagle, delayedAck, mss,
 * both buffer sizes. windowScaling/sack/timestamps only shape our own SYN, so
 * the message leaves them out and the decoder fills in the defaults; a receive
 * buffer of 0 means "the profile's" and decodes as absent.
 */
const optionsArb: fc.Arbitrary<TcpSocketOptions> = fc
  .record({ nagle: fc.boolean(), delayedAck: fc.boolean(), mss: u16, sendBufferBytes: u32, receiveBufferBytes: fc.option(fc.integer({ min: 1, max: 0xffff_ffff }), { nil: undefined }) }, NP)
  .map(({ receiveBufferBytes, ...o }) => ({ ...DEFAULT_SOCKET_OPTIONS, ...o, ...(receiveBufferBytes === undefined ? {} : { receiveBufferBytes }) }));

/** Any repair state the codec can carry: random u32 sequence numbers and windows, every flag, queues up to 4 kB. */
const repairArb: fc.Arbitrary<TcpRepairState> = fc.record({
  localAddress: u32,
  localPort: u16,
  remoteAddress: u32,
  remotePort: u16,
  state: fc.constantFrom(...TCP_STATES),
  profile: fc.constantFrom('rfc' as const, 'linux' as const),
  options: optionsArb,
  iss: u32,
  irs: u32,
  sndUna: u32,
  sndNxt: u32,
  sndMax: u32,
  sndWnd: u32,
  sndWl1: u32,
  sndWl2: u32,
  maxWindow: u32,
  rcvNxt: u32,
  rcvWnd: u32,
  rcvWup: u32,
  sendMss: u16,
  peerMss: u16,
  sndWscale: u8,
  rcvWscale: u8,
  sackOk: fc.boolean(),
  tsOk: fc.boolean(),
  tsRecent: u32,
  tsOffset: u32,
  sendQueue: blob(4096),
  sndDataEnd: u32,
  finQueued: fc.boolean(),
  finReceived: fc.boolean(),
  receiveQueue: blob(4096),
}, NP);

const messageArb: fc.Arbitrary<ControlMessage> = fc.oneof(
  fc.record({ type: fc.constant('REGISTER' as const), role: fc.constantFrom('routing' as const, 'target' as const), app: text, stack: text, port: u16 }, NP),
  fc.record({ type: fc.constant('TARGETS' as const), targets: fc.array(targetArb, { maxLength: 20 }) }, NP),
  fc.record({ type: fc.constant('LISTEN_NOTICE' as const), stack: text, app: text, port: u16, listening: fc.boolean() }, NP),
  fc.record({ type: fc.constant('TRANSFER_NOTIFY' as const), transfer: u32, conn: connArb, targetApp: text, appState: blob(512) }, NP),
  fc.record({ type: fc.constant('TRANSFER' as const), transfer: u32, fromStack: text, targetApp: text, repair: repairArb, appState: blob(512) }, NP),
  fc.record({ type: fc.constant('OFFER' as const), transfer: u32, conn: connArb, fromStack: text, appState: blob(512), queuedBytes: u32 }, NP),
  fc.record({ type: fc.constant('VERDICT' as const), transfer: u32, conn: connArb, accepted: fc.boolean(), reason: text }, NP),
  fc.record({ type: fc.constant('ABORT' as const), transfer: u32, conn: connArb, reason: text }, NP),
  fc.record({ type: fc.constant('CONN_ENDED' as const), conn: connArb, stack: text, reason: text }, NP),
  fc.record({ type: fc.constant('CONN_MOVED' as const), conn: connArb, from: text, to: text }, NP),
  fc.record({ type: fc.constant('XCF_DATA' as const), from: text, seq: u32, inner: blob(512) }, NP),
  fc.record({ type: fc.constant('XCF_ACK' as const), from: text, seq: u32 }, NP),
  fc.record({ type: fc.constant('DVIPA_OWNER' as const), stack: text, reason: text }, NP),
  fc.record({ type: fc.constant('CONN_REPORT' as const), stack: text, listening: fc.array(fc.record({ app: text, port: u16 }, NP), { maxLength: 5 }), owned: fc.array(connArb, { maxLength: 20 }), halfOpen: fc.array(connArb, { maxLength: 5 }) }, NP),
);

// ---- fixed examples -----------------------------------------------------------

const CONN: ConnId = { client: 0x0a40_0001, clientPort: 40_109, dvipa: 0x0a0a_0a0a, port: 80 };

const REPAIR: TcpRepairState = {
  localAddress: CONN.dvipa,
  localPort: CONN.port,
  remoteAddress: CONN.client,
  remotePort: CONN.clientPort,
  state: 'ESTABLISHED',
  profile: 'linux',
  options: { ...DEFAULT_SOCKET_OPTIONS, receiveBufferBytes: 131_072 },
  iss: 0xfffffff0,
  irs: 0x1234_5678,
  sndUna: 0xfffffff1,
  sndNxt: 0x0000_0010,
  sndMax: 0x0000_0010,
  sndWnd: 131_072,
  sndWl1: 0x1234_5679,
  sndWl2: 0xfffffff1,
  maxWindow: 131_072,
  rcvNxt: 0x1234_5700,
  rcvWnd: 65_000,
  rcvWup: 0x1234_5700,
  sendMss: 1448,
  peerMss: 1460,
  sndWscale: 7,
  rcvWscale: 7,
  sackOk: true,
  tsOk: true,
  tsRecent: 834_932_239,
  tsOffset: 2_781_685_000,
  sendQueue: Uint8Array.from({ length: 31 }, (_, i) => i),
  sndDataEnd: 0x0000_0010,
  finQueued: false,
  finReceived: false,
  receiveQueue: Uint8Array.from(ascii('GET /orders/42 HTTP/1.1\r\n\r\n')),
};

/** One example of every message type. */
const EXAMPLES: readonly ControlMessage[] = [
  { type: 'REGISTER', role: 'routing', app: 'ROUTER', stack: 'SYS1', port: 80 },
  { type: 'REGISTER', role: 'target', app: 'WEB3', stack: 'SYS3', port: 80 },
  { type: 'TARGETS', targets: [{ app: 'WEB2', stack: 'SYS2', xcf: 0x0a09_0002, port: 80 }, { app: 'WEB3', stack: 'SYS3', xcf: 0x0a09_0003, port: 80 }] },
  { type: 'TARGETS', targets: [] },
  { type: 'LISTEN_NOTICE', stack: 'SYS3', app: 'WEB3', port: 80, listening: true },
  { type: 'LISTEN_NOTICE', stack: 'SYS2', app: 'WEB2', port: 80, listening: false },
  { type: 'TRANSFER_NOTIFY', transfer: 7, conn: CONN, targetApp: 'WEB3', appState: Uint8Array.of(1, 2, 3) },
  { type: 'TRANSFER', transfer: 7, fromStack: 'SYS1', targetApp: 'WEB3', repair: REPAIR, appState: Uint8Array.of(9, 8, 7) },
  { type: 'OFFER', transfer: 7, conn: CONN, fromStack: 'SYS1', appState: new Uint8Array(0), queuedBytes: 27 },
  { type: 'VERDICT', transfer: 7, conn: CONN, accepted: true, reason: 'accepted' },
  { type: 'VERDICT', transfer: 8, conn: CONN, accepted: false, reason: 'overloaded' },
  { type: 'ABORT', transfer: 8, conn: CONN, reason: 'no target accepted' },
  { type: 'CONN_ENDED', conn: CONN, stack: 'SYS3', reason: 'closed' },
  { type: 'CONN_MOVED', conn: CONN, from: 'SYS2', to: 'SYS3' },
  { type: 'XCF_DATA', from: 'SYS1', seq: 1, inner: encodeControl({ type: 'CONN_MOVED', conn: CONN, from: 'SYS2', to: 'SYS3' }) },
  { type: 'XCF_ACK', from: 'SYS3', seq: 0xffff_ffff },
  { type: 'DVIPA_OWNER', stack: 'SYS2', reason: 'takeover: SYS1 left the sysplex group' },
  { type: 'CONN_REPORT', stack: 'SYS3', listening: [{ app: 'WEB3', port: 80 }], owned: [CONN], halfOpen: [] },
];

describe('control messages: round trips', () => {
  it('covers every message type in the examples (a new type code fails here until it is added)', () => {
    expect(new Set(EXAMPLES.map((m) => m.type))).toEqual(new Set(TYPE_NAMES));
    const next = Uint8Array.of(0x48, 0x4c, 0x53, 0x58, 1, TYPE_NAMES.length + 1);
    expect(decodeControl(next)).toEqual({ ok: false, error: `unknown control message type ${TYPE_NAMES.length + 1}` });
  });

  it('an XCF_DATA envelope carries another message intact', () => {
    const inner = EXAMPLES.find((m) => m.type === 'TRANSFER') as ControlMessage;
    const outer = decodeOk(encodeControl({ type: 'XCF_DATA', from: 'SYS1', seq: 42, inner: encodeControl(inner) }));
    expect(outer.type === 'XCF_DATA' ? decodeOk(outer.inner) : null).toStrictEqual(inner);
  });

  it.each(EXAMPLES.map((m, i) => [`${i} ${m.type}`, m] as const))('%s decodes to what was encoded', (_name, m) => {
    const bytes = encodeControl(m);
    expect(bytes[5]).toBe(TYPE_NAMES.indexOf(m.type) + 1);
    expect(decodeOk(bytes)).toStrictEqual(m);
  });

  it('TRANSFER carries any repair state exactly (1000 random states)', () => {
    fc.assert(
      fc.property(u32, text, text, repairArb, blob(2048), (transfer, fromStack, targetApp, repair, appState) => {
        const m: ControlMessage = { type: 'TRANSFER', transfer, fromStack, targetApp, repair, appState };
        const back = decodeOk(encodeControl(m));
        expect(back).toStrictEqual(m);
        if (back.type === 'TRANSFER') expect(connOfRepair(back.repair)).toEqual(connOfRepair(repair));
      }),
      { numRuns: 1000 },
    );
  });

  it('every message type round-trips with random fields (1000 runs)', () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        expect(decodeOk(encodeControl(m))).toStrictEqual(m);
      }),
      { numRuns: 1000 },
    );
  });

  it('turns non-ASCII text into "?" rather than writing other bytes', () => {
    const back = decodeOk(encodeControl({ type: 'CONN_ENDED', conn: CONN, stack: 'SYS€', reason: 'é' }));
    expect(back).toEqual({ type: 'CONN_ENDED', conn: CONN, stack: 'SYS?', reason: '?' });
  });

  it('names connections and keys them by the 4-tuple', () => {
    expect(connName(CONN)).toBe('10.64.0.1:40109>10.10.10.10:80');
    expect(connKey(CONN)).toBe(`${0x0a40_0001}:40109:${0x0a0a_0a0a}:80`);
    expect(connKey({ ...CONN, clientPort: 40_110 })).not.toBe(connKey(CONN));
  });
});

describe('control messages: known answers', () => {
  it('REGISTER is magic "HLSX", version 1, type 1, role, app, stack, port', () => {
    const bytes = encodeControl({ type: 'REGISTER', role: 'routing', app: 'ROUTER', stack: 'SYS1', port: 80 });
    expect(bytes).toEqual(
      hex(`
        48 4c 53 58  01  01
        01
        00 06 52 4f 55 54 45 52
        00 04 53 59 53 31
        00 50`),
    );
    expect(decodeOk(hex('48 4c 53 58 01 01 02 00 04 57 45 42 33 00 04 53 59 53 33 1f 90'))).toEqual({ type: 'REGISTER', role: 'target', app: 'WEB3', stack: 'SYS3', port: 8080 });
  });

  it('TRANSFER follows the documented layout field by field', () => {
    const s = REPAIR;
    const expected = new Layout()
      .u8(0x48).u8(0x4c).u8(0x53).u8(0x58).u8(1).u8(5)
      .u32(7)
      .u32(CONN.client).u16(CONN.clientPort).u32(CONN.dvipa).u16(CONN.port)
      .text('SYS1').text('WEB3')
      .u8(TCP_STATES.indexOf('ESTABLISHED')).u8(1)
      .u8(1).u8(1).u16(1460).u32(1 << 20).u32(131_072)
      .u32(s.iss).u32(s.irs).u32(s.sndUna).u32(s.sndNxt).u32(s.sndMax).u32(s.sndWnd).u32(s.sndWl1).u32(s.sndWl2).u32(s.maxWindow).u32(s.rcvNxt).u32(s.rcvWnd).u32(s.rcvWup)
      .u16(1448).u16(1460).u8(7).u8(7)
      .u8(1 | 2)
      .u32(s.tsRecent).u32(s.tsOffset).u32(s.sndDataEnd)
      .blob(s.sendQueue).blob(s.receiveQueue)
      .blob(Uint8Array.of(9, 8, 7))
      .bytes();
    expect(encodeControl({ type: 'TRANSFER', transfer: 7, fromStack: 'SYS1', targetApp: 'WEB3', repair: s, appState: Uint8Array.of(9, 8, 7) })).toEqual(expected);
  });

  it('packs the four repair flags into one byte: 1 SACK, 2 timestamps, 4 FIN queued, 8 FIN received', () => {
    const flagsOf = (r: Partial<TcpRepairState>): number => {
      const bytes = encodeControl({ type: 'TRANSFER', transfer: 0, fromStack: '', targetApp: '', repair: { ...REPAIR, ...r }, appState: new Uint8Array(0) });
      // magic+version+type 6, transfer 4, conn 12, two empty texts 4, state..receiveBuffer 14, twelve u32 48, mss 4, wscales 2
      return bytes[6 + 4 + 12 + 4 + 14 + 48 + 4 + 2] ?? -1;
    };
    expect(flagsOf({ sackOk: false, tsOk: false })).toBe(0);
    expect(flagsOf({ sackOk: true, tsOk: false })).toBe(1);
    expect(flagsOf({ sackOk: false, tsOk: true })).toBe(2);
    expect(flagsOf({ sackOk: false, tsOk: false, finQueued: true })).toBe(4);
    expect(flagsOf({ sackOk: false, tsOk: false, finReceived: true })).toBe(8);
    expect(flagsOf({ sackOk: true, tsOk: true, finQueued: true, finReceived: true })).toBe(15);
  });
});

describe('control messages: the decoder refuses, never throws', () => {
  const register = encodeControl({ type: 'REGISTER', role: 'routing', app: 'ROUTER', stack: 'SYS1', port: 80 });

  it('bad magic', () => {
    expect(decodeError(Uint8Array.of(0x48, 0x4c, 0x53, 0x59, 1, 1, 1, 0, 0, 0, 0, 0, 80))).toMatch(/magic "HLSX"/);
    expect(decodeError(new Uint8Array(0))).toMatch(/magic/);
    expect(decodeError(Uint8Array.of(0x48, 0x4c, 0x53, 0x58, 1))).toMatch(/magic/); // too short for version and type
  });

  it('bad version', () => {
    const b = register.slice();
    b[4] = 2;
    expect(decodeError(b)).toBe('unsupported control message version 2');
    b[4] = 0;
    expect(decodeError(b)).toBe('unsupported control message version 0');
  });

  it('bad type', () => {
    for (const t of [0, TYPE_NAMES.length + 1, 255]) {
      const b = register.slice();
      b[5] = t;
      expect(decodeError(b)).toBe(`unknown control message type ${t}`);
    }
  });

  it('trailing bytes', () => {
    expect(decodeError(Uint8Array.of(...register, 0))).toBe('REGISTER: 1 unexpected trailing bytes');
    expect(decodeError(Uint8Array.of(...encodeControl({ type: 'TARGETS', targets: [] }), 1, 2, 3))).toBe('TARGETS: 3 unexpected trailing bytes');
  });

  it('truncation names the field that ran out', () => {
    expect(decodeError(register.subarray(0, register.length - 1))).toBe('REGISTER: truncated or invalid at field port');
    expect(decodeError(register.subarray(0, 7))).toBe('REGISTER: truncated or invalid at field app');
    const transfer = encodeControl(EXAMPLES.find((m) => m.type === 'TRANSFER') as ControlMessage);
    expect(decodeError(transfer.subarray(0, transfer.length - 4))).toBe('TRANSFER: truncated or invalid at field appState');
  });

  it('a TRANSFER with an unknown TCP state index or an oversized queue length is refused', () => {
    const m = EXAMPLES.find((x) => x.type === 'TRANSFER') as ControlMessage;
    const bytes = encodeControl(m);
    const stateAt = 6 + 4 + 12 + (2 + 4) + (2 + 4); // after transfer, conn, "SYS1", "WEB3"
    expect(bytes[stateAt]).toBe(TCP_STATES.indexOf('ESTABLISHED'));
    const badState = bytes.slice();
    badState[stateAt] = TCP_STATES.length;
    expect(decodeError(badState)).toBe('TRANSFER: truncated or invalid at field state');
    const sendQueueAt = stateAt + 14 + 48 + 4 + 2 + 1 + 12;
    const huge = bytes.slice();
    huge.set([0xff, 0xff, 0xff, 0xff], sendQueueAt);
    expect(decodeError(huge)).toMatch(/^TRANSFER: truncated or invalid at field repair\.sendQueue \(length 4294967295 exceeds \d+\)$/);
  });

  it('a TARGETS count above the limit is refused before reading the list', () => {
    const r = decodeControl(hex('48 4c 53 58 01 02 ff ff'));
    expect(r.ok ? 'decoded' : r.error).toMatch(/^TARGETS: truncated or invalid/);
  });

  it('a CONN_REPORT whose connection count cannot fit in the rest of the message is refused before reading it', () => {
    const bytes = encodeControl({ type: 'CONN_REPORT', stack: 'SYS3', listening: [], owned: [], halfOpen: [] });
    const ownedCountAt = 6 + (2 + 4) + 2; // after "SYS3" and an empty listening list
    const big = bytes.slice();
    big.set([0x00, 0x10, 0x00, 0x00], ownedCountAt);
    const r = decodeControl(big);
    expect(r.ok ? 'decoded' : r.error).toBe('CONN_REPORT: truncated or invalid at field owned.count (1048576 connections do not fit)');
  });

  it('every strict prefix of a valid message is an error (1000 runs)', () => {
    fc.assert(
      fc.property(messageArb, fc.nat(), (m, cut) => {
        const bytes = encodeControl(m);
        const r = decodeControl(bytes.subarray(0, cut % bytes.length));
        expect(r.ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('any trailing garbage after a valid message is an error (1000 runs)', () => {
    fc.assert(
      fc.property(messageArb, fc.uint8Array({ minLength: 1, maxLength: 64 }), (m, extra) => {
        const r = decodeControl(Uint8Array.of(...encodeControl(m), ...extra));
        expect(r.ok ? 'decoded' : r.error).toBe(`${m.type}: ${extra.length} unexpected trailing bytes`);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on random bytes, with or without a valid header (1000 runs each)', () => {
    const wellFormed = (r: ReturnType<typeof decodeControl>): boolean => (r.ok ? TYPE_NAMES.includes(r.message.type) : r.error.length > 0);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
        expect(wellFormed(decodeControl(b))).toBe(true);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: TYPE_NAMES.length + 1 }), fc.uint8Array({ maxLength: 600 }), (type, body) => {
        expect(wellFormed(decodeControl(Uint8Array.of(0x48, 0x4c, 0x53, 0x58, 1, type, ...body)))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on a valid message with one bit flipped; a flip in the header is always caught (1000 runs)', () => {
    fc.assert(
      fc.property(messageArb, fc.nat(), (m, bit) => {
        const bytes = encodeControl(m);
        const index = bit % (bytes.length * 8);
        const r = decodeControl(flipBit(bytes, index));
        if (r.ok) expect(TYPE_NAMES).toContain(r.message.type);
        else expect(r.error.length).toBeGreaterThan(0);
        // The magic and version bytes admit exactly one value each.
        if (index < 5 * 8) expect(r.ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
