import { useId, useState } from 'react';
import { blankValue, dotPath, fieldLabel, type FieldSpec, type ObjectField, type Path } from './schema-form';

/** What every field needs: its value, where it sits, the errors by path, and how to change the draft. */
export interface FieldProps {
  readonly spec: FieldSpec;
  readonly value: unknown;
  readonly path: Path;
  readonly label: string;
  readonly errors: ReadonlyMap<string, string>;
  readonly onChange: (path: Path, value: unknown) => void;
  /** The enclosing group's label, to tell apart buttons of like-named lists ("targets" of a rule, of the sysplex). */
  readonly context?: string | undefined;
}

/** One field of the form, by kind. */
export function FieldView(p: FieldProps) {
  switch (p.spec.kind) {
    case 'object':
      return <ObjectView {...p} fields={p.spec.fields} />;
    case 'array':
      return <ArrayView {...p} item={p.spec.item} min={p.spec.min} max={p.spec.max} />;
    case 'variant':
      return <VariantView {...p} />;
    case 'json':
      return <JsonField {...p} />;
    default:
      return <ScalarField {...p} />;
  }
}

/** The message for this field, linked to its input by id. */
function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <span id={id} className="field-error" data-field-error>
      {message}
    </span>
  );
}

function ObjectView(p: FieldProps & { fields: readonly ObjectField[] }) {
  const record = (typeof p.value === 'object' && p.value !== null ? p.value : {}) as Record<string, unknown>;
  const body = p.fields.map((f) => <ObjectEntry key={f.key} field={f} parent={p} value={record[f.key]} />);
  if (p.path.length === 0) return <div className="form-root">{body}</div>;
  const errorId = `${dotPath(p.path)}-error`;
  return (
    <fieldset className="form-object">
      <legend>{p.label}</legend>
      <FieldError id={errorId} message={p.errors.get(dotPath(p.path))} />
      {body}
    </fieldset>
  );
}

/** A property: optional ones without a default can be set and removed. */
function ObjectEntry({ field, parent, value }: { field: ObjectField; parent: FieldProps; value: unknown }) {
  const path = [...parent.path, field.key];
  const label = fieldLabel(field.key);
  if (value === undefined) {
    return field.removable ? (
      <button type="button" className="form-add" onClick={() => parent.onChange(path, blankValue(field.spec))}>
        Set {label.toLowerCase()}
      </button>
    ) : null;
  }
  return (
    <div className="form-entry">
      <FieldView spec={field.spec} value={value} path={path} label={label} errors={parent.errors} onChange={parent.onChange} context={parent.path.length > 0 ? parent.label : undefined} />
      {field.removable && (
        <button type="button" className="form-remove" onClick={() => parent.onChange(path, undefined)} aria-label={`Remove ${label.toLowerCase()}`}>
          Remove
        </button>
      )}
    </div>
  );
}

