import { memo } from 'react';
import type { LabRun } from '../viewmodel/lab-run';
import { neighbours } from '../viewmodel/sorted';
import { CLAIM_TEXT, narrate } from '../viewmodel/narration';
import { useLabStore } from '../store/lab-store';

/** What this step means, in words, with its claims; an aria-live transcript for screen readers. */
export function NarrationPanel({ run, step }: { run: LabRun; step: number }) {
  const e = step >= 0 ? run.events[step] : undefined;
  const text = e ? narrate(e, run.packetBytes) : `${run.title}: ${run.description} Press Play or → to step through.`;
  return (
    <section className="narration" aria-labelledby="narration-title" tabIndex={0}>
      <h2 id="narration-title">What happens</h2>
      <p aria-live="polite" data-testid="narration">
        {text}
      </p>
      {e?.claims && e.claims.length > 0 && (
        <p className="step-claims">
          Claims shown: {e.claims.map((c) => <span key={c} className="claim-tag" title={CLAIM_TEXT[c]}>{c}</span>)}
        </p>
      )}
    </section>
  );
}

/** The steps that show a claim (28–31 are shown by the steps of claims 1 and 12), ascending. */
function claimStepsOf(run: LabRun, claim: number): readonly number[] {
  const shownBy = claim >= 28 ? (claim === 28 || claim === 30 ? 1 : 12) : claim;
  return run.claimSteps.get(shownBy) ?? NO_STEPS;
}
const NO_STEPS: readonly number[] = [];

/** Claims 1–31, each linking to its first demonstrating step, with previous/next occurrence. */
export function ClaimsPanel({ run, step }: { run: LabRun; step: number }) {
  return (
    <section className="claims" aria-labelledby="claims-title" tabIndex={0}>
      <h2 id="claims-title">Patent claims</h2>
      <p className="honesty">
        The cross-stack, application-chosen transfer shown here is the method of a patent, not a documented z/OS function; z/OS
        Sysplex Distributor picks targets when the SYN arrives.
      </p>
      <ol className="claim-list">
        {Array.from({ length: 31 }, (_, i) => i + 1).map((claim) => {
          // Binary searches: a large run shows claim 1 at thousands of steps, and this runs on every step.
          const steps = claimStepsOf(run, claim);
          const { before, after } = neighbours(steps, step);
          return <ClaimItem key={claim} claim={claim} first={steps[0]} prev={before} next={after} />;
        })}
      </ol>
    </section>
  );
}

/** One claim: memoised, so a step re-renders only the claims whose previous or next step it moved past. */
const ClaimItem = memo(function ClaimItem({ claim, first, prev, next }: { claim: number; first: number | undefined; prev: number | undefined; next: number | undefined }) {
  const setStep = useLabStore((s) => s.setStep);
  return (
    <li value={claim} data-claim={claim} data-shown={first !== undefined}>
      {first === undefined ? (
        <span className="claim-missing">{CLAIM_TEXT[claim]} (not in this scenario)</span>
      ) : (
        <>
          <button type="button" className="link" onClick={() => setStep(first)} aria-label={`Claim ${claim}: ${CLAIM_TEXT[claim] ?? ''} — go to its first step`}>
            {CLAIM_TEXT[claim]}
          </button>
          <button type="button" className="mini" disabled={prev === undefined} onClick={() => prev !== undefined && setStep(prev)} aria-label={`Previous step showing claim ${claim}`}>‹</button>
          <button type="button" className="mini" disabled={next === undefined} onClick={() => next !== undefined && setStep(next)} aria-label={`Next step showing claim ${claim}`}>›</button>
        </>
      )}
    </li>
  );
});
