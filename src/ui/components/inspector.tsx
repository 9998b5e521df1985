import { memo, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { describePacket } from '../../sim/wire/describe';
import type { LabRun } from '../viewmodel/lab-run';
import { byteCursorMove, dissect, fieldPath, leafAt, treeKeyAction, visibleFields, type Field } from '../viewmodel/packet-fields';
import { transferDiff } from '../viewmodel/transfer-diff';
import './inspector.css';

/** Props of the inspector: the run, the picked trace entry, and how to close the panel. */
export interface InspectorProps {
  readonly run: LabRun;
  readonly selected: number | null;
  readonly onClose?: () => void;
}

const OWN_KEYS = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'Enter', ' ']);
const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
const range = (f: Field): string => (f.length === 0 ? 'no bytes' : f.length === 1 ? `byte ${f.offset}` : `bytes ${f.offset}–${f.offset + f.length - 1}`);

/** Packet details and bytes (Wireshark's lower panes) for a packet step; the TCB transfer diff for a transfer step. */
export function Inspector({ run, selected, onClose }: InspectorProps) {
  const titleId = useId();
  const entry = selected === null ? undefined : run.events[selected];
  let body;
  if (!entry) body = <p className="inspector-hint">Select a packet or a transfer step to inspect it.</p>;
  else if (entry.kind === 'packet-send' || entry.kind === 'packet-deliver' || entry.kind === 'packet-drop') {
    const bytes = run.packetBytes(entry.packetId);
    const where = entry.kind === 'packet-send' ? `sent by ${entry.node} on ${entry.iface}` : entry.kind === 'packet-deliver' ? `delivered to ${entry.node} on ${entry.iface}` : `dropped by ${entry.node}: ${entry.reason}${entry.detail ? ` (${entry.detail})` : ''}`;
    body = (
      <>
        <p className="inspector-summary" data-packet-id={entry.packetId}>
          Packet #{entry.packetId}, {where}. {bytes ? describePacket(bytes) : ''}
        </p>
        {bytes ? <PacketView key={entry.index} bytes={bytes} /> : <p role="status">The bytes of packet #{entry.packetId} were not recorded.</p>}
      </>
    );
  } else if (entry.kind === 'transfer') body = <TransferView key={entry.index} run={run} index={entry.index} />;
  else body = <p className="inspector-hint">Step {entry.index} is a {entry.kind} event: it carries no packet bytes and is not a transfer step.</p>;
  return (
    <section className="inspector" aria-labelledby={titleId} data-inspector-step={selected ?? undefined}>
      <header className="inspector-header">
        <h2 id={titleId}>Inspector{entry ? `: step ${entry.index}` : ''}</h2>
        {onClose && (
          <button type="button" onClick={onClose} aria-label="Close inspector">
            ×
          </button>
        )}
      </header>
      {body}
    </section>
  );
}

/** The field tree and the hex dump of one packet, linked both ways through byte offsets. */
export function PacketView({ bytes, initialField }: { bytes: Uint8Array; initialField?: string }) {
  const fields = useMemo(() => dissect(bytes), [bytes]);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set([...fields.map((f) => f.id), ...fieldPath(fields, initialField ?? '').slice(0, -1).map((f) => f.id)]));
  const [active, setActive] = useState<string | null>(initialField ?? null);
  const [focusId, setFocusId] = useState<string>(initialField ?? fields[0]?.id ?? '');
  const [cursor, setCursor] = useState<number | null>(null);
  const treeRef = useRef<HTMLUListElement>(null);
  const moveFocus = useRef(initialField !== undefined);
  const rows = useMemo(() => visibleFields(fields, expanded), [fields, expanded]);
  const path = active === null ? [] : fieldPath(fields, active);
  const activeField = path.at(-1);
  const shown = new Set(rows.map((r) => r.field.id));
  const shownActive = [...path].reverse().find((f) => shown.has(f.id))?.id;
  const liveId = useId();

  useEffect(() => {
    if (!moveFocus.current) return;
    moveFocus.current = false;
    treeRef.current?.querySelector<HTMLElement>(`[data-field="${CSS.escape(focusId)}"]`)?.focus();
  }, [focusId, rows]);

  const goTo = (id: string | undefined): void => {
    if (id === undefined) return;
    moveFocus.current = true;
    setFocusId(id);
    setActive(id);
  };
  const toggle = (id: string, open: boolean): void => setExpanded((old) => new Set(open ? [...old, id] : [...old].filter((x) => x !== id)));
  /** Open the tree down to the field holding byte `at` and focus it. */
  const reveal = (at: number): void => {
    const leaf = leafAt(fields, at);
    if (!leaf) return;
    setExpanded((old) => new Set([...old, ...fieldPath(fields, leaf.id).slice(0, -1).map((f) => f.id)]));
    goTo(leaf.id);
  };

  // Keys the tree and the dump own are kept from the timeline's page-wide shortcuts, even where they do nothing here.
  const own = (e: KeyboardEvent): boolean => {
    if (!OWN_KEYS.has(e.key)) return false;
    e.preventDefault();
    e.stopPropagation();
    return true;
  };
  const onTreeKey = (e: KeyboardEvent<HTMLUListElement>): void => {
    const action = own(e) ? treeKeyAction(rows, focusId, e.key) : null;
    if (action === null) return;
    if ('focus' in action) goTo(action.focus);
    else toggle(action.toggle, action.open);
  };
  const onDumpKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (!own(e)) return;
    const next = byteCursorMove(cursor, e.key, bytes.length);
    if (next === undefined) return e.key === 'Enter' && cursor !== null ? reveal(cursor) : undefined;
    setCursor(next);
    setActive(leafAt(fields, next)?.id ?? null);
  };

  // Hover follows mousemove, not mouseenter: scrolling after a click must not move the highlight off the field shown.
  // One delegated listener for every byte (hex and ASCII) instead of two closures per byte.
  const byteAt = (e: MouseEvent<HTMLDivElement>): number | null => {
    const el = (e.target as Element | null)?.closest?.('[data-offset], [data-ascii-offset]');
    if (!el || !e.currentTarget.contains(el)) return null;
    const raw = el.getAttribute('data-offset') ?? el.getAttribute('data-ascii-offset');
    return raw === null ? null : Number(raw);
  };
  const onDumpMouseMove = (e: MouseEvent<HTMLDivElement>): void => {
    const at = byteAt(e);
    if (at !== null) setActive(leafAt(fields, at)?.id ?? null);
  };
  const onDumpClick = (e: MouseEvent<HTMLDivElement>): void => {
    const at = byteAt(e);
    if (at !== null) reveal(at);
  };
  const litFrom = activeField ? activeField.offset : -1;
  const litTo = activeField ? activeField.offset + activeField.length : -1;
  const starts = Array.from({ length: Math.ceil(bytes.length / 16) }, (_, i) => i * 16);

  return (
    <div className="packet-view">
      <ul className="field-tree" role="tree" aria-label="Packet fields" aria-describedby={liveId} ref={treeRef} onKeyDown={onTreeKey}>
        {rows.map(({ field: f, level, expanded: open, posInSet, setSize }) => (
          <li
            key={f.id}
            role="treeitem"
            aria-level={level}
            aria-posinset={posInSet}
            aria-setsize={setSize}
            aria-expanded={open ?? undefined}
            aria-selected={f.id === focusId}
            aria-label={`${f.label}${f.error ? `, error: ${f.error}` : ''}, ${range(f)}`}
            tabIndex={f.id === focusId ? 0 : -1}
            data-field={f.id}
            data-offset={f.offset}
            data-length={f.length}
            data-active={f.id === shownActive || undefined}
            data-error={f.error !== undefined || undefined}
            className={f.id === shownActive ? 'is-active' : undefined}
            style={{ paddingInlineStart: `${(level - 1) * 1.1 + 0.3}rem` }}
            onMouseMove={() => setActive(f.id)}
            onFocus={() => {
              setFocusId(f.id);
              setActive(f.id);
            }}
            onClick={() => {
              goTo(f.id);
              if (open !== null) toggle(f.id, !open);
            }}
          >
            <span className="twisty" aria-hidden="true">{open === null ? '' : open ? '▾' : '▸'}</span>
            {f.bits !== undefined && <code className="field-bits">{f.bits} = </code>}
            <span className="field-label">{f.label}</span>
            {f.error !== undefined && <span className="field-error"> ⚠ {f.error}</span>}
          </li>
        ))}
      </ul>
      <p id={liveId} className="field-readout" aria-live="polite" data-active-field={activeField?.id}>
        {activeField ? `${activeField.label} — ${range(activeField)}` : 'Hover or focus a field to see its bytes; hover a byte to find its field.'}
      </p>
      <div className="hex-dump" role="group" tabIndex={0} aria-label={`Packet bytes: ${bytes.length} bytes, 16 per row. Arrow keys move between bytes, Enter shows the byte's field.`} aria-describedby={liveId} onKeyDown={onDumpKey} onMouseMove={onDumpMouseMove} onClick={onDumpClick}>
        {starts.map((start) => {
          // Each row only sees the part of the highlight and the cursor that falls in it, so unaffected rows skip re-rendering.
          const end = start + 16;
          const from = litFrom < end && litTo > start ? Math.max(litFrom, start) : -1;
          const to = from < 0 ? -1 : Math.min(litTo, end);
          return <HexRow key={start} bytes={bytes} start={start} litFrom={from} litTo={to} cursor={cursor !== null && cursor >= start && cursor < end ? cursor : -1} />;
        })}
      </div>
    </div>
  );
}

