import { lazy, Suspense, useState } from 'react';
import type { LabRun } from '../../viewmodel/lab-run';
import { useLabStore } from '../../store/lab-store';

// Tour and gallery load on first use: a returning visitor does not pay for them.
const Tour = lazy(() => import('./tour').then((m) => ({ default: m.Tour })));
const Gallery = lazy(() => import('./gallery').then((m) => ({ default: m.Gallery })));

const VISITED_KEY = 'handoff-lab.visited';
/** The scenario and seed the tour's stops were written for. */
const TOUR_SCENARIO = 'http-transfer';
const TOUR_SEED = 1;

/** Storage can be missing or refuse (private windows, sandboxed iframes): then every visit counts as the first. */
function visitedBefore(): boolean {
  try {
    return localStorage.getItem(VISITED_KEY) === '1';
  } catch {
    return false;
  }
}
function markVisited(): void {
  try {
    localStorage.setItem(VISITED_KEY, '1');
  } catch {
    // nothing to remember it in; the banner shows again next time
  }
}

/** "Start here" (the guided tour), the scenario gallery, and a welcome line for a first visit. */
export function Guide({ run }: { run: LabRun | null }) {
  const [tour, setTour] = useState<number | null>(null);
  const [galleryOpen, setGalleryOpen] = useState(false);
  const [welcome, setWelcome] = useState(() => !visitedBefore());
  const scenario = useLabStore((s) => s.scenario);
  const seed = useLabStore((s) => s.seed);
  const setScenario = useLabStore((s) => s.setScenario);
  const setSeed = useLabStore((s) => s.setSeed);
  const start = (): void => {
    markVisited();
    setWelcome(false);
    if (scenario !== TOUR_SCENARIO) setScenario(TOUR_SCENARIO);
    if (seed !== TOUR_SEED) setSeed(TOUR_SEED);
    setTour(0);
  };
  const onTourScenario = run !== null && run.scenario === TOUR_SCENARIO && run.seed === TOUR_SEED;
  return (
    <div className="guide">
      {welcome && (
        <p className="welcome" role="note">
          New here? The tour walks through one connection transfer in seven stops.{' '}
          <button type="button" className="link" onClick={() => { markVisited(); setWelcome(false); }}>
            No thanks
          </button>
        </p>
      )}
      <div className="guide-buttons">
        <button type="button" onClick={start}>Start here</button>
        <button type="button" onClick={() => setGalleryOpen(true)}>Scenario gallery</button>
      </div>
      <Suspense fallback={null}>
        {tour !== null && onTourScenario && <Tour run={run} index={tour} onIndex={setTour} onEnd={() => setTour(null)} />}
        {galleryOpen && (
          <Gallery
            current={scenario}
            onOpen={(id) => {
              setGalleryOpen(false);
              setTour(null);
              setScenario(id);
            }}
            onClose={() => setGalleryOpen(false)}
          />
        )}
      </Suspense>
    </div>
  );
}
