import { useId, useState, type FormEvent } from 'react';
import { LESSONS } from '../../scenarios/catalog';
import { MAX_SEED, useLabStore } from '../store/lab-store';

/** Scenario picker and seed; an invalid seed is explained next to the field and never run. */
export function ScenarioControls() {
  const scenario = useLabStore((s) => s.scenario);
  const seed = useLabStore((s) => s.seed);
  const setScenario = useLabStore((s) => s.setScenario);
  const setSeed = useLabStore((s) => s.setSeed);
  const [draft, setDraft] = useState(String(seed));
  const [error, setError] = useState<string | null>(null);
  const scenarioId = useId();
  const seedId = useId();
  const errorId = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = Number(draft);
    if (!/^\d+$/.test(draft.trim()) || value > MAX_SEED) {
      setError(`Seed must be a whole number from 0 to ${MAX_SEED}.`);
      return;
    }
    setError(null);
    setSeed(value);
  };
  return (
    <form className="controls" onSubmit={submit} aria-label="Run settings">
      <label htmlFor={scenarioId}>Scenario</label>
      <select id={scenarioId} value={scenario} onChange={(e) => setScenario(e.target.value)}>
        {LESSONS.map((s) => (
          <option key={s.id} value={s.id}>
            {s.title}
          </option>
        ))}
      </select>
      <label htmlFor={seedId}>Seed</label>
      <input id={seedId} inputMode="numeric" value={draft} onChange={(e) => setDraft(e.target.value)} aria-invalid={error !== null} aria-describedby={error ? errorId : undefined} />
      <button type="submit">Run</button>
      {error && (
        <span id={errorId} className="field-error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
