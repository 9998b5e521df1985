import { describe, expect, it } from 'vitest';
import { findScenario } from '../registry';

describe('simultaneous close when the connection comes up late', () => {
  it('closes at once instead of scheduling in the past (found by the share round trip, seed -1852462017)', () => {
    // Lossy links delay the handshake past the agreed close instant (1 s).
    const params = { horizonUs: 1_001_017, profile: 'rfc', clientLink: { lossPerMille: 4, duplicatePerMille: 1, jitterUs: 33 }, serverLink: { delayUs: 0, lossPerMille: 68, duplicatePerMille: 1, reorderPerMille: 1, jitterUs: 510 } };
    const def = findScenario('simultaneous-close');
    const parsed = def?.parse(params);
    if (!def || !parsed?.ok) throw new Error('the scenario did not parse');
    const a = def.run(parsed.params as never, 1_050_164_367).sim.trace;
    const b = def.run(parsed.params as never, 1_050_164_367).sim.trace;
    expect(a.hash()).toBe(b.hash());
    expect(a.events.some((e) => e.kind === 'state-change' && e.machine.startsWith('tcp ') && e.to === 'ESTABLISHED')).toBe(true);
  });
});
