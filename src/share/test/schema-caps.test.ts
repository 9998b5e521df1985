// Proves that a link cannot ask for unbounded work through parameters: every
// array in the parameter schemas a link reaches has a maximum length and every
// number a maximum value (so no fault list, client count or horizon is
// unbounded). It walks the valibot schemas themselves, so a field added later
// without a cap fails here by name.
import type * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { LinkSchema, TcpScenarioSchema } from '../../scenarios/params';
import { ScriptedFaultsSchema } from '../../scenarios/scripted-faults';
import { SysplexParamsSchema } from '../../scenarios/sysplex-params';

/** The parts of a valibot schema object the walk reads. */
interface SchemaNode {
  readonly type: string;
  readonly pipe?: readonly { readonly type: string }[];
  readonly wrapped?: SchemaNode;
  readonly entries?: Readonly<Record<string, SchemaNode>>;
  readonly options?: readonly SchemaNode[];
  readonly item?: SchemaNode;
  readonly key?: SchemaNode;
  readonly value?: SchemaNode;
}

/** Paths of arrays without max_length and numbers without max_value, found by walking the schema. */
function unbounded(node: SchemaNode, path: string, found: string[] = []): string[] {
  const actions = new Set((node.pipe ?? []).map((a) => a.type));
  if (node.type === 'array' && !actions.has('max_length')) found.push(`${path}: array without a maximum length`);
  if (node.type === 'number' && !actions.has('max_value')) found.push(`${path}: number without a maximum`);
  if (node.wrapped) unbounded(node.wrapped, path, found);
  if (node.item) unbounded(node.item, `${path}[]`, found);
  if (node.value) unbounded(node.value, `${path}{}`, found);
  for (const [key, entry] of Object.entries(node.entries ?? {})) unbounded(entry, `${path}.${key}`, found);
  for (const option of node.options ?? []) unbounded(option, path, found);
  return found;
}

const asNode = (schema: v.GenericSchema) => schema as unknown as SchemaNode;

describe('every array and number a link reaches has a cap', () => {
  it.each([
    ['sysplex parameters', SysplexParamsSchema],
    ['TCP scenario parameters', TcpScenarioSchema],
    ['a link', LinkSchema],
    ['scripted faults', ScriptedFaultsSchema],
  ] as const)('%s', (_name, schema) => {
    expect(unbounded(asNode(schema), 'params')).toEqual([]);
  });

  it('the walk finds an uncapped field (so the passes above mean something)', () => {
    const uncapped: SchemaNode = { type: 'strict_object', entries: { list: { type: 'array', pipe: [{ type: 'array' }], item: { type: 'number' } } } };
    expect(unbounded(uncapped, 'params')).toEqual(['params.list: array without a maximum length', 'params.list[]: number without a maximum']);
  });

  it('the walk reaches fields inside optional, array, variant and object schemas', () => {
    const ordinal: SchemaNode = { type: 'number', pipe: [{ type: 'number' }, { type: 'integer' }] };
    const fault: SchemaNode = { type: 'variant', options: [{ type: 'strict_object', entries: { ordinal } }] };
    const faults: SchemaNode = { type: 'optional', wrapped: { type: 'array', pipe: [{ type: 'array' }, { type: 'max_length' }], item: fault } };
    expect(unbounded({ type: 'strict_object', entries: { faults } }, 'params')).toEqual(['params.faults[].ordinal: number without a maximum']);
  });
});
