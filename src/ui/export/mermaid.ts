/**
 * The ladder as Mermaid `sequenceDiagram` text, for pasting into Markdown
 * (GitHub, GitLab and most wikis draw it). One participant per ladder lane,
 * one message per packet with the ladder's Wireshark-style label, sysplex
 * control and XCF datagrams as dotted arrows, dropped packets as crossed
 * arrows, transfer steps as notes. Every piece of text from the run goes
 * through `mermaidText`, so nothing in a label can end a statement or start a
 * directive. Pure.
 */
import type { LabRun } from '../viewmodel/lab-run';
import { buildLadder, type Lane, type LadderArrow, type LadderMarker } from '../viewmodel/ladder-model';

/** Most messages written; a diagram much longer than this is unreadable and slow to draw. */
export const MERMAID_MAX_MESSAGES = 2_000;

/** Longest label kept, in characters (before escaping). */
const MAX_LABEL_CHARS = 200;

/** Options of mermaidSequence. */
export interface MermaidOptions {
  /** The step the ladder stands at (default: the last one, the whole run). */
  readonly step?: number;
  /** The selected event: picks the client shown when the run has too many to draw them all. */
  readonly selected?: number | null;
  /** Most messages (packets and notes) to write. */
  readonly maxMessages?: number;
}

/** Where text goes: a message, note or title runs to the end of the line; an alias also ends at `,` and `@`. */
export type MermaidSlot = 'message' | 'alias';

/**
 * Characters escaped in every slot: `;` and `#` end a statement, `%` starts a
 * comment, braces a directive, `:` ends an alias (and "wrap:" at the start of a
 * message is read as a directive); `<` `>` `"` `&`, the backslash and the
 * backquote would reach the HTML label as markup.
 */
const SPECIAL_IN_TEXT = /[;#%{}:<>"&\\`]/g;
/** In an alias, also the characters that end it. */
const SPECIAL_IN_ALIAS = /[;#%{}:<>"&\\`,@]/g;

/**
 * Text made safe for a Mermaid sequence-diagram slot. Control characters and
 * line breaks become spaces; characters the grammar gives a meaning become
 * Mermaid entity codes (`;` → `#59;`), which Mermaid decodes back when it
 * draws, so the reader sees the original text.
 */
export function mermaidText(raw: string, slot: MermaidSlot = 'message'): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const flat = raw.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  const short = flat.length > MAX_LABEL_CHARS ? `${flat.slice(0, MAX_LABEL_CHARS - 1)}…` : flat;
  const escaped = short.replace(slot === 'alias' ? SPECIAL_IN_ALIAS : SPECIAL_IN_TEXT, (c) => `#${c.charCodeAt(0)};`);
  // An empty slot would leave a dangling "as" or ":".
  return escaped.length === 0 ? '-' : escaped;
}

/** A participant id: letters, digits and underscores, prefixed so it is never a keyword (end, loop, note…). */
function participantId(lane: Lane, index: number): string {
  return `p${index}_${lane.id.replace(/^(node|app):/, '').replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** "routing-stack" → "routing stack": the role as the ladder's lane header words it. */
const roleText = (role: Lane['role']): string => role.replace('-', ' ');

/** The arrow for a message: solid for TCP and plain UDP, dotted for control and XCF, crossed when dropped. */
function arrowOf(a: LadderArrow): string {
  const dotted = a.kind === 'control' || a.kind === 'xcf';
  if (a.status === 'dropped') return dotted ? '--x' : '-x';
  return dotted ? '-->>' : '->>';
}

function messageLabel(a: LadderArrow): string {
  if (a.status === 'dropped') return `✗ ${a.label} (dropped: ${a.dropReason ?? 'lost'})`;
  if (a.status === 'in-flight') return `${a.label} (in flight)`;
  return a.label;
}

type Item = { readonly at: number; readonly line: string };

/** The ladder of `run` up to a step as a Mermaid sequence diagram. */
export function mermaidSequence(run: LabRun, options: MermaidOptions = {}): string {
  const step = options.step ?? run.events.length - 1;
  // Every row: the export is a document of the run, not the on-screen window.
  const model = buildLadder(run, step, { selected: options.selected ?? null, maxRows: Number.MAX_SAFE_INTEGER });
  const ids = new Map(model.lanes.map((lane, i) => [lane.id, participantId(lane, i)]));
  const lines = ['sequenceDiagram', `  title ${mermaidText(`${run.title} — scenario ${run.scenario}, seed ${run.seed}, up to step ${model.step}`)}`];
  for (const lane of model.lanes) lines.push(`  participant ${ids.get(lane.id) ?? ''} as ${mermaidText(`${lane.label} (${roleText(lane.role)})`, 'alias')}`);
  const first = model.lanes[0];
  if (!first) return `${lines.join('\n')}\n`;
  const firstId = ids.get(first.id) ?? '';
  if (model.note) lines.push(`  Note over ${firstId}: ${mermaidText(model.note)}`);
  const items = [...model.arrows.map((a) => arrowItem(a, ids)), ...model.markers.filter((m) => m.kind === 'transfer').map((m) => noteItem(m, ids))];
  // Messages in the order they happen: by the step that sends them (a note sorts before a send of the same step).
  items.sort((x, y) => x.at - y.at);
  const max = Math.max(0, options.maxMessages ?? MERMAID_MAX_MESSAGES);
  for (const item of items.slice(0, max)) lines.push(`  ${item.line}`);
  const left = items.length - max;
  if (left > 0) lines.push(`  Note over ${firstId}: ${mermaidText(`${left} more messages left out (the first ${max} are shown)`)}`);
  return `${lines.join('\n')}\n`;
}

function arrowItem(a: LadderArrow, ids: ReadonlyMap<string, string>): Item {
  const from = ids.get(a.fromLane) ?? '';
  // A drop the trace gives no destination for is drawn back to its sender.
  const to = a.toLane === null ? from : (ids.get(a.toLane) ?? from);
  return { at: a.eventIndex + 0.5, line: `${from}${arrowOf(a)}${to}: ${mermaidText(messageLabel(a))}` };
}

function noteItem(m: LadderMarker, ids: ReadonlyMap<string, string>): Item {
  return { at: m.eventIndex, line: `Note over ${ids.get(m.lane) ?? ''}: ${mermaidText(m.detail)}` };
}
