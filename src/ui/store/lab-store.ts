/**
 * UI state only — which run to show, where the timeline stands, what is
 * selected and how fast it plays. The simulation and its trace live outside
 * React and are derived from (scenario, seed). The initial state is read from
 * the page URL (`?scenario=…&seed=…&step=…`), so a link reproduces a view; a
 * bad value falls back to the default and says why.
 */
import { create } from 'zustand';
import { scenarioInfo } from '../../scenarios/catalog';
import type { ScriptedFault } from '../../scenarios/scripted-faults';

/** The scenario the lab opens on. */
export const DEFAULT_SCENARIO = 'http-transfer';
/** The largest seed: seeds are unsigned 32-bit integers. */
export const MAX_SEED = 0xffff_ffff;

/**
 * How the page is laid out: the full lab; presenter mode (large type, high
 * contrast, clicker keys, no editor); or embed mode (`?embed=1`: minimal chrome
 * for an iframe).
 */
export type LabMode = 'lab' | 'presenter' | 'embed';

/** What the user has chosen. */
export interface LabState {
  readonly mode: LabMode;
  /** Presenter mode's blank screen (a clicker's `.` key), as in slide software. */
  readonly blanked: boolean;
  readonly scenario: string;
  readonly seed: number;
  /** Index of the current step (trace entry); −1 before the first. */
  readonly step: number;
  readonly playing: boolean;
  /**
   * The step the slower panels (narration, tables, state diagram, claims, exports) show while
   * playing: playback refreshes it a few times a second instead of on every step (see
   * `panelStepOf`). Meaningless while paused, when they show `step`.
   */
  readonly heldStep: number;
  /** Steps per second while playing. */
  readonly speed: number;
  /** A trace entry picked for the inspector. */
  readonly selected: number | null;
  /**
   * The client whose connection the scale view's ladder ("Connection shown") and the topology's owner
   * follow, when one was chosen; a new selection moves the focus to its client instead (null here).
   * Cleared with the run (scenario, seed, edits); not part of a share link.
   */
  readonly ladderFocus: string | null;
  readonly setLadderFocus: (client: string | null) => void;
  readonly urlError: string | null;
  readonly shortcutsOpen: boolean;
  /** Faults added by clicking on objects: the run forks where the first one bites. */
  readonly faults: readonly ScriptedFault[];
  /** A stack crashed by clicking it, and when. */
  readonly crash: { readonly stack: string; readonly atUs: number } | null;
  /** Target apps made to refuse by clicking them. */
  readonly refusing: readonly string[];
  /** Parameters changed in the scenario editor: overrides of the built-in scenario's defaults. */
  readonly edits: Readonly<Record<string, unknown>>;
  /** Run the scenario with these overrides (validated by the editor); forks are cleared, they named the old run's packets. */
  readonly applyEdits: (edits: Readonly<Record<string, unknown>>) => void;
  /** A label a person gave the shared view (plain text, shown as text). */
  readonly title: string;
  /** Panels that are open (a link reopens them): 'editor', 'events', 'export'. */
  readonly panels: readonly string[];
  readonly setPanel: (name: string, open: boolean) => void;
  readonly setTitle: (title: string) => void;
  /** Replace what a link or the autosave restores, in one update. */
  readonly restore: (state: RestoredState) => void;
  readonly setMode: (mode: LabMode) => void;
  readonly toggleBlank: () => void;
  readonly addFault: (fault: ScriptedFault) => void;
  readonly crashStack: (stack: string, atUs: number) => void;
  readonly makeRefuse: (app: string) => void;
  readonly clearForks: () => void;
  readonly setScenario: (scenario: string) => void;
  readonly setSeed: (seed: number) => void;
  readonly setStep: (step: number) => void;
  readonly setPlaying: (playing: boolean) => void;
  /** Playback's advance: the new step, and whether the slower panels catch up with it now. */
  readonly playTo: (step: number, refreshPanels: boolean) => void;
  readonly setSpeed: (speed: number) => void;
  readonly select: (index: number | null) => void;
  readonly setShortcutsOpen: (open: boolean) => void;
}

/** What a share link or the autosave carries. */
export interface RestoredState {
  readonly scenario: string;
  readonly seed: number;
  readonly step: number;
  readonly selected: number | null;
  readonly edits: Readonly<Record<string, unknown>>;
  readonly faults: readonly ScriptedFault[];
  readonly crash: { readonly stack: string; readonly atUs: number } | null;
  readonly refusing: readonly string[];
  readonly title: string;
  readonly panels: readonly string[];
}

interface FromUrl {
  mode: LabMode;
  scenario: string;
  seed: number;
  step: number;
  urlError: string | null;
}

