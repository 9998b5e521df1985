import { useEffect, useRef } from 'react';
import { useLabStore } from '../store/lab-store';

/** The `?` overlay listing the keyboard shortcuts. */
export function ShortcutsDialog() {
  const open = useLabStore((s) => s.shortcutsOpen);
  const setOpen = useLabStore((s) => s.setShortcutsOpen);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby="shortcuts-title" onClose={() => setOpen(false)}>
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <dl className="shortcuts">
        <dt>Space</dt><dd>Play or pause</dd>
        <dt>← / →</dt><dd>Step back / forward one event</dd>
        <dt>Shift + ← / →</dt><dd>Previous / next transfer step</dd>
        <dt>Page Down / Page Up</dt><dd>Step forward / back (a presentation clicker)</dd>
        <dt>Home / End</dt><dd>First / last step</dd>
        <dt>.</dt><dd>Blank the screen, in presenter mode (again to return)</dd>
        <dt>?</dt><dd>This list</dd>
      </dl>
      <button type="button" onClick={() => setOpen(false)}>Close</button>
    </dialog>
  );
}
