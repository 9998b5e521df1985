import { useEffect, useRef } from 'react';
import type { LabRun } from '../../viewmodel/lab-run';
import { useLabStore } from '../../store/lab-store';
import { stopStep, TOUR_STOPS, type TourStop } from './tour-stops';

/** The guided tour: a non-modal panel that moves the timeline and highlights the view to look at. */
export function Tour({ run, index, onIndex, onEnd }: { run: LabRun; index: number; onIndex: (i: number) => void; onEnd: () => void }) {
  const setStep = useLabStore((s) => s.setStep);
  const select = useLabStore((s) => s.select);
  const heading = useRef<HTMLHeadingElement>(null);
  const stop = TOUR_STOPS[Math.max(0, Math.min(index, TOUR_STOPS.length - 1))] as TourStop;
  useEffect(() => {
    setStep(stopStep(run, index));
    select(null);
    heading.current?.focus();
    return highlight(stop.panel);
  }, [run, index, stop.panel, setStep, select]);
  const last = index === TOUR_STOPS.length - 1;
  return (
    <section className="tour" aria-labelledby="tour-title" data-tour-stop={index}>
      <p className="tour-count">
        Tour · {index + 1} of {TOUR_STOPS.length}
      </p>
      <h2 id="tour-title" ref={heading} tabIndex={-1}>
        {stop.title}
      </h2>
      <p>{stop.text}</p>
      <div className="tour-buttons">
        <button type="button" onClick={() => onIndex(index - 1)} disabled={index === 0}>
          Previous stop
        </button>
        <button type="button" onClick={() => (last ? onEnd() : onIndex(index + 1))}>
          {last ? 'Finish' : 'Next stop'}
        </button>
        <button type="button" onClick={onEnd}>
          End tour
        </button>
      </div>
    </section>
  );
}

/** Outline the panel a stop talks about and bring it into view; returns the undo. */
function highlight(selector: string): () => void {
  const el = document.querySelector(selector);
  if (!el) return () => undefined;
  el.classList.add('tour-focus');
  el.scrollIntoView({ block: 'nearest', behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
  return () => el.classList.remove('tour-focus');
}
