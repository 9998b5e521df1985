import { useId, useState, type FormEvent } from 'react';
import { MAX_SEED, useLabStore } from '../store/lab-store';

/** Seed and fault controls; an invalid seed is explained next to the field and never run. */
export function RunControls() {
  const seed = useLabStore((s) => s.seed);
  const faults = useLabStore((s) => s.faults);
  const setSeed = useLabStore((s) => s.setSeed);
  const setFaults = useLabStore((s) => s.setFaults);
  const [draft, setDraft] = useState(String(seed));
  const [error, setError] = useState<string | null>(null);
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
      <label htmlFor={seedId}>Seed</label>
      <input
        id={seedId}
        inputMode="numeric"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        aria-invalid={error !== null}
        aria-describedby={error ? errorId : undefined}
      />
      <label className="checkbox">
        <input type="checkbox" checked={faults} onChange={(e) => setFaults(e.target.checked)} />
        Lossy links (15 % loss, 5 % duplication, jitter)
      </label>
      <button type="submit">Run</button>
      {error && (
        <span id={errorId} className="field-error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