/** Parse `?scenario=`, `?seed=` and `?step=`; bad values give defaults and an error text. */
export function parseLabQuery(search: string): FromUrl {
  const params = new URLSearchParams(search);
  const errors: string[] = [];
  const rawScenario = params.get('scenario');
  let scenario = DEFAULT_SCENARIO;
  if (rawScenario !== null) {
    if (scenarioInfo(rawScenario)) scenario = rawScenario;
    else errors.push(`The link names an unknown scenario "${rawScenario.slice(0, 40)}"; showing ${DEFAULT_SCENARIO}.`);
  }
  const rawSeed = params.get('seed');
  let seed = 1;
  if (rawSeed !== null) {
    const n = Number(rawSeed);
    if (/^\d+$/.test(rawSeed) && Number.isSafeInteger(n) && n <= MAX_SEED) seed = n;
    else errors.push(`The link's seed "${rawSeed.slice(0, 40)}" is not an integer from 0 to ${MAX_SEED}; showing seed 1 instead.`);
  }
  const rawStep = params.get('step');
  let step = -1;
  if (rawStep !== null) {
    const n = Number(rawStep);
    if (/^\d+$/.test(rawStep) && Number.isSafeInteger(n)) step = n;
    else errors.push(`The link's step "${rawStep.slice(0, 40)}" is not a step number; starting at the beginning.`);
  }
  return { mode: parseMode(params), scenario, seed, step, urlError: errors.length > 0 ? errors.join(' ') : null };
}

/** `?embed=1` wins over `?presenter=1`: an iframe has no room for presenter chrome. */
function parseMode(params: URLSearchParams): LabMode {
  if (params.get('embed') === '1') return 'embed';
  if (params.get('presenter') === '1') return 'presenter';
  return 'lab';
}

/**
 * The step the slower panels follow: `step` while paused; while playing, the step playback last
 * refreshed them to (a few times a second — nobody reads a table at 100 steps per second, and
 * re-rendering them on every step cost more than the views that must follow it).
 */
export const panelStepOf = (s: Pick<LabState, 'playing' | 'step' | 'heldStep'>): number => (s.playing ? s.heldStep : s.step);

/** The lab's UI store. */
export const useLabStore = create<LabState>()((set) => ({
  ...parseLabQuery(typeof location === 'undefined' ? '' : location.search),
  playing: false,
  heldStep: -1,
  speed: 8,
  selected: null,
  shortcutsOpen: false,
  blanked: false,
  setMode: (mode) => set({ mode, blanked: false }),
  toggleBlank: () => set((s) => ({ blanked: s.mode === 'presenter' && !s.blanked })),
  faults: [],
  crash: null,
  refusing: [],
  addFault: (fault) => set((s) => ({ faults: [...s.faults, fault], playing: false })),
  crashStack: (stack, atUs) => set({ crash: { stack, atUs }, playing: false }),
  makeRefuse: (app) => set((s) => ({ refusing: s.refusing.includes(app) ? s.refusing : [...s.refusing, app], playing: false })),
  clearForks: () => set({ faults: [], crash: null, refusing: [] }),
  title: '',
  panels: [],
  setPanel: (name, open) => set((s) => ({ panels: open ? (s.panels.includes(name) ? s.panels : [...s.panels, name]) : s.panels.filter((p) => p !== name) })),
  setTitle: (title) => set({ title }),
  restore: (state) => set({ ...state, playing: false, ladderFocus: null }),
  edits: {},
  applyEdits: (edits) => set({ edits, step: -1, selected: null, ladderFocus: null, playing: false, faults: [], crash: null, refusing: [] }),
  setScenario: (scenario) => set({ scenario, edits: {}, step: -1, selected: null, ladderFocus: null, playing: false, faults: [], crash: null, refusing: [] }),
  setSeed: (seed) => set({ seed, step: -1, selected: null, ladderFocus: null, playing: false, faults: [], crash: null, refusing: [] }),
  setStep: (step) => set({ step }),
  setPlaying: (playing) => set((s) => ({ playing, heldStep: s.step })),
  playTo: (step, refreshPanels) => set(refreshPanels ? { step, heldStep: step } : { step }),
  setSpeed: (speed) => set({ speed }),
  // A new selection (a packet or step clicked anywhere) moves the focus to that selection's client.
  select: (selected) => set((s) => (selected !== null && selected !== s.selected ? { selected, ladderFocus: null } : { selected })),
  ladderFocus: null,
  setLadderFocus: (ladderFocus) => set({ ladderFocus }),
  setShortcutsOpen: (shortcutsOpen) => set({ shortcutsOpen }),
}));
