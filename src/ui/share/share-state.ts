/**
 * The lab's state as a share document and back. A document's `params` are
 * the run's parameters (editor overrides with the forks on top), so a link
 * replays the same run; decoding splits them into forks and overrides again.
 */
import { CURRENT_VERSION, type ShareDocument } from '../../share/document';
import { combineParams, paramsToForks } from '../../share/forks';
import type { RestoredState } from '../store/lab-store';

/** The part of the lab's state a link carries. */
export type SharedState = RestoredState;

/** The document for the lab's state; empty parts are left out, so links stay short. */
export function docFromState(s: SharedState): ShareDocument {
  const params = combineParams(s.scenario, s.edits, { faults: s.faults, crash: s.crash, refusing: s.refusing });
  const view: { step?: number; selected?: number; panels?: string[] } = {};
  if (s.step >= 0) view.step = s.step;
  if (s.selected !== null) view.selected = s.selected;
  if (s.panels.length > 0) view.panels = [...s.panels];
  return {
    v: CURRENT_VERSION,
    scenario: s.scenario,
    seed: s.seed,
    ...(Object.keys(params).length > 0 ? { params } : {}),
    ...(s.title.trim() !== '' ? { title: s.title.trim() } : {}),
    ...(Object.keys(view).length > 0 ? { view } : {}),
  };
}

/** The lab's state for a (validated) document. */
export function stateFromDoc(doc: ShareDocument): SharedState {
  const { forks, edits } = paramsToForks(doc.scenario, doc.params ?? {});
  return {
    scenario: doc.scenario,
    seed: doc.seed,
    step: doc.view?.step ?? -1,
    selected: doc.view?.selected ?? null,
    edits,
    ...forks,
    title: doc.title ?? '',
    panels: doc.view?.panels ?? [],
  };
}

/**
 * Deep-link overrides after the document: `#v1.…&step=N&packet=M` jumps to
 * step N and selects event M. The base64url alphabet has no `&`, so the split is unambiguous.
 */
export function splitDeepLink(fragment: string): { link: string; step?: number; selected?: number } {
  const [link = '', ...extras] = fragment.split('&');
  const out: { link: string; step?: number; selected?: number } = { link };
  for (const extra of extras) {
    const m = /^(step|packet)=(\d{1,9})$/.exec(extra);
    if (!m) continue;
    if (m[1] === 'step') out.step = Number(m[2]);
    else out.selected = Number(m[2]);
  }
  return out;
}
