/**
 * Exports of a lab run: pcap files per capture point, the ladder as Mermaid,
 * SVG or PNG, the scenario file, the event log. The text and byte builders
 * are pure; ladderSvg, svgDocument, pngBlob and download need a DOM.
 */
export { mermaidSequence, mermaidText, MERMAID_MAX_MESSAGES, type MermaidOptions, type MermaidSlot } from './mermaid';
export { eventLogText } from './event-log';
export { captureFileName, pcapFile, pcapFiles, pcapPoints, type ExportFile } from './pcap-files';
export { scenarioJson, type ScenarioSource } from './scenario-json';
export { ladderSvg, svgDocument, type LadderSvgOptions } from './svg';
export { standaloneLadderCss } from './svg-style';
export { fitScale, pngBlob } from './png';
export { download } from './download';

/** The start of every exported file's name: which scenario and seed it comes from. */
export function exportBaseName(run: { readonly scenario: string; readonly seed: number }): string {
  return `${run.scenario.replace(/[^A-Za-z0-9_-]/g, '_')}-seed${run.seed}`;
}
