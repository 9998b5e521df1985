/**
 * What the lab opens on: a share link in the fragment (with `&step=`/`&packet=`
 * deep-link overrides), else — when the address names nothing — the autosave
 * of the last visit. A broken link gives a message and the default scenario;
 * a broken autosave is dropped quietly (it is the lab's own data, not the person's).
 */
import { decodeShare } from '../../share/codec';
import { AUTOSAVE_KEY } from './keys';
import { splitDeepLink, stateFromDoc, type SharedState } from './share-state';

/** What startup found. */
export interface Restored {
  readonly state?: SharedState;
  readonly error?: string;
  readonly source: 'link' | 'autosave' | 'none';
}

/** Storage may be missing or refuse (private windows, sandboxed iframes). */
export function safeStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** Decode the page's link or the autosave. Never throws. */
export async function restoreAtStartup(loc: { hash: string; search: string }, storage: Storage | null): Promise<Restored> {
  if (loc.hash.length > 1) return fromLink(loc.hash.slice(1));
  if (new URLSearchParams(loc.search).has('scenario')) return { source: 'none' };
  return fromAutosave(storage);
}

async function fromLink(fragment: string): Promise<Restored> {
  const deep = splitDeepLink(fragment);
  const decoded = await decodeShare(`#${deep.link}`);
  if (!decoded.ok) return { source: 'link', error: `This link could not be opened (${decoded.error}); showing the default scenario instead.` };
  const state = stateFromDoc(decoded.doc);
  return { source: 'link', state: { ...state, step: deep.step ?? state.step, selected: deep.selected ?? state.selected } };
}

async function fromAutosave(storage: Storage | null): Promise<Restored> {
  let saved: string | null;
  try {
    saved = storage?.getItem(AUTOSAVE_KEY) ?? null;
  } catch {
    return { source: 'none' };
  }
  if (!saved) return { source: 'none' };
  const decoded = await decodeShare(saved);
  if (decoded.ok) return { source: 'autosave', state: stateFromDoc(decoded.doc) };
  try {
    storage?.removeItem(AUTOSAVE_KEY);
  } catch {
    // nothing to clean
  }
  return { source: 'none' };
}
