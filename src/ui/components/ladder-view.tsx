import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useLabStore } from '../store/lab-store';
import type { LabRun } from '../viewmodel/lab-run';
import { buildLadder, ladderChoices, type LadderChoice } from '../viewmodel/ladder-model';
import { ladderLayout, ladderWindow, renderLadder, renderLadderHeader } from '../viz/ladder';
import '../viz/viz.css';

/** Props of the lab's visualisers: the run, the current step, and the selection. */
export interface LadderViewProps {
  readonly run: LabRun;
  /** Index of the current step (−1: before the first). */
  readonly step: number;
  /** Called with the packet-send index of a clicked arrow. */
  readonly onSelect: (eventIndex: number) => void;
  readonly selected: number | null;
}

/**
 * The ladder (sequence) diagram: React owns the panel, the scroll box and the
 * two <svg>s (sticky lane header, body); D3 draws inside one <g> each. After
 * every step the box scrolls, without animation, so the current row shows;
 * only the rows near the visible band are drawn.
 */
export function LadderView({ run, step, onSelect, selected }: LadderViewProps) {
  const titleId = useId();
  const noteId = useId();
  const chosen = useLabStore((s) => s.ladderFocus);
  const choose = useLabStore((s) => s.setLadderFocus);
  const model = useMemo(() => buildLadder(run, step, { selected, focus: chosen }), [run, step, selected, chosen]);
  const layout = useMemo(() => ladderLayout(model), [model]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const headerRef = useRef<SVGGElement>(null);
  const bodyRef = useRef<SVGGElement>(null);

  // The scroll box's position and height, tracked from scroll events and a ResizeObserver so a step never
  // has to read them back from the DOM (each read would force a synchronous layout of the whole page).
  const view = useRef<{ top: number; height: number } | null>(null);
  const measure = (box: HTMLDivElement): { top: number; height: number } => {
    view.current ??= { top: box.scrollTop, height: box.clientHeight };
    return view.current;
  };
  useEffect(() => {
    const box = scrollRef.current;
    if (!box || typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(() => {
      view.current = { top: box.scrollTop, height: box.clientHeight };
    });
    observer.observe(box);
    return () => observer.disconnect();
  }, []);

  // Keep the current row in view when the step changes: scroll (without animation) only if it is outside the visible band.
  // The scroll itself is applied after drawing (below), so the page is laid out once per step, not twice.
  const pendingScroll = useRef<number | null>(null);
  useEffect(() => {
    const box = scrollRef.current;
    if (!box || model.currentRow === null) return;
    const v = measure(box);
    const rowTop = layout.headerHeight + layout.rowY(model.currentRow) - layout.rowHeight / 2;
    const visibleTop = v.top + layout.headerHeight;
    const visibleBottom = v.top + v.height;
    if (rowTop < visibleTop || rowTop + layout.rowHeight > visibleBottom) {
      // Where the browser will clamp it: the content is the header and body <svg>s (+1px header border).
      const maxTop = Math.max(0, layout.headerHeight + 1 + layout.height - v.height);
      const target = Math.max(0, rowTop - v.height * 0.6);
      pendingScroll.current = target;
      v.top = Math.min(target, maxTop);
    }
  }, [model.step, model.currentRow, layout]);

  // Draw, then redraw the visible window as the box scrolls (only rows near the view are in the DOM).
  useEffect(() => {
    const box = scrollRef.current;
    const body = bodyRef.current;
    if (headerRef.current) renderLadderHeader(headerRef.current, model, layout);
    if (!box || !body) return undefined;
    const draw = (): void => {
      const v = measure(box);
      renderLadder(body, model, layout, { onSelect }, ladderWindow(layout, v.top, v.height));
    };
    const onScroll = (): void => {
      const v = measure(box);
      const top = box.scrollTop;
      if (top === v.top) return; // our own scroll to the current row: already drawn for it
      v.top = top;
      draw();
    };
    draw();
    if (pendingScroll.current !== null) {
      box.scrollTop = pendingScroll.current;
      pendingScroll.current = null;
      const v = measure(box);
      const actual = box.scrollTop; // laid out already by the assignment: cheap to read
      if (actual !== v.top) {
        v.top = actual;
        draw();
      }
    }
    box.addEventListener('scroll', onScroll, { passive: true });
    return () => box.removeEventListener('scroll', onScroll);
  }, [model, layout, onSelect]);

  const current = model.arrows.find((a) => a.current);
  return (
    <section className="viz ladder-view" aria-labelledby={titleId} data-step={model.step} data-focus={model.focus ?? undefined}>
      <h2 id={titleId}>Ladder diagram</h2>
      {model.focus !== null && <ConnectionPicker run={run} focus={model.focus} onChoose={choose} />}
      {model.note && (
        <p className="viz-note" id={noteId} role="note">
          {model.note}
        </p>
      )}
      <div
        className="ladder-scroll"
        ref={scrollRef}
        tabIndex={0}
        role="region"
        aria-label="Ladder diagram, one row per step; arrows are buttons that select their packet"
        aria-describedby={model.note ? noteId : undefined}
      >
        <svg className="ladder-header" width={layout.width} height={layout.headerHeight} aria-hidden="true">
          <g ref={headerRef} />
        </svg>
        <svg className="ladder-body" width={layout.width} height={layout.height} role="group" aria-label={`${model.rows.length} rows up to step ${model.step}`}>
          <g ref={bodyRef} />
        </svg>
      </div>
      <p className="viz-status" aria-live="polite">
        {current ? `Step ${model.step}: ${current.label}` : model.step >= 0 ? `Step ${model.step}` : 'Before the first step'}
      </p>
      <LadderLegend />
    </section>
  );
}

/** A searchable list of the run's client connections (a combobox: type to filter, pick to show it). */
function ConnectionPicker({ run, focus, onChoose }: { run: LabRun; focus: string; onChoose: (client: string) => void }) {
  const inputId = useId();
  const listId = useId();
  const list = ladderChoices(run);
  const hintId = useId();
  const byLabel = useMemo(() => new Map(list.map((c) => [c.label.toLowerCase(), c])), [list]);
  const byText = useMemo(() => choiceIndex(list), [list]);
  // The same element on every step, so React does not compare a thousand options each time.
  const options = useMemo(
    () => (
      <datalist id={listId}>
        {list.map((c) => (
          <option key={c.client} value={c.label} />
        ))}
      </datalist>
    ),
    [list, listId],
  );
  const [draft, setDraft] = useState<string | null>(null);
  const current = list.find((c) => c.client === focus)?.label ?? focus;
  // A full label (what picking from the list enters) chooses at once; a client's name on Enter, so typing
  // "client17" does not stop at client1 on the way.
  const commit = (text: string, byName: boolean): boolean => {
    const hit = (byName ? byText : byLabel).get(text.trim().toLowerCase());
    if (hit) {
      onChoose(hit.client);
      setDraft(null);
    }
    return hit !== undefined;
  };
  return (
    <div className="ladder-picker">
      <label htmlFor={inputId}>Connection shown</label>{' '}
      <input
        id={inputId}
        type="text"
        list={listId}
        value={draft ?? current}
        size={44}
        spellCheck={false}
        autoComplete="off"
        aria-describedby={hintId}
        data-focus={focus}
        onChange={(e) => {
          if (!commit(e.target.value, false)) setDraft(e.target.value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && draft !== null) commit(draft, true);
        }}
        onFocus={(e) => e.target.select()}
        onBlur={() => setDraft(null)}
      />{' '}
      <span id={hintId} className="viz-note">
        Type to search {list.length} clients; Enter shows the one named. Clicking a packet in the topology follows its client.
      </span>
      {options}
    </div>
  );
}

/** Choices by lower-cased label and client name, what the picker accepts. */
function choiceIndex(list: readonly LadderChoice[]): Map<string, LadderChoice> {
  const index = new Map<string, LadderChoice>();
  for (const c of list) {
    index.set(c.label.toLowerCase(), c);
    index.set(c.client.toLowerCase(), c);
  }
  return index;
}

/** What each line style means: colour is never the only carrier. */
function LadderLegend() {
  const item = (className: string, text: string) => (
    <li>
      <svg width="44" height="12" aria-hidden="true" className="legend-swatch">
        <line x1="2" x2="42" y1="6" y2="6" className={className} />
      </svg>
      {text}
    </li>
  );
  return (
    <ul className="viz-legend" aria-label="Legend">
      {item('legend-tcp', 'TCP segment (solid)')}
      {item('legend-control', 'control message, app ↔ stack (dashed)')}
      {item('legend-xcf', 'XCF signalling (dotted)')}
      {item('legend-retransmission', '[TCP Retransmission] (long dashes)')}
      <li>
        <span className="legend-glyph" aria-hidden="true">✗</span> dropped · <span className="legend-glyph" aria-hidden="true">○</span> in flight ·{' '}
        <span className="legend-glyph" aria-hidden="true">◆</span> transfer step · <span className="legend-glyph" aria-hidden="true">▶</span> current step
      </li>
    </ul>
  );
}
