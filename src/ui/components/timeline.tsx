import { useEffect, useId, useMemo, useRef } from 'react';
import { asNumber, countUpTo } from '../viewmodel/sorted';
import { formatSimTime } from '../../sim/core/time';
import type { LabRun } from '../viewmodel/lab-run';
import { useLabStore } from '../store/lab-store';

/** Steps of the run that belong to a transfer, for "previous/next transfer step". */
function transferSteps(run: LabRun): number[] {
  return run.events.filter((e) => e.kind === 'transfer' || e.kind === 'crt').map((e) => e.index);
}

/** Play/pause, step, jump, scrub, speed; keyboard shortcuts on the whole page. */
export function Timeline({ run }: { run: LabRun }) {
  const step = useLabStore((s) => s.step);
  const playing = useLabStore((s) => s.playing);
  const speed = useLabStore((s) => s.speed);
  const setStep = useLabStore((s) => s.setStep);
  const setPlaying = useLabStore((s) => s.setPlaying);
  const setSpeed = useLabStore((s) => s.setSpeed);
  const setShortcutsOpen = useLabStore((s) => s.setShortcutsOpen);
  const toggleBlank = useLabStore((s) => s.toggleBlank);
  const last = run.events.length - 1;
  const scrubId = useId();
  const speedId = useId();
  const transfers = useMemo(() => transferSteps(run), [run]); // once per run, not per step: a large run has 100k events
  const clamp = (n: number): number => Math.max(-1, Math.min(last, n));
  const prevTransfer = (): number => transfers[countUpTo(transfers, step - 1, asNumber) - 1] ?? -1;
  const nextTransfer = (): number => transfers[countUpTo(transfers, step, asNumber)] ?? last;

  const playTo = useLabStore((s) => s.playTo);
  usePlayback(playing, speed, last, playTo, setPlaying);
  useKeyboard({ step, last, playing, setStep: (n) => setStep(clamp(n)), setPlaying, prevTransfer, nextTransfer, openShortcuts: () => setShortcutsOpen(true), toggleBlank });

  const time = step >= 0 ? (run.events[step]?.time ?? 0) : 0;
  return (
    <section className="timeline" aria-label="Timeline">
      <div className="timeline-buttons">
        <button type="button" onClick={() => setStep(-1)} aria-label="First step" disabled={step < 0}>«</button>
        <button type="button" onClick={() => setStep(prevTransfer())} aria-label="Previous transfer step">⇤</button>
        <button type="button" onClick={() => setStep(clamp(step - 1))} aria-label="Step back" disabled={step < 0}>◀</button>
        <button type="button" onClick={() => setPlaying(!playing)} aria-label={playing ? 'Pause' : 'Play'} aria-pressed={playing}>
          {playing ? 'II' : '▶'}
        </button>
        <button type="button" onClick={() => setStep(clamp(step + 1))} aria-label="Step forward" disabled={step >= last}>▶|</button>
        <button type="button" onClick={() => setStep(nextTransfer())} aria-label="Next transfer step">⇥</button>
        <button type="button" onClick={() => setStep(last)} aria-label="Last step" disabled={step >= last}>»</button>
      </div>
      <label htmlFor={scrubId} className="visually-hidden">Step</label>
      <input id={scrubId} className="scrubber" type="range" min={-1} max={last} value={step} onChange={(e) => setStep(Number(e.target.value))} />
      <label htmlFor={speedId}>Speed</label>
      <input id={speedId} type="range" min={0} max={4} step={0.25} value={Math.log10(speed)} onChange={(e) => setSpeed(10 ** Number(e.target.value))} aria-valuetext={`${Math.round(speed)} steps per second`} />
      <output className="step-readout" data-step={step} data-sim-time={time} aria-live="off">
        event {step + 1} of {last + 1} · sim time {formatSimTime(time)}
      </output>
      <button type="button" onClick={() => setShortcutsOpen(true)} aria-label="Keyboard shortcuts">?</button>
    </section>
  );
}

/** How often the slower panels catch up with the step while playing (the views follow every step). */
export const PANEL_REFRESH_MS = 250;

/** Advance the step while playing; the only clock in the page. Reduced motion still steps, just without animation. */
function usePlayback(playing: boolean, speed: number, last: number, playTo: (n: number, refreshPanels: boolean) => void, setPlaying: (p: boolean) => void): void {
  useEffect(() => {
    if (!playing) return undefined;
    let frame = 0;
    let carried = 0;
    let previous = performance.now();
    let refreshed = previous;
    const tick = (now: number): void => {
      carried += ((now - previous) / 1000) * speed;
      previous = now;
      const advance = Math.floor(carried);
      if (advance > 0) {
        carried -= advance;
        const next = Math.min(last, useLabStore.getState().step + advance);
        const refresh = now - refreshed >= PANEL_REFRESH_MS;
        if (refresh) refreshed = now;
        playTo(next, refresh);
        if (next >= last) {
          setPlaying(false);
          return;
        }
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [playing, speed, last, playTo, setPlaying]);
}

interface Keys {
  step: number;
  last: number;
  playing: boolean;
  setStep: (n: number) => void;
  setPlaying: (p: boolean) => void;
  prevTransfer: () => number;
  nextTransfer: () => number;
  openShortcuts: () => void;
  toggleBlank: () => void;
}

/** Space, ←/→, Shift+←/→, PageUp/PageDown, Home/End, `.`, ? — ignored while typing in a field. */
function useKeyboard(k: Keys): void {
  const ref = useRef(k);
  useEffect(() => {
    ref.current = k;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented) return; // a focused widget (the inspector's tree or hex dump) used the key
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA') && (target as HTMLInputElement).type !== 'range') return;
      const c = ref.current;
      if (e.key === ' ' && target?.tagName !== 'BUTTON') c.setPlaying(!c.playing);
      else if (e.key === 'ArrowRight') c.setStep(e.shiftKey ? c.nextTransfer() : c.step + 1);
      else if (e.key === 'ArrowLeft') c.setStep(e.shiftKey ? c.prevTransfer() : c.step - 1);
      else if (e.key === 'Home') c.setStep(-1);
      else if (e.key === 'End') c.setStep(c.last);
      else if (e.key === 'PageDown') c.setStep(c.step + 1); // presentation clickers send PageUp/PageDown
      else if (e.key === 'PageUp') c.setStep(c.step - 1);
      else if (e.key === '.') c.toggleBlank(); // and `.` to blank the screen
      else if (e.key === '?') c.openShortcuts();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