/** One row of the hex dump: 16 bytes in hex and ASCII. Memoised: only rows whose highlight or cursor changes re-render. */
const HexRow = memo(function HexRow({ bytes, start, litFrom, litTo, cursor }: { bytes: Uint8Array; start: number; litFrom: number; litTo: number; cursor: number }) {
  const row = Array.from(bytes.subarray(start, start + 16));
  const lit = (at: number): boolean => at >= litFrom && at < litTo;
  const byteProps = (at: number, attribute: 'data-offset' | 'data-ascii-offset') => ({
    [attribute]: at,
    className: `${lit(at) ? 'is-lit' : ''}${cursor === at ? ' is-cursor' : ''}`,
    'data-lit': lit(at) || undefined,
  });
  return (
    <div className="hex-row">
      <span className="hex-offset" aria-hidden="true">{start.toString(16).padStart(4, '0')}</span>
      <span className="hex-bytes" aria-hidden="true">
        {row.map((b, i) => <span key={i} {...byteProps(start + i, 'data-offset')}>{hex2(b)}</span>)}
      </span>
      <span className="hex-ascii" aria-hidden="true">
        {row.map((b, i) => <span key={i} {...byteProps(start + i, 'data-ascii-offset')}>{b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'}</span>)}
      </span>
    </div>
  );
});

/** The TCB transfer diff: what moved, next to the freeze and the wire, and why it must match. */
function TransferView({ run, index }: { run: LabRun; index: number }) {
  const result = useMemo(() => transferDiff(run, index), [run, index]);
  const [field, setField] = useState<string | undefined>(undefined);
  const [open, setOpen] = useState(false);
  if (!result.ok) return <p role="status">{result.error}</p>;
  const d = result.diff;
  const bytes = run.packetBytes(d.packetId);
  const show = (id: string | null): void => {
    setField(id ?? undefined);
    setOpen(true);
  };
  const none = (
    <>
      <span aria-hidden="true">—</span>
      <span className="visually-hidden">not shown</span>
    </>
  );
  return (
    <div className="transfer-view" data-transfer-id={d.transferId}>
      <p className="inspector-summary">
        Transfer #{d.transferId} of {d.conn} from {d.from} to {d.to}: frozen at step {d.freeze.eventIndex}, the connection transfer message left in packet #{d.packetId} at step {d.sendIndex}
        {d.viaXcfData ? ' inside an XCF_DATA envelope' : ''}.
      </p>
      <table className="transfer-diff" data-table="transfer-diff">
        <caption>What moved with the connection, and why the client notices nothing</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">In the message</th>
            <th scope="col">At the freeze</th>
            <th scope="col">Client last saw</th>
            <th scope="col">Check</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {d.rows.map((r) => (
            <tr key={r.field} data-row={r.field} data-field={r.fieldId ?? undefined} data-must-match={r.mustMatch} data-verdict={r.verdict ? (r.verdict.ok ? 'ok' : 'mismatch') : 'none'}>
              <th scope="row">
                {r.fieldId && bytes ? (
                  <button type="button" className="link-button" onClick={() => show(r.fieldId)} aria-label={`Show the bytes of ${r.field}`}>
                    {r.field}
                  </button>
                ) : (
                  r.field
                )}
              </th>
              <td className="mono">{r.value}</td>
              <td className="mono">{r.atFreeze ?? none}</td>
              <td className="mono">{r.onWire ?? none}</td>
              <td>{r.verdict ? <span className={r.verdict.ok ? 'verdict-ok' : 'verdict-bad'}>{r.verdict.ok ? '✓ ' : '✗ '}{r.verdict.text}</span> : none}</td>
              <td>
                <strong>{r.mustMatch ? 'Must match.' : 'May differ.'}</strong> {r.note}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {bytes && (
        <details className="transfer-bytes" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
          <summary>Bytes of the connection transfer message (packet #{d.packetId})</summary>
          <PacketView key={field ?? ''} bytes={bytes} {...(field === undefined ? {} : { initialField: field })} />
        </details>
      )}
    </div>
  );
}
