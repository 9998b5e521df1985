/**
 * The style sheet a standalone ladder SVG embeds: the lab's own viz.css rules,
 * made to stand on their own. Media blocks go (a saved picture has one look,
 * light, on white), and every `var(--name, fallback)` is replaced by its value,
 * since SVG viewers other than browsers (Inkscape, librsvg) may not know
 * custom properties. Pure text processing, so it is tested without a DOM.
 */

/** Most nested var() resolutions followed; the sheet's own nesting is two deep. */
const MAX_VAR_DEPTH = 8;

/** The sheet without its @-blocks (`@media … { … }`), which hold nested rules. */
export function withoutAtBlocks(css: string): string {
  let out = '';
  let i = 0;
  while (i < css.length) {
    const at = css.indexOf('@', i);
    if (at < 0) return out + css.slice(i);
    out += css.slice(i, at);
    const open = css.indexOf('{', at);
    if (open < 0) return out;
    let depth = 1;
    let j = open + 1;
    for (; j < css.length && depth > 0; j++) depth += css[j] === '{' ? 1 : css[j] === '}' ? -1 : 0;
    i = j;
  }
  return out;
}

/** Custom properties declared in `.viz { … }` blocks: name → value. */
export function customProperties(css: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const block of css.matchAll(/(^|[}\s])\.viz\s*\{([^}]*)\}/g)) {
    for (const decl of (block[2] ?? '').matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)) values.set(decl[1] ?? '', (decl[2] ?? '').trim());
  }
  return values;
}

/** `value` with every var(--name[, fallback]) replaced: the declared value, else the fallback. */
export function resolveVars(value: string, properties: ReadonlyMap<string, string>, depth = 0): string {
  if (depth > MAX_VAR_DEPTH) return value;
  const once = value.replace(/var\(\s*(--[\w-]+)\s*(?:,\s*([^()]*(?:\([^()]*\))?[^()]*))?\)/g, (_m, name: string, fallback: string | undefined) => {
    return properties.get(name) ?? fallback?.trim() ?? 'initial';
  });
  return once === value ? once : resolveVars(once, properties, depth + 1);
}

/** The page colours the saved picture uses: white paper, so halos around labels are white too. */
const PAPER = new Map([['--bg', '#ffffff']]);

/**
 * The sheet for a standalone ladder (an <svg class="ladder-view">): the
 * ladder's rules only, no @-blocks, no custom properties, and text defaults
 * that in the page come from `.viz svg text`.
 */
export function standaloneLadderCss(vizCss: string): string {
  const flat = withoutAtBlocks(vizCss).replace(/\/\*[\s\S]*?\*\//g, '');
  const properties = new Map([...customProperties(flat), ...PAPER]);
  const rules: string[] = [];
  for (const rule of flat.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const selector = (rule[1] ?? '').trim().replace(/\s+/g, ' ');
    if (!selector.includes('.ladder-view')) continue;
    const body = (rule[2] ?? '').trim().replace(/\s+/g, ' ');
    rules.push(`${selector} { ${resolveVars(body, properties)} }`);
  }
  const text = resolveVars('text { font-family: "DejaVu Sans", Verdana, sans-serif; font-size: 11px; fill: var(--fg, #1b1f24); }', properties);
  return `${[text, ...rules].join('\n')}\n`;
}
