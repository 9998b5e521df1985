import type { LabRun } from '../viewmodel/lab-run';
import { useLabStore } from '../store/lab-store';

/** One chip per invariant: green while it holds at this step, red from the step that breaks it; click jumps there. */
export function InvariantChips({ run, step }: { run: LabRun; step: number }) {
  const setStep = useLabStore((s) => s.setStep);
  if (run.invariants.length === 0) return null;
  return (
    <ul className="chips" aria-label="Invariants">
      {run.invariants.map((inv) => {
        const breaksAt = inv.ok ? null : inv.firstFailingIndex;
        const broken = breaksAt !== null && step >= breaksAt;
        return (
          <li key={inv.name}>
            <button
              type="button"
              className={`chip ${broken ? 'chip-broken' : 'chip-ok'}`}
              data-invariant={inv.name}
              data-state={broken ? 'broken' : 'holds'}
              onClick={() => breaksAt !== null && setStep(breaksAt)}
              aria-label={`${inv.name}: ${broken ? `broken at step ${(breaksAt ?? 0) + 1}` : breaksAt !== null ? `holds until step ${breaksAt + 1}` : 'holds'}`}
              title={inv.detail}
            >
              {broken ? '✗' : '✓'} {inv.name}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
