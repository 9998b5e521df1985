import { describe, expect, it } from 'vitest';
import { parseRules, specificity } from './svg-inline';

describe('the ladder sheet as presentation attributes', () => {
  it('weighs selectors as the cascade does for classes, attributes and elements', () => {
    expect(specificity('.ladder-view .arrow .shaft')).toBe(30);
    expect(specificity(".ladder-view .row[data-current='true'] text")).toBe(31);
    expect(specificity('text')).toBe(1);
  });
  it('keeps presentation properties only, splits selector lists, drops interactive states, orders by specificity then source', () => {
    const rules = parseRules(`
      .a .b { fill: red; cursor: pointer; }
      text { font-size: 11px; }
      .a .c, .a .d { stroke: blue !important; }
      .a .b:focus-visible { stroke: green; }
      .a .b { fill: var-free-value; }`);
    expect(rules.map((r) => r.selector)).toEqual(['text', '.a .b', '.a .c', '.a .d', '.a .b']);
    expect(rules[1]?.declarations).toEqual([['fill', 'red']]);
    expect(rules[2]?.declarations).toEqual([['stroke', 'blue']]);
    expect(rules[4]?.declarations).toEqual([['fill', 'var-free-value']]);
  });
});
