/**
 * The event log export: a header naming the run, then exactly one line per
 * trace event, in order, each starting with the event's index and naming its
 * kind — even when an event's text holds a line break.
 */
import { describe, expect, it } from 'vitest';
import { formatSimTime } from '../../sim/core/time';
import { runLab, type LabRun } from '../viewmodel/lab-run';
import { eventLogText } from './event-log';

function run(scenario: string): LabRun {
  const result = runLab(scenario, 1);
  if (!result.ok) throw new Error(result.error);
  return result.run;
}

describe('eventLogText', () => {
  const r = run('http-transfer');
  const lines = eventLogText(r).trimEnd().split('\n');

  it('has a header naming scenario, seed and trace hash, then one line per event', () => {
    expect(lines[0]).toBe(`# Handoff Lab event log: ${r.title} (scenario http-transfer, seed 1, trace hash ${r.hash}, ${r.events.length} events)`);
    expect(lines).toHaveLength(r.events.length + 1);
  });

  it('writes each event’s index, kind and time in order', () => {
    r.events.forEach((e, i) => {
      const fields = lines[i + 1]?.trim().split(/\s{2,}/) ?? [];
      expect(fields[0]).toBe(String(e.index));
      expect(fields[1]).toBe(formatSimTime(e.time));
      expect(fields[2]).toBe(e.kind);
    });
  });

  it('keeps an event with a line break in its text on one line', () => {
    const index = r.events.findIndex((e) => e.kind === 'app');
    expect(index).toBeGreaterThanOrEqual(0);
    const events = r.events.map((e, i) => (i === index && e.kind === 'app' ? { ...e, message: 'first\nsecond\r\nthird' } : e));
    const text = eventLogText({ ...r, events });
    expect(text.trimEnd().split('\n')).toHaveLength(r.events.length + 1);
    expect(text).toContain('first second third');
  });
});