function ArrayView(p: FieldProps & { item: FieldSpec; min: number; max: number }) {
  const items = Array.isArray(p.value) ? (p.value as unknown[]) : [];
  const errorId = `${dotPath(p.path)}-error`;
  const remove = (i: number): void => p.onChange(p.path, items.filter((_, j) => j !== i));
  const of = p.context ? ` of ${p.context.toLowerCase()}` : '';
  return (
    <fieldset className="form-array" aria-describedby={p.errors.has(dotPath(p.path)) ? errorId : undefined}>
      <legend>{p.label}</legend>
      <FieldError id={errorId} message={p.errors.get(dotPath(p.path))} />
      {items.map((item, i) => (
        <div key={i} className="form-item">
          <FieldView spec={p.item} value={item} path={[...p.path, i]} label={`${p.label} ${i + 1}`} errors={p.errors} onChange={p.onChange} />
          <button type="button" className="form-remove" disabled={items.length <= p.min} onClick={() => remove(i)} aria-label={`Remove ${p.label.toLowerCase()} ${i + 1}${of}`}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" className="form-add" disabled={items.length >= p.max} onClick={() => p.onChange(p.path, [...items, blankValue(p.item)])}>
        Add to {p.label.toLowerCase()}
        {of}
      </button>
    </fieldset>
  );
}

/** A tagged union: a select for the tag, then the chosen option's other fields. */
function VariantView(p: FieldProps) {
  const id = useId();
  if (p.spec.kind !== 'variant') return null;
  const { key, options } = p.spec;
  const record = (typeof p.value === 'object' && p.value !== null ? p.value : {}) as Record<string, unknown>;
  const chosen = options.find((o) => o.tag === record[key]);
  const fields = chosen?.spec.kind === 'object' ? chosen.spec.fields.filter((f) => f.key !== key) : [];
  return (
    <fieldset className="form-object">
      <legend>{p.label}</legend>
      <label htmlFor={id}>{fieldLabel(key)}</label>
      <select id={id} value={chosen?.tag ?? ''} onChange={(e) => p.onChange(p.path, blankValue(options.find((o) => o.tag === e.target.value)?.spec ?? { kind: 'json' }))}>
        {options.map((o) => (
          <option key={o.tag} value={o.tag}>
            {o.tag}
          </option>
        ))}
      </select>
      {fields.map((f) => (
        <ObjectEntry key={f.key} field={f} parent={p} value={record[f.key]} />
      ))}
    </fieldset>
  );
}

/** A number keeps what was typed when it is not a number, so the schema can say what is wrong with it. */
function numberFrom(text: string): number | string {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

function ScalarField(p: FieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const message = p.errors.get(dotPath(p.path));
  const common = { id, 'aria-invalid': message !== undefined, 'aria-describedby': message ? errorId : undefined, 'data-path': dotPath(p.path) };
  let input;
  switch (p.spec.kind) {
    case 'choice':
      input = (
        <select {...common} value={String(p.value)} onChange={(e) => p.onChange(p.path, e.target.value)}>
          {p.spec.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
      break;
    case 'number':
      input = <input {...common} type="number" inputMode="numeric" min={p.spec.min} max={p.spec.max} step={p.spec.integer ? 1 : 'any'} value={String(p.value)} onChange={(e) => p.onChange(p.path, numberFrom(e.target.value))} />;
      break;
    case 'boolean':
      input = <input {...common} type="checkbox" checked={p.value === true} onChange={(e) => p.onChange(p.path, e.target.checked)} />;
      break;
    case 'literal':
      input = <output id={id}>{String(p.spec.value)}</output>;
      break;
    default:
      input = <input {...common} type="text" maxLength={p.spec.kind === 'string' ? p.spec.maxLength : undefined} value={typeof p.value === 'string' || typeof p.value === 'number' ? String(p.value) : ''} onChange={(e) => p.onChange(p.path, e.target.value)} />;
  }
  return (
    <div className="form-field">
      <label htmlFor={id}>{p.label}</label>
      {input}
      <FieldError id={errorId} message={message} />
    </div>
  );
}

/** Anything the form has no widget for: JSON text, applied when it parses. */
function JsonField(p: FieldProps) {
  const id = useId();
  const [text, setText] = useState(() => JSON.stringify(p.value, null, 2));
  const [syntax, setSyntax] = useState<string | null>(null);
  const message = syntax ?? p.errors.get(dotPath(p.path));
  const change = (t: string): void => {
    setText(t);
    try {
      p.onChange(p.path, JSON.parse(t));
      setSyntax(null);
    } catch (e) {
      setSyntax(`not valid JSON: ${(e as Error).message}`);
      p.onChange(p.path, t); // text is never a valid value here, so the schema blocks Apply until it parses
    }
  };
  return (
    <div className="form-field">
      <label htmlFor={id}>{p.label} (JSON)</label>
      <textarea id={id} rows={6} value={text} onChange={(e) => change(e.target.value)} aria-invalid={message !== undefined} aria-describedby={message ? `${id}-error` : undefined} />
      <FieldError id={`${id}-error`} message={message} />
    </div>
  );
}
