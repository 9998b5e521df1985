// Proves the TCB transfer diff on real runs: from any step of a transfer it finds
// the TRANSFER datagram the freezing stack sent over XCF, its SND.NXT and receive
// queue agree with the freeze entry's own words (parsed here, independently), the
// values agree with what the client saw on the wire, and each row says why it matters.
import { describe, expect, it } from 'vitest';
import { runLab, type LabRun } from './lab-run';
import { transferDiff, type TransferDiff, type TransferDiffRow } from './transfer-diff';

function lab(id: string): LabRun {
  const r = runLab(id, 1);
  if (!r.ok) throw new Error(r.error);
  return r.run;
}

function diffAt(run: LabRun, index: number): TransferDiff {
  const r = transferDiff(run, index);
  if (!r.ok) throw new Error(r.error);
  return r.diff;
}

function row(d: TransferDiff, field: string): TransferDiffRow {
  const r = d.rows.find((x) => x.field === field);
  if (!r) throw new Error(`no row ${field}`);
  return r;
}

const http = lab('http-transfer');
const steps = (run: LabRun, phase: string): number[] => run.events.filter((e) => e.kind === 'transfer' && e.phase === phase).map((e) => e.index);

describe('transferDiff on http-transfer', () => {
  const freezeIndex = steps(http, 'freeze')[0] ?? -1;
  const freeze = http.events[freezeIndex];
  const detail = freeze?.kind === 'transfer' ? (freeze.detail ?? '') : '';
  const sndNxt = /SND\.NXT (\d+)/.exec(detail)?.[1];
  const peeked = /(\d+) unread/.exec(detail)?.[1];

  it('has a freeze that states SND.NXT and the peeked bytes', () => {
    expect(sndNxt).toMatch(/^\d+$/);
    expect(Number(peeked)).toBeGreaterThan(0);
  });

  it.each(['freeze', 'message-sent', 'message-received', 'restored', 'committed'])('from the %s step: SND.NXT equals the freeze and the receive queue holds the peeked bytes', (phase) => {
    const index = steps(http, phase)[0];
    if (index === undefined) throw new Error(`no ${phase} step`);
    const d = diffAt(http, index);
    expect(d.freeze.eventIndex).toBe(freezeIndex);
    expect(row(d, 'SND.NXT')).toMatchObject({ value: sndNxt, atFreeze: sndNxt, mustMatch: true });
    expect(String(d.repair.sndNxt)).toBe(sndNxt);
    expect(row(d, 'Receive queue').value).toBe(`${peeked} bytes`);
    expect(d.repair.receiveQueue.length).toBe(Number(peeked));
    expect(d.freeze.peekedBytes).toBe(Number(peeked));
  });

  it('finds the XCF datagram the freezing stack sent right after the freeze', () => {
    const d = diffAt(http, steps(http, 'committed')[0] ?? -1);
    const send = http.events[d.sendIndex];
    expect(send?.kind === 'packet-send' && [send.node, send.iface.startsWith('xcf'), send.packetId]).toEqual([d.from, true, d.packetId]);
    expect(d.sendIndex).toBeGreaterThan(freezeIndex);
    expect([d.from, d.to, d.viaXcfData]).toEqual(['SYS1', 'SYS3', true]);
  });

  it("agrees with the client's view of the wire and says why each field matters", () => {
    const d = diffAt(http, steps(http, 'restored')[0] ?? -1);
    const failed = d.rows.filter((r) => r.verdict && !r.verdict.ok).map((r) => r.field);
    expect(failed).toEqual([]);
    expect(row(d, 'SND.NXT').onWire).toBe(`${sndNxt} (last SEG.SEQ + SEG.LEN sent)`);
    expect(row(d, 'RCV.NXT').note).toContain('next ACK the client sees must not go back');
    expect(row(d, 'RCV.NXT').verdict?.ok).toBe(true);
    expect(row(d, 'Window scale (send / receive)').verdict?.ok).toBe(true);
    expect(row(d, 'App state').value).toContain('user alice');
    expect(row(d, 'SND.NXT').fieldId).toMatch(/\.repair\.snd_nxt$/);
    for (const r of d.rows) expect(r.note.length).toBeGreaterThan(20);
  });

  it('refuses a step that is not a transfer', () => {
    const r = transferDiff(http, 0);
    expect(r.ok).toBe(false);
    expect(transferDiff(http, http.events.length + 5).ok).toBe(false);
  });
});

describe('transferDiff on a second transfer', () => {
  it('diffs the move from the first target to the next, not the first transfer', () => {
    const run = lab('re-transfer');
    const [first, second] = steps(run, 'freeze');
    if (first === undefined || second === undefined) throw new Error('expected two freezes');
    const d = diffAt(run, steps(run, 'committed')[1] ?? -1);
    expect(d.freeze.eventIndex).toBe(second);
    expect(d.from).not.toBe(diffAt(run, first).from);
    expect(row(d, 'SND.NXT').verdict?.ok).toBe(true);
  });
});
