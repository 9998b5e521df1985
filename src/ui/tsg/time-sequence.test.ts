import { describe, expect, it } from 'vitest';
import { runLab } from '../viewmodel/lab-run';
import { timeSequence, tsgConnections } from './time-sequence';

function run(id: string, seed = 1) {
  const r = runLab(id, seed);
  if (!r.ok) throw new Error(r.error);
  return r.run;
}

describe('the time-sequence graph of a connection', () => {
  it('clean transfer: the data is contiguous, never retransmitted, and the last ACK covers it and the FIN', () => {
    const lab = run('http-transfer');
    const [conn] = tsgConnections(lab);
    if (!conn) throw new Error('no connection');
    expect(conn.key).toMatch(/^10\.64\.0\.1:\d+>10\.10\.10\.10:80$/);
    for (const direction of ['to-client', 'to-server'] as const) {
      const m = timeSequence(lab, conn.key, direction);
      expect(m.data.length).toBeGreaterThan(0);
      expect(m.data.every((d) => !d.retransmission)).toBe(true);
      for (let i = 1; i < m.data.length; i++) expect(m.data[i]?.seq, `${direction} segment ${i}`).toBe(m.data[i - 1]?.end);
      expect(m.data[0]?.seq).toBe(1); // the SYN takes relative sequence number 0
      const last = m.data.at(-1)?.end ?? 0;
      expect(m.acks.at(-1)?.ack).toBe(last + 1);
      expect(m.acks.every((a) => a.edge >= a.ack)).toBe(true);
    }
  });

  it('lossy link: the segments the client sends again are exactly those its TCP traced as retransmissions', () => {
    const lab = run('lossy-link', 3);
    const [conn] = tsgConnections(lab);
    if (!conn) throw new Error('no connection');
    const m = timeSequence(lab, conn.key, 'to-client');
    expect(m.data.some((d) => d.retransmission)).toBe(true);
    // Server → client: the response is 200,000 bytes, and every byte is in the graph.
    expect(Math.max(...m.data.map((d) => d.end))).toBe(200_001);
  });
});
