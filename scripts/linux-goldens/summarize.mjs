#!/usr/bin/env node
// Convert a golden pcap into a JSON segment summary using tshark fields.
//   node scripts/linux-goldens/summarize.mjs <file.pcap> [--name NAME] [--env environment.json]
// Plain Node ESM, no dependencies. Writes JSON to stdout.
//
// Per segment: dir ('c2s' | 's2c'), tUs (µs since the first TCP segment, exact integer from
// the pcap's µs timestamps), flags (Wireshark's tcp.flags.str), flagNames, seq/ack (tshark's
// relative numbers; ack is null when the ACK flag is clear), len (payload bytes), win (raw
// 16-bit window field as on the wire), winScaled (tshark's scaled window, null when unknown),
// options (decoded from the raw option bytes, in wire order).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { EXCHANGES, CLIENT_IP, SERVER_IP } from './exchanges.mjs';

const args = process.argv.slice(2);
const pcap = args.find((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
const opt = (k) => {
  const i = args.indexOf(k);
  return i >= 0 ? args[i + 1] : undefined;
};
if (!pcap) {
  console.error('usage: summarize.mjs <file.pcap> [--name NAME] [--env environment.json]');
  process.exit(2);
}
const name = opt('--name') ?? basename(pcap).replace(/\.pcap$/, '');
const envPath = opt('--env');

const FIELDS = [
  'frame.number',
  'frame.time_epoch',
  'ip.src',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.flags',
  'tcp.flags.str',
  'tcp.seq',
  'tcp.seq_raw',
  'tcp.ack',
  'tcp.ack_raw',
  'tcp.len',
  'tcp.window_size_value',
  'tcp.window_size',
  'tcp.options',
  'tcp.checksum.status',
  'ip.checksum.status',
  'ip.len',
];

const out = execFileSync(
  'tshark',
  [
    '-n',
    '-r', pcap,
    '-Y', 'tcp',
    '-o', 'tcp.relative_sequence_numbers:TRUE',
    '-o', 'tcp.analyze_sequence_numbers:TRUE',
    '-o', 'tcp.check_checksum:TRUE',
    '-o', 'ip.check_checksum:TRUE',
    '-T', 'fields',
    '-E', 'separator=/t',
    '-E', 'occurrence=f',
    ...FIELDS.flatMap((f) => ['-e', f]),
  ],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60000, maxBuffer: 64 << 20 },
);

const rows = out
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => {
    const cols = l.split('\t');
    return Object.fromEntries(FIELDS.map((f, i) => [f, cols[i] ?? '']));
  });

/** "1700000000.123456789" -> BigInt nanoseconds */
const epochNs = (s) => {
  const [sec, frac = ''] = s.split('.');
  return BigInt(sec) * 1000000000n + BigInt((frac + '000000000').slice(0, 9));
};
const u32 = (n) => ((n % 2 ** 32) + 2 ** 32) % 2 ** 32;
const num = (s) => (s === '' ? null : Number(s));

const FLAG_BITS = [
  [0x100, 'NS'], [0x080, 'CWR'], [0x040, 'ECE'], [0x020, 'URG'],
  [0x010, 'ACK'], [0x008, 'PSH'], [0x004, 'RST'], [0x002, 'SYN'], [0x001, 'FIN'],
];

// Relative-sequence bases per direction (raw ISN, or first raw seq seen) for SACK blocks / TS.
const base = { c2s: null, s2c: null };
const tsBase = { c2s: null, s2c: null };
const dirOf = (r) => (r['ip.src'] === CLIENT_IP ? 'c2s' : r['ip.src'] === SERVER_IP ? 's2c' : 'other');
for (const r of rows) {
  const d = dirOf(r);
  if (base[d] === null) base[d] = Number(r['tcp.seq_raw']);
}

