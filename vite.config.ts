/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

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
  plugins: [react(), contentSecurityPolicy()],
  build: { target: 'es2022', sourcemap: true },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
