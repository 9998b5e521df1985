import { lazy, Suspense, useState } from 'react';
import { useLabStore } from '../store/lab-store';

// The editor (form model, widgets) loads when first opened.
const ScenarioEditor = lazy(() => import('./scenario-editor').then((m) => ({ default: m.ScenarioEditor })));

/** A fold for the scenario editor, and a line saying when the run uses edited parameters. */
export function EditorPanel() {
  const [open, setOpen] = useState(false);
  const edits = useLabStore((s) => s.edits);
  const applyEdits = useLabStore((s) => s.applyEdits);
  const edited = Object.keys(edits);
  return (
    <details className="editor-details" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        Edit scenario
        {edited.length > 0 && <span className="edited-note"> · edited: {edited.join(', ')}</span>}
      </summary>
      {edited.length > 0 && (
        <button type="button" onClick={() => applyEdits({})}>
          Back to the built-in scenario
        </button>
      )}
      {open && (
        <Suspense fallback={<p>Loading the editor…</p>}>
          <ScenarioEditor />
        </Suspense>
      )}
    </details>
  );
}
