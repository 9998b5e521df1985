import { describe, expect, it } from 'vitest';
import { BUILT_IN_SCENARIOS, findScenario } from '../../scenarios/registry';
import { SysplexParamsSchema } from '../../scenarios/sysplex-params';
import { runLab } from '../viewmodel/lab-run';
import { editorSchema, effectiveParams } from './editor-schema';
import { blankValue, describeSchema, fieldErrors, fieldLabel, overridesOf, setAt, type FieldSpec } from './schema-form';

function field(spec: FieldSpec, key: string): FieldSpec {
  if (spec.kind !== 'object') throw new Error(`not an object: ${spec.kind}`);
  const f = spec.fields.find((x) => x.key === key);
  if (!f) throw new Error(`no field ${key}`);
  return f.spec;
}

describe('describeSchema reads the sysplex schema the simulation validates with', () => {
  const spec = describeSchema(SysplexParamsSchema);
  it('gives numbers their bounds, choices their options, lists their limits', () => {
    expect(field(spec, 'clients')).toEqual({ kind: 'number', min: 1, max: 2_000, integer: true });
    expect(field(spec, 'profile')).toEqual({ kind: 'choice', options: ['rfc', 'linux'] });
    const targets = field(spec, 'targets');
    expect(targets.kind === 'array' && [targets.min, targets.max, targets.item.kind]).toEqual([1, 64, 'object']);
  });
  it('turns the policy match into a variant keyed by kind', () => {
    const rules = field(field(spec, 'policy'), 'rules');
    if (rules.kind !== 'array') throw new Error('rules is not an array');
    const match = field(rules.item, 'match');
    expect(match.kind === 'variant' && match.options.map((o) => o.tag)).toEqual(expect.arrayContaining(['http-path-prefix', 'smtp-rcpt-domain', 'any']));
  });
  it('marks optional fields without a default as removable, and fields with one as not', () => {
    if (spec.kind !== 'object') throw new Error('not an object');
    const removable = Object.fromEntries(spec.fields.map((f) => [f.key, f.removable]));
    expect(removable.crash).toBe(true);
    expect(removable.clients).toBe(false);
  });
  it('a blank variant takes its first option', () => {
    expect(blankValue({ kind: 'variant', key: 'kind', options: [{ tag: 'a', spec: { kind: 'object', fields: [{ key: 'kind', spec: { kind: 'literal', value: 'a' }, removable: false }] } }] })).toEqual({ kind: 'a' });
  });
});

describe('editing values', () => {
  it('setAt copies along the path, leaves the original alone, and removes a key for undefined', () => {
    const before = { a: { b: [1, 2, 3] }, c: 1 };
    const after = setAt(before, ['a', 'b', 1], 9);
    expect(after).toEqual({ a: { b: [1, 9, 3] }, c: 1 });
    expect(before.a.b[1]).toBe(2);
    expect(setAt(before, ['c'], undefined)).toEqual({ a: { b: [1, 2, 3] } });
  });
  it('fieldErrors puts schema messages and relation errors at their field path', () => {
    const errors = fieldErrors(SysplexParamsSchema, { clients: -1, targets: [{ app: '1x', stack: 'SYS2' }] }, null);
    expect([...errors.keys()].sort()).toEqual(['clients', 'targets.0.app']);
    const relation = fieldErrors(SysplexParamsSchema, {}, "targets.0.stack: no stack named 'SYS9'");
    expect(relation.get('targets.0.stack')).toBe("no stack named 'SYS9'");
  });
  it('overridesOf keeps only what differs from the defaults', () => {
    expect(overridesOf({ a: 1, b: { c: 2 }, d: [1] }, { a: 1, b: { c: 3 }, d: [1] })).toEqual({ b: { c: 2 } });
  });
  it('labels name the unit the key’s suffix gives', () => {
    expect(fieldLabel('decidingBodyBytes')).toBe('Deciding body bytes');
    expect(fieldLabel('delayUs')).toBe('Delay (µs)');
    expect(fieldLabel('lossPerMille')).toBe('Loss (‰)');
    expect(fieldLabel('bandwidthBps')).toBe('Bandwidth (bit/s)');
  });
});

describe('the editor’s draft of an untouched scenario runs the built-in run', () => {
  const editable = BUILT_IN_SCENARIOS.filter((s) => !s.id.includes('swarm'));
  it.each(editable.map((s) => s.id))('%s: all its effective parameters as overrides give the same trace hash', (id) => {
    const def = findScenario(id);
    if (!def) throw new Error(id);
    const full = effectiveParams(def, {});
    expect(full).not.toBeNull();
    expect(overridesOf(full ?? {}, full ?? {})).toEqual({});
    const schema = editorSchema(def);
    if (schema) expect(fieldErrors(schema, full, null).size).toBe(0);
    const builtIn = runLab(id, 3);
    const edited = runLab(id, 3, full);
    if (!builtIn.ok || !edited.ok) throw new Error('run failed');
    expect(edited.run.hash).toBe(builtIn.run.hash);
  });
});
