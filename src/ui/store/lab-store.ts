/**
 * UI state only (which run to show and how): the simulation and its trace live
 * outside React and are derived from this state. The initial state is read from
 * the page URL (`?seed=N&faults=1`), so a link reproduces a run.
 */
import { create } from 'zustand';

/** What the user has chosen. */
export interface LabState {
  readonly seed: number;
  readonly faults: boolean;
  /** A problem with the URL the page was opened with, shown as an alert. */
  readonly urlError: string | null;
  readonly setSeed: (seed: number) => void;
  readonly setFaults: (faults: boolean) => void;
}

/** The largest seed: seeds are unsigned 32-bit integers. */
export const MAX_SEED = 0xffff_ffff;

/** Parse `?seed=` and `?faults=`; a bad value gives the default and an error text. */
export function parseLabQuery(search: string): Pick<LabState, 'seed' | 'faults' | 'urlError'> {
  const params = new URLSearchParams(search);
  const rawSeed = params.get('seed');
  const faults = params.get('faults') === '1';
  if (rawSeed === null) return { seed: 1, faults, urlError: null };
  const seed = Number(rawSeed);
  if (!/^\d+$/.test(rawSeed) || !Number.isSafeInteger(seed) || seed > MAX_SEED) {
    return { seed: 1, faults, urlError: `The link's seed "${rawSeed.slice(0, 40)}" is not an integer from 0 to ${MAX_SEED}; showing seed 1 instead.` };
  }
  return { seed, faults, urlError: null };
}

/** The lab's UI store. */
export const useLabStore = create<LabState>()((set) => ({
  ...parseLabQuery(typeof location === 'undefined' ? '' : location.search),
  setSeed: (seed) => set({ seed }),
  setFaults: (faults) => set({ faults }),
}));
