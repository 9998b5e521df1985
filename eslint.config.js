// ESLint flat config. The rules for src/sim and src/machines keep the simulation
// deterministic and layered; src/sim/core/lint-rules.test.ts proves they fire.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const clockAndRandomGlobals = [
  { name: 'setTimeout', message: 'Schedule on the simulation clock (Scheduler.at / after) instead.' },
  { name: 'setInterval', message: 'Schedule on the simulation clock (Scheduler.at / after) instead.' },
  { name: 'setImmediate', message: 'Schedule on the simulation clock (Scheduler.at / after) instead.' },
  { name: 'requestAnimationFrame', message: 'Animation belongs to the UI layer; the simulation has no frames.' },
  { name: 'performance', message: 'Read simulated time (Scheduler.now) instead of the wall clock.' },
  { name: 'Date', message: 'Read simulated time (Scheduler.now) instead of the wall clock.' },
  { name: 'crypto', message: 'Draw from the seeded PRNG stream (Prng.child) instead.' },
  { name: 'window', message: 'The simulation core has no DOM.' },
  { name: 'document', message: 'The simulation core has no DOM.' },
];

export const determinismRules = {
  'no-restricted-globals': ['error', ...clockAndRandomGlobals],
  'no-restricted-properties': [
    'error',
    { object: 'Math', property: 'random', message: 'Draw from the seeded PRNG stream (Prng.child) instead.' },
    { object: 'Date', property: 'now', message: 'Read simulated time (Scheduler.now) instead of the wall clock.' },
    { object: 'performance', property: 'now', message: 'Read simulated time (Scheduler.now) instead.' },
    { object: 'globalThis', property: 'setTimeout', message: 'Schedule on the simulation clock instead.' },
    { object: 'crypto', property: 'randomUUID', message: 'Draw from the seeded PRNG stream instead.' },
  ],
};

const layerImports = (patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'test-results/**', 'playwright-report/**', 'node_modules/**', 'out/**', 'tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      ecmaVersion: 2022,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [{ name: 'd3', message: 'Import the d3 module you need (d3-selection, d3-scale, …).' }] }],
    },
  },
  {
    // Plain JavaScript (configs, recording scripts) is linted without type information.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.js', '**/*.mjs', '*.config.ts', 'scripts/**', 'e2e/**', 'src/cli/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Code inside page.evaluate() runs in the browser.
    files: ['scripts/bench-ui.mjs'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    files: ['src/sim/**/*.ts', 'src/machines/**/*.ts', 'src/scenarios/**/*.ts'],
    ignores: ['**/*.test.ts', '**/test/**'],
    rules: determinismRules,
  },
  {
    // The kernel stands alone: no UI, no machines, no React, no XState.
    files: ['src/sim/**/*.ts'],
    rules: layerImports([
      { group: ['**/ui/**', '**/machines/**', '**/scenarios/**', '**/cli/**'], message: 'src/sim imports nothing above it.' },
      { group: ['react', 'react-*', 'xstate', '@xstate/*', 'zustand', 'd3*'], message: 'src/sim stays free of UI and machine libraries.' },
    ]),
  },
  {
    files: ['src/machines/**/*.ts', 'src/scenarios/**/*.ts'],
    rules: layerImports([
      { group: ['**/ui/**', '**/cli/**'], message: 'The simulation imports nothing of the UI or the CLI.' },
      { group: ['react', 'react-*', 'zustand', 'd3*'], message: 'The simulation stays free of UI libraries.' },
    ]),
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/main.tsx'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: { ...reactHooks.configs.recommended.rules, 'react-hooks/exhaustive-deps': 'error', 'react-hooks/rules-of-hooks': 'error' },
  },
);
