import { useMemo, useState, type FormEvent } from 'react';
import * as v from 'valibot';
import { findScenario } from '../../scenarios/registry';
import type { AnyScenario } from '../../scenarios/types';
import { useLabStore } from '../store/lab-store';
import { editorSchema, effectiveParams } from './editor-schema';
import { FieldView } from './field-view';
import { describeSchema, fieldErrors, overridesOf, setAt, type Path } from './schema-form';

/**
 * The scenario editor: every parameter of the current scenario as a field,
 * validated on each change by the scenario's schema and its relation checks,
 * with the message next to the field. Apply is enabled only for a valid draft,
 * so an invalid edit never reaches the simulation.
 */
export function ScenarioEditor() {
  const scenario = useLabStore((s) => s.scenario);
  const edits = useLabStore((s) => s.edits);
  const def = findScenario(scenario);
  if (!def) return <p role="alert">No built-in scenario named {scenario}.</p>;
  // A new scenario or newly applied edits start a fresh draft.
  return <EditorForm key={`${scenario}:${JSON.stringify(edits)}`} def={def} edits={edits} />;
}

function EditorForm({ def, edits }: { def: AnyScenario; edits: Readonly<Record<string, unknown>> }) {
  const applyEdits = useLabStore((s) => s.applyEdits);
  const defaults = useMemo(() => effectiveParams(def, {}) ?? {}, [def]);
  const [draft, setDraft] = useState<unknown>(() => effectiveParams(def, edits) ?? defaults);
  const schema = useMemo(() => editorSchema(def) ?? v.record(v.string(), v.unknown()), [def]);
  const spec = useMemo(() => (editorSchema(def) ? describeSchema(schema) : ({ kind: 'json' } as const)), [def, schema]);
  const checked = def.parse(draft);
  const errors = fieldErrors(schema, draft, checked.ok ? null : checked.error);
  const valid = checked.ok && errors.size === 0;
  const changed = valid && JSON.stringify(overridesOf(draft as Record<string, unknown>, defaults)) !== JSON.stringify(edits);
  const onChange = (path: Path, value: unknown): void => setDraft((d: unknown) => setAt(d, path, value));
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (valid) applyEdits(overridesOf(draft as Record<string, unknown>, defaults));
  };
  return (
    <form className="scenario-editor" onSubmit={submit} aria-label={`Edit ${def.title}`} noValidate>
      <FieldView spec={spec} value={draft} path={[]} label="Parameters" errors={errors} onChange={onChange} />
      <div className="editor-actions">
        <button type="submit" disabled={!valid || !changed}>
          Apply and re-run
        </button>
        <button type="button" onClick={() => setDraft(defaults)}>
          Reset to the built-in values
        </button>
        <span role="status" className={valid ? 'editor-ok' : 'field-error'}>
          {valid ? (changed ? 'Valid: apply to re-run.' : 'Valid.') : `${Math.max(errors.size, 1)} problem${errors.size === 1 ? '' : 's'} — fix ${errors.size === 1 ? 'it' : 'them'} to apply: ${firstError(errors, checked)}`}
        </span>
      </div>
    </form>
  );
}

/** The first problem in words, so the status line names it even when its field is folded away. */
function firstError(errors: ReadonlyMap<string, string>, checked: { ok: boolean; error?: string }): string {
  const first = errors.entries().next();
  if (!first.done) return first.value[0] ? `${first.value[0]}: ${first.value[1]}` : first.value[1];
  return checked.ok ? '' : (checked.error ?? '');
}
