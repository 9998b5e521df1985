/**
 * Small helpers every D3 renderer shares: a named child layer created once,
 * and a per-element signature check so an idempotent render can skip what did
 * not change between steps (the result stays a pure function of the model).
 */
import type { Selection } from 'd3-selection';

/** The <g> a renderer draws into. */
export type Parent = Selection<SVGGElement, unknown, null, undefined>;

/** The child <g class="name"> of `parent`, created once. */
export function layer(parent: Parent, name: string): Parent {
  const existing = parent.select<SVGGElement>(`:scope > g.${name}`);
  if (!existing.empty()) return existing;
  return parent.append('g').attr('class', name);
}

/** True when `node` was last drawn from the same signature; else records it. */
export function unchanged(node: Element, signature: string): boolean {
  if (node.getAttribute('data-sig') === signature) return true;
  node.setAttribute('data-sig', signature);
  return false;
}