function decodeOptions(hex, dir) {
  const b = Buffer.from(hex.replace(/[^0-9a-fA-F]/g, ''), 'hex');
  const peer = dir === 'c2s' ? 's2c' : 'c2s';
  const opts = [];
  let i = 0;
  while (i < b.length) {
    const kind = b[i];
    if (kind === 0) { opts.push({ kind: 'eol' }); i += 1; continue; }
    if (kind === 1) { opts.push({ kind: 'nop' }); i += 1; continue; }
    const len = b[i + 1];
    if (!len || len < 2 || i + len > b.length) { opts.push({ kind: 'malformed', at: i, hex: b.subarray(i).toString('hex') }); break; }
    const body = b.subarray(i + 2, i + len);
    switch (kind) {
      case 2: opts.push({ kind: 'mss', value: body.readUInt16BE(0) }); break;
      case 3: opts.push({ kind: 'wscale', shift: body[0] }); break;
      case 4: opts.push({ kind: 'sack_perm' }); break;
      case 5: {
        const blocks = [];
        for (let j = 0; j + 8 <= body.length; j += 8) {
          const le = body.readUInt32BE(j), re = body.readUInt32BE(j + 4);
          blocks.push({ left: u32(le - (base[peer] ?? 0)), right: u32(re - (base[peer] ?? 0)), leftRaw: le, rightRaw: re });
        }
        opts.push({ kind: 'sack', blocks });
        break;
      }
      case 8: {
        const tsval = body.readUInt32BE(0), tsecr = body.readUInt32BE(4);
        if (tsBase[dir] === null) tsBase[dir] = tsval;
        opts.push({
          kind: 'timestamps',
          tsval,
          tsecr,
          // Linux randomises the TS offset per connection; these are relative to the first
          // TSval each side sent in this capture (tsecrRel null while tsecr is 0 / peer unseen).
          tsvalRel: u32(tsval - tsBase[dir]),
          tsecrRel: tsecr === 0 || tsBase[peer] === null ? null : u32(tsecr - tsBase[peer]),
        });
        break;
      }
      default: opts.push({ kind: `kind${kind}`, hex: body.toString('hex') });
    }
    i += len;
  }
  return opts;
}

let t0 = null;
const checksums = { tcp: { good: 0, bad: 0, unverified: 0 }, ip: { good: 0, bad: 0, unverified: 0 } };
const statusName = (s) => (s === '1' ? 'good' : s === '0' ? 'bad' : 'unverified');
const segments = rows.map((r, idx) => {
  const dir = dirOf(r);
  const t = epochNs(r['frame.time_epoch']);
  if (t0 === null) t0 = t;
  const flagsHex = r['tcp.flags'];
  const fv = Number.parseInt(flagsHex, 16);
  const flagNames = FLAG_BITS.filter(([bit]) => fv & bit).map(([, n]) => n);
  checksums.tcp[statusName(r['tcp.checksum.status'])]++;
  checksums.ip[statusName(r['ip.checksum.status'])]++;
  return {
    i: idx + 1,
    dir,
    tUs: Number((t - t0) / 1000n),
    flags: r['tcp.flags.str'],
    flagsHex,
    flagNames,
    seq: num(r['tcp.seq']),
    ack: fv & 0x010 ? num(r['tcp.ack']) : null,
    seqRaw: num(r['tcp.seq_raw']),
    ackRaw: num(r['tcp.ack_raw']),
    len: num(r['tcp.len']),
    win: num(r['tcp.window_size_value']),
    winScaled: num(r['tcp.window_size']),
    options: r['tcp.options'] ? decodeOptions(r['tcp.options'], dir) : [],
    ipLen: num(r['ip.len']),
  };
});

let environment = null;
if (envPath) environment = JSON.parse(readFileSync(envPath, 'utf8'));

const summary = {
  name,
  description: EXCHANGES[name]?.description ?? null,
  pcap: basename(pcap),
  recordedWith: 'bash scripts/linux-goldens/record.sh',
  client: { ip: CLIENT_IP, port: rows.length ? Number(rows[0]['tcp.srcport']) : null },
  server: { ip: SERVER_IP, port: rows.length ? Number(rows[0]['tcp.dstport']) : null },
  isnRaw: { client: base.c2s, server: base.s2c },
  checksums,
  environment,
  notes: {
    tUs: 'microseconds since the first segment (pcap timestamps, taken on the client veth)',
    seq: 'tshark relative sequence number (SYN = 0). Caveat: for a direction whose first segment is not a SYN (the RST in rst-closed-port) tshark reports raw seq 0 as relative 1; use seqRaw there',
    seqRaw: 'absolute sequence number as on the wire',
    ackRaw: 'absolute ack field as on the wire (0 when ACK clear)',
    ack: 'tshark relative ack number; null when ACK flag clear',
    win: 'raw 16-bit window field; multiply by the peer-announced scale (2^shift) except on SYN/SYN-ACK',
    winScaled: "tshark's scaled window (null/raw when scale unknown)",
    options: 'decoded TCP options in wire order; sack blocks relative to the peer ISN',
  },
  segments,
};
process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
