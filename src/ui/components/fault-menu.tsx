import { useEffect, useRef, useState } from 'react';
import { sendOrdinal } from '../../scenarios/scripted-faults';
import type { LabRun } from '../viewmodel/lab-run';
import { useLabStore } from '../store/lab-store';

interface MenuTarget {
  readonly x: number;
  readonly y: number;
  readonly eventIndex: number | null;
  readonly node: string | null;
  readonly app: string | null;
}

/**
 * "Break it": right-click (or Shift+F10 / the context-menu key on a focused
 * object) a segment to drop it, a stack to crash it, a target app to make it
 * refuse. Objects opt in with data-event-index, data-node or data-app. The
 * run forks at the current step and replays deterministically with the fault.
 */
export function FaultMenu({ run }: { run: LabRun }) {
  const [target, setTarget] = useState<MenuTarget | null>(null);
  const menu = useRef<HTMLUListElement>(null);
  const addFault = useLabStore((s) => s.addFault);
  const crashStack = useLabStore((s) => s.crashStack);
  const makeRefuse = useLabStore((s) => s.makeRefuse);
  const clearForks = useLabStore((s) => s.clearForks);
  const forked = useLabStore((s) => s.faults.length > 0 || s.crash !== null || s.refusing.length > 0);

  useEffect(() => {
    const open = (el: Element | null, x: number, y: number): boolean => {
      const host = el?.closest('[data-event-index],[data-node],[data-app]');
      if (!host) return false;
      const index = host.getAttribute('data-event-index');
      setTarget({ x, y, eventIndex: index === null ? null : Number(index), node: host.getAttribute('data-node'), app: host.getAttribute('data-app') });
      return true;
    };
    const onContext = (e: MouseEvent): void => {
      if (open(e.target as Element | null, e.clientX, e.clientY)) e.preventDefault();
    };
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) {
        const el = document.activeElement;
        const rect = el?.getBoundingClientRect();
        if (open(el, rect?.left ?? 0, rect?.bottom ?? 0)) e.preventDefault();
      } else if (e.key === 'Escape') setTarget(null);
    };
    document.addEventListener('contextmenu', onContext);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('contextmenu', onContext);
      document.removeEventListener('keydown', onKey);
    };
  }, []);

  useEffect(() => {
    if (target) menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [target]);

  const event = target?.eventIndex !== null && target?.eventIndex !== undefined ? run.events[target.eventIndex] : undefined;
  const canDrop = event?.kind === 'packet-send';
  const stack = target?.node && /^SYS/.test(target.node) ? target.node : null;
  // The step is read when the crash is chosen, not subscribed to: this menu need not re-render on every step.
  const timeNow = (): number => {
    const step = useLabStore.getState().step;
    return step >= 0 ? (run.events[step]?.time ?? 0) : 0;
  };
  const close = (): void => setTarget(null);
  return (
    <>
      {forked && (
        <p className="fork-banner" role="status">
          This run is forked: you added faults.{' '}
          <button type="button" onClick={clearForks}>
            Undo all faults
          </button>
        </p>
      )}
      {target && (
        <ul ref={menu} role="menu" aria-label="Break it" className="fault-menu" style={{ left: target.x, top: target.y }}>
          {canDrop && event.kind === 'packet-send' && (
            <li role="none">
              <button type="button" role="menuitem" onClick={() => (addFault({ kind: 'drop', node: event.node, iface: event.iface, ordinal: sendOrdinal(run.events, event.index) }), close())}>
                Drop this segment
              </button>
            </li>
          )}
          {stack && (
            <li role="none">
              <button type="button" role="menuitem" onClick={() => (crashStack(stack, timeNow()), close())}>
                Crash {stack} now
              </button>
            </li>
          )}
          {target.app && (
            <li role="none">
              <button type="button" role="menuitem" onClick={() => (target.app && makeRefuse(target.app), close())}>
                Make {target.app} refuse transfers
              </button>
            </li>
          )}
          <li role="none">
            <button type="button" role="menuitem" onClick={close}>
              Cancel
            </button>
          </li>
        </ul>
      )}
    </>
  );
}
