/** Where the autosave of the lab's state lives in localStorage (read at startup, written by the share sync). */
export const AUTOSAVE_KEY = 'handoff-lab.autosave';
