/**
 * Links to what the lab shows now. The query form (`?scenario=…&seed=…&step=…`)
 * names a built-in scenario; mode flags (`embed=1`, `presenter=1`) ride along.
 */
import type { LabMode } from './lab-store';

/** What a link carries. */
export interface LinkState {
  readonly scenario: string;
  readonly seed: number;
  readonly step: number;
}

/** The page's address for this state and mode, keeping any fragment (a share link) as it is. */
export function labUrl(base: { origin: string; pathname: string; hash: string }, state: LinkState, mode: LabMode): string {
  const q = new URLSearchParams({ scenario: state.scenario, seed: String(state.seed) });
  if (state.step >= 0) q.set('step', String(state.step));
  if (mode !== 'lab') q.set(mode, '1');
  return `${base.origin}${base.pathname}?${q.toString()}${base.hash}`;
}

/** The `<iframe>` snippet that embeds the lab at this state; the title is escaped as an attribute. */
export function embedSnippet(url: string, title: string): string {
  const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<iframe src="${attr(url)}" title="${attr(`Handoff Lab: ${title}`)}" width="960" height="720" style="border:0" loading="lazy"></iframe>`;
}
