import { useLabStore } from './lab-store';

/** Whether a named panel is open, and a toggle handler for its <details>: links reopen the panels they name. */
export function usePanel(name: string): { open: boolean; onToggle: (e: { currentTarget: HTMLDetailsElement }) => void } {
  const open = useLabStore((s) => s.panels.includes(name));
  const setPanel = useLabStore((s) => s.setPanel);
  return { open, onToggle: (e) => setPanel(name, e.currentTarget.open) };
}
