/** Built by vite.config.ts from src/scenarios/registry.ts: the scenarios' words without their code. */
declare module 'virtual:scenario-catalog' {
  export const SCENARIO_CATALOG: readonly { readonly id: string; readonly title: string; readonly description: string; readonly claims: readonly number[] }[];
}
