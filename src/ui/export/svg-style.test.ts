/**
 * The style sheet embedded in a saved ladder SVG, built from the lab's own
 * viz.css: only ladder rules, light colours only (no media blocks), and no
 * custom properties left for viewers that do not know them. Also the PNG
 * scale clamp that keeps long ladders within the browsers' canvas limits.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitScale } from './png';
import { customProperties, resolveVars, standaloneLadderCss, withoutAtBlocks } from './svg-style';

const vizCss = readFileSync(new URL('../viz/viz.css', import.meta.url), 'utf8');

describe('standaloneLadderCss', () => {
  const css = standaloneLadderCss(vizCss);

  it('keeps the ladder’s rules with their values resolved', () => {
    expect(css).toContain('.ladder-view .arrow .shaft { fill: none; stroke: #1b1f24; stroke-width: 1.3; }');
    expect(css).toContain('.ladder-view .kind-xcf .shaft { stroke: #7c3aed; stroke-dasharray: 1.5 3; stroke-width: 1.8; }');
    // Label halos match the white paper.
    expect(css).toMatch(/\.ladder-view \.arrow \.label \{[^}]*stroke: #ffffff;/);
  });

  it('leaves out media blocks, custom properties and other views’ rules', () => {
    expect(css).not.toMatch(/@media|var\(|--viz|#5eead4|topology/);
    expect(css.trimEnd().split('\n').slice(1).every((rule) => rule.startsWith('.ladder-view'))).toBe(true);
  });

  it('sets the text defaults the page gives through .viz svg text', () => {
    expect(css.split('\n')[0]).toBe('text { font-family: "DejaVu Sans", Verdana, sans-serif; font-size: 11px; fill: #1b1f24; }');
  });
});

describe('CSS helpers', () => {
  it('drop nested @-blocks whole', () => {
    expect(withoutAtBlocks('a { x: 1; }\n@media (y) { .b { z: 2; } .c { w: 3; } }\nd { v: 4; }')).toBe('a { x: 1; }\n\nd { v: 4; }');
  });

  it('resolve nested var() through declared values, then fallbacks', () => {
    const props = customProperties('.viz { --a: var(--b, #111); --c: red; }');
    expect(resolveVars('stroke: var(--a); fill: var(--c); color: var(--d, rgba(1, 2, 3, 0.5))', props)).toBe('stroke: #111; fill: red; color: rgba(1, 2, 3, 0.5)');
  });
});

describe('fitScale', () => {
  it('keeps the wanted scale when the canvas fits', () => {
    expect(fitScale(1000, 800, 2)).toBe(2);
  });

  it('shrinks a long ladder to the largest side a canvas may have', () => {
    expect(fitScale(1500, 30_000, 2) * 30_000).toBeCloseTo(16_384);
  });

  it('shrinks a wide and tall picture to the largest area', () => {
    const s = fitScale(12_000, 12_000, 2);
    expect(12_000 * s * 12_000 * s).toBeCloseTo(100_000_000, -3);
  });
});
