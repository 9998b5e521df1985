import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useLabStore } from '../store/lab-store';
import { embedSnippet } from '../share/embed-snippet';
import { useShareLink } from '../share/use-share-link';

const ShareDialog = lazy(() => import('./share-dialog').then((m) => ({ default: m.ShareDialog })));

/** Share the view, switch to presenter mode and back, and get an embed snippet. */
export function ModeBar({ title }: { title: string }) {
  const mode = useLabStore((s) => s.mode);
  const setMode = useLabStore((s) => s.setMode);
  const [embedOpen, setEmbedOpen] = useState(false);
  const [shareOpen, setShareOpen] = useState(false);
  if (mode === 'embed') return <OpenFullLab />;
  return (
    <div className="mode-bar">
      <button type="button" onClick={() => setShareOpen(true)}>
        Share link…
      </button>
      {shareOpen && (
        <Suspense fallback={null}>
          <ShareDialog onClose={() => setShareOpen(false)} />
        </Suspense>
      )}
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
  const href = useShareLink('lab');
  return (
    <a className="open-full" href={href || undefined} target="_blank" rel="noopener noreferrer">
      Open in Handoff Lab ↗
    </a>
  );
}

/** The snippet for the current scenario, seed and step, ready to copy. */
function EmbedDialog({ title, onClose }: { title: string; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [copied, setCopied] = useState(false);
  const link = useShareLink('embed');
  const snippet = link ? embedSnippet(link, title) : '';
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
