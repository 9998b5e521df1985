/**
 * Keep the address and the autosave in step with the lab: a short while after
 * the state stops changing (so playing does not rewrite the address 60 times a
 * second), encode it and replace the fragment; save it for the next visit.
 * Embed mode leaves both alone: the iframe's host owns its link, and an
 * embedded view should not overwrite the person's own lab.
 */
import { encodeShare } from '../../share/codec';
import { useLabStore, type LabState } from '../store/lab-store';
import { docFromState } from './share-state';
import { AUTOSAVE_KEY } from './keys';
import { safeStorage } from './startup';

/** Quiet time before the address follows the state. */
const SETTLE_MS = 300;

/** The fragment (`#v1.…`) for the lab's state. */
export function fragmentOf(s: LabState): Promise<string> {
  return encodeShare(docFromState(s));
}

/** The address of the lab at this fragment, keeping the mode flags of the query. */
export function linkTo(loc: { origin: string; pathname: string; search: string }, fragment: string, keepMode = true): string {
  const params = new URLSearchParams(loc.search);
  const kept = new URLSearchParams();
  for (const flag of ['embed', 'presenter']) if (keepMode && params.get(flag) === '1') kept.set(flag, '1');
  const query = kept.toString();
  return `${loc.origin}${loc.pathname}${query ? `?${query}` : ''}${fragment}`;
}

function shared(s: LabState): unknown[] {
  return [s.scenario, s.seed, s.step, s.selected, s.edits, s.faults, s.crash, s.refusing, s.title, s.panels];
}

/** Start following the store; returns the stop. */
export function startShareSync(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  const write = (s: LabState): void => {
    const mine = ++generation;
    fragmentOf(s).then(
      (fragment) => {
        if (mine !== generation || s.mode === 'embed') return;
        history.replaceState(history.state, '', linkTo(location, fragment));
        try {
          safeStorage()?.setItem(AUTOSAVE_KEY, fragment);
        } catch {
          // storage full or refused: the address still holds the state
        }
      },
      () => undefined, // a state too large to share stays unsaved; the Copy link dialog says why
    );
  };
  const schedule = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => write(useLabStore.getState()), SETTLE_MS);
  };
  const unsubscribe = useLabStore.subscribe((s, prev) => {
    // Runs on every store change (every step while playing): compare the two lists once.
    const before = shared(prev);
    if (!shared(s).every((x, i) => x === before[i])) schedule();
  });
  // The sync loads after the first render; whatever changed before it started is written now.
  schedule();
  return () => {
    clearTimeout(timer);
    unsubscribe();
  };
}
