import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/app';
import { useLabStore } from './ui/store/lab-store';
import { AUTOSAVE_KEY } from './ui/share/keys';
import './ui/styles.css';

/** True when storage holds an autosave (and can be read at all). */
function hasAutosave(): boolean {
  try {
    return localStorage.getItem(AUTOSAVE_KEY) !== null;
  } catch {
    return false;
  }
}

/**
 * Before the first render, open what the address or the autosave names, so the
 * page never flashes the default run first. The decoder loads only when there
 * is something to decode; it never throws, and a bad link becomes a message.
 */
async function restore(): Promise<void> {
  if (location.hash.length <= 1 && !hasAutosave()) return;
  const { restoreAtStartup, safeStorage } = await import('./ui/share/startup');
  const restored = await restoreAtStartup(location, safeStorage());
  if (restored.state) useLabStore.getState().restore(restored.state);
  if (restored.error) useLabStore.setState({ urlError: restored.error });
}

/**
 * A link pasted into the address bar of an open lab changes only the fragment,
 * which does not reload the page: open it as startup would. Listening from the
 * start (not from the lazily loaded sync) so a link pasted early is not missed;
 * the sync's own replaceState fires no hashchange.
 */
function followPastedLinks(): void {
  window.addEventListener('hashchange', (event) => {
    // Read the pasted address from the event, not from `location`: the share sync may already have
    // replaced the fragment with the current view's (its write was in flight when the link was
    // pasted, and the event is dispatched a task later), and that one would be restored instead.
    const pasted = new URL(event.newURL);
    void import('./ui/share/startup').then(async ({ restoreAtStartup }) => {
      const restored = await restoreAtStartup(pasted, null);
      if (restored.state) useLabStore.getState().restore(restored.state);
      useLabStore.setState({ urlError: restored.error ?? null });
    });
  });
}

function render(): void {
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root element');
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
  void import('./ui/share/sync').then((m) => m.startShareSync());
}

// No top-level await: the lazy chunks import from this one, and awaiting them here would make the
// bundler split every shared module into its own file to break the cycle.
followPastedLinks();
restore()
  .catch((e: unknown) => useLabStore.setState({ urlError: `The saved state could not be restored: ${e instanceof Error ? e.message : String(e)}` }))
  .finally(render);
