/**
 * The field tree the inspector shows: one Field per line of the packet
 * details, with offsets into the datagram's bytes, and the helpers that walk it
 * — byte leaves for linking tree and hex dump, the visible rows, and WAI-ARIA
 * tree and byte-cursor keyboard moves. Pure: no DOM, no React.
 */
/** One line of the packet details. Offsets count from the first byte of the IPv4 header. */
export interface Field {
  /** Unique within a packet, dotted like a display filter: "tcp.srcport", "hlsx.inner.repair.snd_nxt". */
  readonly id: string;
  /** What the tree shows, e.g. "Source Port: 40109". */
  readonly label: string;
  readonly offset: number;
  /** In bytes; a sub-byte field gives its containing bytes and a `bits` note. */
  readonly length: number;
  /** The value alone, e.g. "40109". */
  readonly value: string;
  /** For a field narrower than its bytes: its bits, Wireshark style ("0100 ...."). */
  readonly bits?: string;
  /** What is wrong with these bytes, when they are malformed. */
  readonly error?: string;
  readonly children?: readonly Field[];
}

/** A field as the tree shows it: its depth and place among its siblings. */
export interface VisibleField {
  readonly field: Field;
  /** 1 for top-level fields (aria-level). */
  readonly level: number;
  readonly parentId: string | null;
  /** null when the field has no children. */
  readonly expanded: boolean | null;
  readonly posInSet: number;
  readonly setSize: number;
}


// ---------------------------------------------------------------- tree helpers

/** True for a field that owns its bytes: no children, or only bit fields that split its bytes. */
export function isByteLeaf(f: Field): boolean {
  return !f.children || f.children.every((c) => c.bits !== undefined);
}

/** The byte leaves, in order: together they cover every byte of the packet exactly once. */
export function byteLeaves(fields: readonly Field[]): Field[] {
  return fields.flatMap((f) => (isByteLeaf(f) ? [f] : byteLeaves(f.children ?? [])));
}

/** The byte leaf that holds byte `offset`, if any. */
export function leafAt(fields: readonly Field[], offset: number): Field | undefined {
  for (const f of fields) {
    if (offset < f.offset || offset >= f.offset + f.length) continue;
    if (isByteLeaf(f)) return f;
    const inner = leafAt(f.children ?? [], offset);
    if (inner) return inner;
  }
  return undefined;
}

/** The field with this id and its ancestors, outermost first; empty when there is none. */
export function fieldPath(fields: readonly Field[], id: string): Field[] {
  for (const f of fields) {
    if (f.id === id) return [f];
    const inner = fieldPath(f.children ?? [], id);
    if (inner.length > 0) return [f, ...inner];
  }
  return [];
}

/** The first field, depth first, that passes `test`. */
export function findField(fields: readonly Field[], test: (f: Field) => boolean): Field | undefined {
  for (const f of fields) {
    if (test(f)) return f;
    const inner = findField(f.children ?? [], test);
    if (inner) return inner;
  }
  return undefined;
}

/** The rows of the tree with `expanded` open, in display order. */
export function visibleFields(fields: readonly Field[], expanded: ReadonlySet<string>, level = 1, parentId: string | null = null): VisibleField[] {
  return fields.flatMap((field, i) => {
    const open = field.children ? expanded.has(field.id) : null;
    const row: VisibleField = { field, level, parentId, expanded: open, posInSet: i + 1, setSize: fields.length };
    return open ? [row, ...visibleFields(field.children ?? [], expanded, level + 1, field.id)] : [row];
  });
}


// ---------------------------------------------------------------- keyboard (WAI-ARIA tree and a byte cursor)

/** What a key press in the field tree does: move focus to a row, open or close one, or nothing. */
export type TreeKeyAction = { readonly focus: string } | { readonly toggle: string; readonly open: boolean } | null;

/** The tree pattern's keys: ↑/↓ move, → opens or enters, ← closes or goes to the parent, Home/End, Enter/Space toggle. */
export function treeKeyAction(rows: readonly VisibleField[], focusId: string, key: string): TreeKeyAction {
  const i = rows.findIndex((r) => r.field.id === focusId);
  const row = rows[i];
  if (!row) return null;
  const focus = (r: VisibleField | undefined): TreeKeyAction => (r ? { focus: r.field.id } : null);
  switch (key) {
    case 'ArrowDown':
      return focus(rows[i + 1]);
    case 'ArrowUp':
      return focus(rows[i - 1]);
    case 'Home':
      return focus(rows[0]);
    case 'End':
      return focus(rows.at(-1));
    case 'ArrowRight':
      return row.expanded === false ? { toggle: row.field.id, open: true } : row.expanded ? focus(rows[i + 1]) : null;
    case 'ArrowLeft':
      return row.expanded ? { toggle: row.field.id, open: false } : row.parentId === null ? null : { focus: row.parentId };
    case 'Enter':
    case ' ':
      return row.expanded === null ? null : { toggle: row.field.id, open: !row.expanded };
    default:
      return null;
  }
}

/** Where the hex dump's byte cursor goes for a key (←/→ one byte, ↑/↓ one row of 16, Home/End); undefined when the key is not a move. */
export function byteCursorMove(cursor: number | null, key: string, length: number): number | undefined {
  const steps: Readonly<Record<string, number>> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 16, ArrowUp: -16 };
  const clamp = (n: number): number => Math.max(0, Math.min(length - 1, n));
  if (length === 0) return undefined;
  if (key === 'Home') return 0;
  if (key === 'End') return length - 1;
  const step = steps[key];
  if (step === undefined) return undefined;
  return cursor === null ? 0 : clamp(cursor + step);
}
