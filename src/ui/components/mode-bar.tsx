import { useEffect, useRef, useState } from 'react';
import { useLabStore } from '../store/lab-store';
import { embedSnippet, labUrl } from '../store/lab-url';

/** Switch to presenter mode and back, and get an embed snippet. */
export function ModeBar({ title }: { title: string }) {
  const mode = useLabStore((s) => s.mode);
  const setMode = useLabStore((s) => s.setMode);
  const [embedOpen, setEmbedOpen] = useState(false);
  if (mode === 'embed') return <OpenFullLab />;
  return (
    <div className="mode-bar">
      <button type="button" aria-pressed={mode === 'presenter'} onClick={() => setMode(mode === 'presenter' ? 'lab' : 'presenter')}>
        {mode === 'presenter' ? 'Leave presenter mode' : 'Presenter mode'}
      </button>
      {mode === 'lab' && (
        <button type="button" onClick={() => setEmbedOpen(true)}>
          Embed…
        </button>
      )}
      {embedOpen && <EmbedDialog title={title} onClose={() => setEmbedOpen(false)} />}
    </div>
  );
}

/** In an iframe: one link out to the full lab at the same state. */
function OpenFullLab() {
  const { scenario, seed, step } = useLabStore.getState();
  const href = labUrl(location, { scenario, seed, step }, 'lab');
  return (
    <a className="open-full" href={href} target="_blank" rel="noopener noreferrer">
      Open in Handoff Lab ↗
    </a>
  );
}

/** The snippet for the current scenario, seed and step, ready to copy. */
function EmbedDialog({ title, onClose }: { title: string; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [copied, setCopied] = useState(false);
  const { scenario, seed, step } = useLabStore.getState();
  const snippet = embedSnippet(labUrl(location, { scenario, seed, step }, 'embed'), title);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const copy = (): void => {
    void navigator.clipboard?.writeText(snippet).then(() => setCopied(true), () => setCopied(false));
  };
  return (
    <dialog ref={ref} aria-labelledby="embed-title" onClose={onClose}>
      <h2 id="embed-title">Embed this view</h2>
      <p>Paste this into a page; the lab opens at this scenario, seed and step, with minimal chrome.</p>
      <label htmlFor="embed-snippet">Snippet</label>
      <textarea id="embed-snippet" readOnly rows={4} cols={70} value={snippet} onFocus={(e) => e.currentTarget.select()} />
      <p>
        <button type="button" onClick={copy}>
          Copy snippet
        </button>{' '}
        <span role="status">{copied ? 'Copied.' : ''}</span>
      </p>
      <button type="button" onClick={onClose}>
        Close
      </button>
    </dialog>
  );
}
