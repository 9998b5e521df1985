/**
 * The ladder's style sheet as SVG presentation attributes on each element.
 * A saved SVG carries no <style> element and no style="" attribute: the lab's
 * Content-Security-Policy (style-src 'self') also governs an SVG drawn from a
 * blob: URL (the PNG export), where it would block them, and presentation
 * attributes are read by every SVG viewer. Rules apply by specificity, then
 * source order, as the cascade would; interactive states (:focus, :hover)
 * are left out, since a file has none.
 */

/** CSS properties that are also SVG presentation attributes (the ones the ladder's sheet uses, and their kin). */
const PRESENTATION = new Set([
  'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'stroke-linecap', 'stroke-linejoin',
  'opacity', 'font-family', 'font-size', 'font-weight', 'font-style', 'text-anchor', 'dominant-baseline', 'text-decoration',
  'paint-order', 'visibility', 'display', 'letter-spacing',
]);

interface Rule {
  readonly selector: string;
  readonly specificity: number;
  readonly order: number;
  readonly declarations: readonly (readonly [string, string])[];
}

/** Ids weigh 100, classes/attributes/pseudo-classes 10, element names 1: enough for this sheet's selectors. */
export function specificity(selector: string): number {
  const ids = (selector.match(/#[\w-]+/g) ?? []).length;
  const classes = (selector.match(/\.[\w-]+|\[[^\]]*\]|:[\w-]+/g) ?? []).length;
  const elements = (selector.replace(/\[[^\]]*\]/g, '').match(/(^|[\s>+~])[a-zA-Z][\w-]*/g) ?? []).length;
  return ids * 100 + classes * 10 + elements;
}

/** The sheet's rules, one per selector of a selector list, in cascade order. */
export function parseRules(css: string): Rule[] {
  const rules: Rule[] = [];
  let order = 0;
  for (const m of css.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const declarations = (m[2] ?? '')
      .split(';')
      .map((d) => d.split(':'))
      .filter((parts) => parts.length >= 2)
      .map(([name, ...value]) => [(name ?? '').trim(), value.join(':').replace(/!important/g, '').trim()] as const)
      .filter(([name, value]) => PRESENTATION.has(name) && value !== '');
    for (const selector of (m[1] ?? '').split(',').map((s) => s.trim())) {
      if (selector === '' || selector.includes(':')) continue;
      rules.push({ selector, specificity: specificity(selector), order: order++, declarations });
    }
  }
  return rules.sort((a, b) => a.specificity - b.specificity || a.order - b.order);
}

/** Set each rule's declarations as attributes on the elements of `root` (itself included) that match it. */
export function inlineRules(root: Element, css: string): void {
  for (const rule of parseRules(css)) {
    const matches = [...(root.matches(rule.selector) ? [root] : []), ...Array.from(root.querySelectorAll(rule.selector))];
    for (const el of matches) for (const [name, value] of rule.declarations) el.setAttribute(name, value);
  }
}
