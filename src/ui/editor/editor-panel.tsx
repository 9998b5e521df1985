import { lazy, Suspense } from 'react';
import { useLabStore } from '../store/lab-store';
import { usePanel } from '../store/use-panel';

// The editor (form model, widgets) loads when first opened.
const ScenarioEditor = lazy(() => import('./scenario-editor').then((m) => ({ default: m.ScenarioEditor })));

/** A fold for the scenario editor, and a line saying when the run uses edited parameters. */
export function EditorPanel() {
  const { open, onToggle } = usePanel('editor');
  const edits = useLabStore((s) => s.edits);
  const applyEdits = useLabStore((s) => s.applyEdits);
  const edited = Object.keys(edits);
  return (
    <details className="editor-details" open={open} onToggle={onToggle}>
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
