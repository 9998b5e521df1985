import { useEffect, useId, useMemo, useRef } from 'react';
import { formatSimTime } from '../../sim/core/time';
import type { LabRun } from '../viewmodel/lab-run';
import { buildTopology } from '../viewmodel/topology-model';
import { renderTopology } from '../viz/topology';
import '../viz/viz.css';

/** Props of the topology view. */
export interface TopologyViewProps {
  readonly run: LabRun;
  /** Index of the current step (−1: before the first). */
  readonly step: number;
  /** Called with the packet-send index of a clicked packet, or a clicked client's latest step. */
  readonly onSelect: (eventIndex: number) => void;
  readonly selected: number | null;
  /** Display time in µs, if a UI clock moves packets between steps; default the step's time. */
  readonly timeUs?: number;
}

/**
 * The network: nodes by role, links by kind, packets in flight at the step's
 * time, and the focused connection's owner. React owns the panel and the
 * <svg>; D3 draws inside one <g>.
 */
export function TopologyView({ run, step, onSelect, selected, timeUs }: TopologyViewProps) {
  const titleId = useId();
  const model = useMemo(() => buildTopology(run, step, timeUs === undefined ? { selected } : { selected, timeUs }), [run, step, selected, timeUs]);
  const ref = useRef<SVGGElement>(null);

  useEffect(() => {
    if (ref.current) renderTopology(ref.current, model, { onSelect });
  }, [model, onSelect]);

  const owner = model.owner;
  const ownerText = !owner
    ? 'No TCP connection is owned by a stack in this run.'
    : owner.owner
      ? `Connection ${owner.conn} is owned by ${owner.owner}${owner.frozen ? ', frozen for a transfer' : ''} (since step ${owner.since}).`
      : `Connection ${owner.conn} has no owning stack at this step.`;
  return (
    <section className="viz topology-view" aria-labelledby={titleId} data-step={model.step}>
      <h2 id={titleId}>Topology</h2>
      <p className="viz-note" aria-live="polite" data-owner={owner?.owner ?? undefined}>
        {ownerText}
      </p>
      <div className="topology-box">
        <svg
          className="topology-svg"
          viewBox={`0 0 ${model.width} ${model.height}`}
          width={model.width}
          height={model.height}
          role="group"
          aria-label={`Network of ${model.nodes.length} nodes; ${model.flights.length} packet(s) in flight at ${model.timeUs === null ? 'the start' : formatSimTime(model.timeUs)}`}
          data-sim-time={model.timeUs ?? undefined}
        >
          <g ref={ref} />
        </svg>
      </div>
      <ul className="viz-legend" aria-label="Legend">
        <li>
          <span className="legend-glyph" aria-hidden="true">●</span> TCP segment · <span className="legend-glyph" aria-hidden="true">■</span> control message (app ↔ stack) ·{' '}
          <span className="legend-glyph" aria-hidden="true">◆</span> XCF signalling · <span className="legend-glyph" aria-hidden="true">✗</span> will be lost
        </li>
        <li>
          Links: LAN solid · OSA long dashes · XCF dotted arc · loopback small loop. Stacks: routing stack double border, target stack single; ★ marks the owner.
        </li>
      </ul>
    </section>
  );
}
