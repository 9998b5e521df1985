/**
 * A form described by a valibot schema: the editor reads the same schemas that
 * validate scenario files and links, so every field it shows has the bounds the
 * simulation enforces, and a new parameter appears in the editor without UI work.
 * Pure: no React, no DOM.
 */
import * as v from 'valibot';

/** One field of the form. */
export type FieldSpec =
  | { readonly kind: 'object'; readonly fields: readonly ObjectField[] }
  | { readonly kind: 'array'; readonly item: FieldSpec; readonly min: number; readonly max: number }
  | { readonly kind: 'variant'; readonly key: string; readonly options: readonly { readonly tag: string; readonly spec: FieldSpec }[] }
  | { readonly kind: 'choice'; readonly options: readonly string[] }
  | { readonly kind: 'number'; readonly min: number | undefined; readonly max: number | undefined; readonly integer: boolean }
  | { readonly kind: 'string'; readonly maxLength: number | undefined }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'json' };

/** A property of an object field. */
export interface ObjectField {
  readonly key: string;
  readonly spec: FieldSpec;
  /** May be absent (an optional field with no default). */
  readonly removable: boolean;
}

/** The subset of a valibot schema object the describer reads. */
interface Introspected {
  readonly type: string;
  readonly pipe?: readonly { readonly type: string; readonly requirement?: unknown }[];
  readonly wrapped?: Introspected;
  readonly default?: unknown;
  readonly entries?: Readonly<Record<string, Introspected>>;
  readonly item?: Introspected;
  readonly options?: readonly (string | Introspected)[];
  readonly key?: string;
  readonly literal?: unknown;
}

/** Describe a schema as form fields; kinds the form does not know become a JSON text field. */
export function describeSchema(schema: v.GenericSchema): FieldSpec {
  const introspected: unknown = schema;
  return describe(introspected as Introspected);
}

function describe(s: Introspected): FieldSpec {
  const actions = s.pipe ?? [];
  const req = (type: string): number | undefined => {
    const a = actions.find((x) => x.type === type);
    return typeof a?.requirement === 'number' ? a.requirement : undefined;
  };
  switch (s.type) {
    case 'optional':
    case 'exact_optional':
    case 'nullish':
      return s.wrapped ? describe(s.wrapped) : { kind: 'json' };
    case 'object':
    case 'strict_object':
      return { kind: 'object', fields: Object.entries(s.entries ?? {}).map(([key, e]) => ({ key, spec: describe(e), removable: isOptional(e) && e.default === undefined })) };
    case 'array':
      return s.item ? { kind: 'array', item: describe(s.item), min: req('min_length') ?? 0, max: req('max_length') ?? 1_000 } : { kind: 'json' };
    case 'variant':
      return describeVariant(s);
    case 'picklist':
      return { kind: 'choice', options: (s.options ?? []).filter((o): o is string => typeof o === 'string') };
    case 'number':
      return { kind: 'number', min: req('min_value'), max: req('max_value'), integer: actions.some((a) => a.type === 'integer') };
    case 'string':
      return { kind: 'string', maxLength: req('max_length') };
    case 'boolean':
      return { kind: 'boolean' };
    case 'literal':
      return { kind: 'literal', value: s.literal };
    default:
      return { kind: 'json' };
  }
}

function isOptional(s: Introspected): boolean {
  return s.type === 'optional' || s.type === 'exact_optional' || s.type === 'nullish';
}

function describeVariant(s: Introspected): FieldSpec {
  const key = s.key ?? 'kind';
  const options = (s.options ?? []).flatMap((o) => {
    if (typeof o === 'string') return [];
    const tag = o.entries?.[key]?.literal;
    return typeof tag === 'string' ? [{ tag, spec: describe(o) }] : [];
  });
  return { kind: 'variant', key, options };
}

/** A value that satisfies the field as well as a blank can: used when a person adds an item or sets an optional field. */
export function blankValue(spec: FieldSpec): unknown {
  switch (spec.kind) {
    case 'object':
      return Object.fromEntries(spec.fields.filter((f) => !f.removable).map((f) => [f.key, blankValue(f.spec)]));
    case 'array':
      return Array.from({ length: spec.min }, () => blankValue(spec.item));
    case 'variant': {
      const first = spec.options[0];
      return first ? blankValue(first.spec) : {};
    }
    case 'choice':
      return spec.options[0] ?? '';
    case 'number':
      return Math.max(spec.min ?? 0, 0);
    case 'string':
      return '';
    case 'boolean':
      return false;
    case 'literal':
      return spec.value;
    case 'json':
      return {};
  }
}

/** A path into a JSON value: object keys and array indexes. */
export type Path = readonly (string | number)[];

/** The dot path valibot reports for an issue, for a form path. */
export function dotPath(path: Path): string {
  return path.join('.');
}

/** The value with `path` replaced (copying along the path); `undefined` removes an object key. */
export function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(root) && typeof head === 'number') {
    const copy: unknown[] = [...(root as unknown[])];
    copy[head] = setAt(copy[head], rest, value);
    return copy;
  }
  const obj = (typeof root === 'object' && root !== null ? root : {}) as Record<string, unknown>;
  const next = setAt(obj[String(head)], rest, value);
  const copy = { ...obj };
  if (next === undefined) delete copy[String(head)];
  else copy[String(head)] = next;
  return copy;
}

/** Field path → first message, from a schema's issues and (for relations a schema cannot state) a `path: message` error. */
export function fieldErrors(schema: v.GenericSchema, value: unknown, relationError: string | null): Map<string, string> {
  const errors = new Map<string, string>();
  const result = v.safeParse(schema, value, { abortEarly: false });
  if (!result.success) {
    for (const issue of result.issues) {
      const path = v.getDotPath(issue) ?? '';
      if (!errors.has(path)) errors.set(path, issue.message);
    }
  } else if (relationError) {
    const split = relationError.indexOf(': ');
    const path = split > 0 ? relationError.slice(0, split) : '';
    errors.set(path === '(top level)' ? '' : path, split > 0 ? relationError.slice(split + 2) : relationError);
  }
  return errors;
}

/** Top-level keys whose value differs from the defaults: what a scenario file or link needs to carry. */
export function overridesOf(value: Readonly<Record<string, unknown>>, defaults: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(value)) if (JSON.stringify(x) !== JSON.stringify(defaults[k])) out[k] = x;
  return out;
}

/** `decidingBodyBytes` → "Deciding body bytes", with the unit the suffix names. */
export function fieldLabel(key: string): string {
  const units: readonly [RegExp, string][] = [[/Us$/, ' (µs)'], [/Ms$/, ' (ms)'], [/Bps$/, ' (bit/s)'], [/PerMille$/, ' (‰)']];
  let unit = '';
  let base = key;
  for (const [re, u] of units) {
    if (re.test(base)) {
      unit = u;
      base = base.replace(re, '');
      break;
    }
  }
  const words = base.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}${unit}`;
}
