/**
 * The Mermaid export against real runs: one participant per ladder lane, one
 * message per packet hop counted from the trace itself, dotted arrows for
 * control datagrams, crossed arrows for drops, a note per transfer step, and
 * no raw character that Mermaid's sequence grammar gives a meaning. That the
 * text parses is proved with the real mermaid package in e2e/export-mermaid.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '../../sim/core/trace';
import { runLab, type LabRun } from '../viewmodel/lab-run';
import { analyseRun } from '../viewmodel/ladder-model';
import { mermaidSequence, mermaidText } from './mermaid';

function run(scenario: string): LabRun {
  const result = runLab(scenario, 1);
  if (!result.ok) throw new Error(result.error);
  return result.run;
}

const ARROW = /^ {2}(p\d+_\w+)(->>|-->>|-x|--x)(p\d+_\w+): (.+)$/;
const linesOf = (text: string): string[] => text.trimEnd().split('\n');
const count = (events: readonly TraceEntry[], kind: TraceEntry['kind']): number => events.filter((e) => e.kind === kind).length;

describe('mermaidSequence on http-transfer, seed 1', () => {
  const r = run('http-transfer');
  const lines = linesOf(mermaidSequence(r));

  it('declares one participant per ladder lane, with safe unique ids and the lane names', () => {
    const participants = lines.filter((l) => l.startsWith('  participant '));
    const lanes = analyseRun(r).lanes;
    expect(participants).toHaveLength(lanes.length);
    const ids = participants.map((l) => /^ {2}participant (\w+) as (.+)$/.exec(l)?.[1]);
    expect(new Set(ids).size).toBe(lanes.length);
    expect(ids.every((id) => id !== undefined && /^p\d+_[A-Za-z0-9_]+$/.test(id))).toBe(true);
    expect(participants[0]).toBe('  participant p0_client1 as client1 (client)');
    expect(participants.some((l) => l.endsWith(' as SYS1 (routing stack)'))).toBe(true);
  });

  it('writes one message per packet hop of the trace (every send and every link copy)', () => {
    const messages = lines.filter((l) => ARROW.test(l));
    expect(messages).toHaveLength(count(r.events, 'packet-send') + count(r.events, 'packet-duplicate'));
    // Nothing but the header, participants, messages and notes.
    expect(lines.every((l, i) => i < 2 || l.startsWith('  participant ') || ARROW.test(l) || l.startsWith('  Note over '))).toBe(true);
  });

  it('labels TCP like Wireshark’s flow graph, with solid arrows, and control messages with dotted ones', () => {
    const syn = lines.find((l) => l.startsWith('  p0_client1->>'));
    expect(syn).toMatch(/^ {2}p0_client1->>p1_router: \[SYN\] Seq=0 Win=\d+ Len=0/);
    expect(lines.some((l) => /->>\S+: \[SYN, ACK\] Seq=0 Ack=1 Win=\d+ Len=0/.test(l))).toBe(true);
    const fromApps = lines.filter((l) => /^ {2}p\d+_SYS\d_\w+-/.test(l));
    expect(fromApps.length).toBeGreaterThan(0);
    expect(fromApps.every((l) => l.includes('-->>'))).toBe(true);
  });

  it('adds a note for every transfer step', () => {
    const notes = lines.filter((l) => l.startsWith('  Note over ') && l.includes('Transfer of '));
    expect(notes).toHaveLength(count(r.events, 'transfer'));
    expect(notes.length).toBeGreaterThan(0);
  });

  it('leaves no raw ; # < > or second colon in any text slot', () => {
    for (const l of lines.slice(1)) {
      const text = l.includes(': ') ? l.slice(l.indexOf(': ') + 2) : l;
      expect(text.replace(/#\d+;/g, '')).not.toMatch(/[;#<>:]/);
    }
  });
});

describe('mermaidSequence on a lossy link', () => {
  it('draws every dropped packet as a crossed arrow', () => {
    const r = run('lossy-link');
    const crossed = linesOf(mermaidSequence(r)).filter((l) => /^ {2}\w+--?x\w+: ✗ /.test(l));
    expect(count(r.events, 'packet-drop')).toBeGreaterThan(0);
    expect(crossed).toHaveLength(count(r.events, 'packet-drop'));
  });
});

describe('mermaidSequence bounds and untrusted text', () => {
  const r = run('http-transfer');

  it('stops after maxMessages and says how many were left out', () => {
    const all = linesOf(mermaidSequence(r)).filter((l) => ARROW.test(l) || l.startsWith('  Note over ')).length;
    const lines = linesOf(mermaidSequence(r, { maxMessages: 10 }));
    expect(lines.filter((l) => ARROW.test(l) || (l.startsWith('  Note over ') && !l.includes('left out')))).toHaveLength(10);
    expect(lines.at(-1)).toBe(`  Note over p0_client1: ${all - 10} more messages left out (the first 10 are shown)`);
  });

  it('stops at a step: only the packets sent by then', () => {
    const sendIndex = r.events.find((e) => e.kind === 'packet-send')?.index ?? 0;
    const messages = linesOf(mermaidSequence(r, { step: sendIndex })).filter((l) => ARROW.test(l));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/ \(in flight\)$/);
  });

  it('keeps a hostile title on its one line, every special character escaped', () => {
    const hostile = { ...r, title: 'Evil; # title: <b>x</b>\n  participant evil as Evil\r\n%%{init}%%' };
    const lines = linesOf(mermaidSequence(hostile));
    const title = 'Evil#59; #35; title#58; #60;b#62;x#60;/b#62; participant evil as Evil #37;#37;#123;init#125;#37;#37;';
    expect(lines[1]).toBe(`  title ${title} — scenario http-transfer, seed 1, up to step ${r.events.length - 1}`);
    expect(lines.filter((l) => l.includes('evil'))).toHaveLength(1);
  });
});

describe('mermaidText', () => {
  it('escapes the grammar’s characters as entity codes and flattens line breaks', () => {
    expect(mermaidText('a;b#c:d<e>f\ng\r\nh')).toBe('a#59;b#35;c#58;d#60;e#62;f g h');
    expect(mermaidText('{"x": 1 & 2}%`\\')).toBe('#123;#34;x#34;#58; 1 #38; 2#125;#37;#96;#92;');
  });

  it('also escapes what ends a participant alias', () => {
    expect(mermaidText('web, app@SYS2', 'alias')).toBe('web#44; app#64;SYS2');
    expect(mermaidText('web, app@SYS2')).toBe('web, app@SYS2');
  });

  it('never leaves a slot empty and bounds a long text', () => {
    expect(mermaidText(' \n\t ')).toBe('-');
    expect(mermaidText('x'.repeat(500))).toHaveLength(200);
  });
});
