/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { BUILT_IN_SCENARIOS } from './src/scenarios/registry';

/**
 * The Content-Security-Policy the built lab ships: scripts only from its own
 * files (no inline scripts, no eval), styles only from its own files (React and
 * D3 set styles through the CSSOM, which CSP allows), images also from data:
 * and blob: URLs (the PNG/SVG exports), no plugins, no forms posting anywhere.
 * Only on build: the dev server injects an inline React-refresh preamble.
 * A <meta> CSP cannot carry frame-ancestors, so the lab stays embeddable.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

/**
 * `virtual:scenario-catalog`: the built-in scenarios' ids, titles,
 * descriptions and claims, read from the registry when the config loads. The
 * page's first load takes these words instead of the registry, whose
 * scenarios (and the whole simulation) load with the simulation worker.
 */
function scenarioCatalog(): Plugin {
  const id = 'virtual:scenario-catalog';
  const resolved = `\0${id}`;
  const entries = BUILT_IN_SCENARIOS.map((s) => ({ id: s.id, title: s.title, description: s.description, claims: [...s.claims] }));
  return {
    name: 'handoff-lab-scenario-catalog',
    resolveId: (source) => (source === id ? resolved : undefined),
    load: (source) => (source === resolved ? `export const SCENARIO_CATALOG = ${JSON.stringify(entries)};` : undefined),
  };
}

function contentSecurityPolicy(): Plugin {
  return {
    name: 'handoff-lab-csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
  };
}

// `base: './'` keeps the built lab working from any static host, also under a sub-path.
export default defineConfig({
  base: './',
  plugins: [react(), scenarioCatalog(), contentSecurityPolicy()],
  build: { target: 'es2022', sourcemap: true },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
