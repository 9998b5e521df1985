import { useEffect, useId, useRef, useState } from 'react';
import { useLabStore } from '../store/lab-store';
import { fragmentOf, linkTo } from '../share/sync';

/**
 * "Copy link": the whole view — scenario, seed, edits, forks, step, selected
 * event, open panels and an optional title — as one link, shown and copied.
 * Loaded on first use (it brings the encoder).
 */
export function ShareDialog({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const state = useLabStore();
  const setTitle = useLabStore((s) => s.setTitle);
  const [link, setLink] = useState<string>('');
  const [status, setStatus] = useState('');
  const titleId = useId();
  const linkId = useId();
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  useEffect(() => {
    let live = true;
    fragmentOf(state).then(
      (fragment) => live && setLink(linkTo(location, fragment, false)),
      (e: unknown) => live && setStatus(`This view cannot be shared: ${e instanceof Error ? e.message : String(e)}`),
    );
    return () => {
      live = false;
    };
  }, [state]);
  const copy = (): void => {
    if (!link) return;
    const clipboard = navigator.clipboard as Clipboard | undefined;
    if (!clipboard) {
      setStatus('This browser gives no clipboard here: select the link and copy it.');
      return;
    }
    clipboard.writeText(link).then(
      () => setStatus('Link copied.'),
      () => setStatus('The browser refused the clipboard: select the link and copy it.'),
    );
  };
  return (
    <dialog ref={ref} aria-labelledby="share-title" onClose={onClose}>
      <h2 id="share-title">Share this view</h2>
      <p>The link opens the lab exactly here: same run (scenario, seed, edits and faults you added), same step, same selection.</p>
      <label htmlFor={titleId}>Title (optional)</label>
      <input id={titleId} type="text" maxLength={120} value={state.title} onChange={(e) => setTitle(e.target.value)} />
      <label htmlFor={linkId}>Link</label>
      <textarea id={linkId} readOnly rows={3} value={link} data-testid="share-link" onFocus={(e) => e.currentTarget.select()} />
      <p>
        <button type="button" onClick={copy} disabled={!link}>
          Copy link
        </button>{' '}
        <span role="status">{status}</span>
      </p>
      <button type="button" onClick={onClose}>
        Close
      </button>
    </dialog>
  );
}
