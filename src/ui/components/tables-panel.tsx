import { memo } from 'react';
import type { StateAt, TcpView } from '../viewmodel/state-at';

/**
 * Rows a table shows at most: a 1,000-client run has thousands of TCP
 * machines and CRT rows, and laying them all out on every step costs more
 * than everything else the page does. The rest is counted in a line below.
 */
export const MAX_TABLE_ROWS = 60;

/** The machines that changed most recently, in their table order. */
function recentTcp(rows: readonly TcpView[]): readonly TcpView[] {
  if (rows.length <= MAX_TABLE_ROWS) return rows;
  const keep = new Set([...rows].sort((a, b) => b.since - a.since).slice(0, MAX_TABLE_ROWS));
  return rows.filter((r) => keep.has(r));
}

/** "…and n more" under a capped table. */
function More({ shown, total, what }: { shown: number; total: number; what: string }) {
  if (total <= shown) return null;
  return <p className="table-more" data-more={total - shown}>Showing {shown} of {total} {what}; the others are in the event list.</p>;
}

/** IBM-style tables: CRT (netstat VCRT), DPT counters (netstat VDPT), and every TCP state machine. */
export function TablesPanel({ state }: { state: StateAt }) {
  // Each table gets only its own map: a step shares the maps it did not change (see StateFolder), so the
  // tables it did not touch are not rendered again.
  return (
    <section className="tables" aria-labelledby="tables-title" tabIndex={0}>
      <h2 id="tables-title">Tables</h2>
      <VcrtTable crt={state.crt} />
      <VdptTable dpt={state.dpt} />
      {state.vipadyn.size > 0 && <VipadynTable vipadyn={state.vipadyn} />}
      <TcpTable tcp={state.tcp} />
    </section>
  );
}

const ibm = (addrPort: string): string => addrPort.replace(/:(\d+)$/, '..$1');

/** netstat VCRT: the first MAX_TABLE_ROWS rows. */
const VcrtTable = memo(function VcrtTable({ crt }: { crt: StateAt['crt'] }) {
  return (
    <>
      <table data-table="vcrt">
        <caption>Connection routing table (netstat VCRT)</caption>
        <thead>
          <tr><th scope="col">Stack</th><th scope="col">Dest</th><th scope="col">Source</th><th scope="col">DestXCF</th></tr>
        </thead>
        <tbody>
          {[...crt.values()].slice(0, MAX_TABLE_ROWS).map((r) => (
            <tr key={`${r.stack} ${r.source}`} data-source={r.source} data-destxcf={r.destXcf}>
              <td>{r.stack}</td><td>{ibm(r.dest)}</td><td>{ibm(r.source)}</td><td>{r.destXcf}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <More shown={Math.min(crt.size, MAX_TABLE_ROWS)} total={crt.size} what="CRT rows" />
    </>
  );
});

/** Every TCP machine's state, the most recently changed MAX_TABLE_ROWS of them. */
const TcpTable = memo(function TcpTable({ tcp }: { tcp: StateAt['tcp'] }) {
  return (
    <>
      <table data-table="tcp">
        <caption>TCP connections and their RFC 9293 state</caption>
        <thead>
          <tr><th scope="col">Node</th><th scope="col">Connection</th><th scope="col">State</th></tr>
        </thead>
        <tbody>
          {recentTcp([...tcp.values()]).map((t) => (
            <tr key={`${t.node} ${t.machine}`} data-state={t.state}><td>{t.node}</td><td>{t.machine.replace(/^tcp /, '')}</td><td>{t.state}</td></tr>
          ))}
        </tbody>
      </table>
      <More shown={Math.min(tcp.size, MAX_TABLE_ROWS)} total={tcp.size} what="TCP machines (the most recently changed are shown)" />
    </>
  );
});

/** netstat VDPT: TotalConn and ActiveConn; Rdy, WLM weight and Flg when the routing stack reports them (SYN-time distribution). */
const VdptTable = memo(function VdptTable({ dpt }: { dpt: StateAt['dpt'] }) {
  const rows = [...dpt.values()];
  const detail = rows.some((d) => d.reported);
  return (
    <table data-table="vdpt">
      <caption>Destination port table counters (netstat VDPT)</caption>
      <thead>
        <tr>
          <th scope="col">DestXCF</th><th scope="col">TotalConn</th>
          {detail && <><th scope="col">Rdy</th><th scope="col">WLM</th></>}
          <th scope="col">ActiveConn</th>
          {detail && <th scope="col">Flg</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((d) => (
          <tr key={d.destXcf} data-destxcf={d.destXcf} data-active={d.activeConn}>
            <td>{d.destXcf}</td><td>{d.totalConn}</td>
            {detail && <><td>{d.reported?.rdy ?? ''}</td><td>{d.reported?.weight ?? ''}</td></>}
            <td>{d.activeConn}</td>
            {detail && <td>{d.reported?.flags ?? ''}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
});

/** netstat VIPADYN: each stack's status for the DVIPA — Active, Backup, Moving, Quiescing (Down: the stack crashed). */
const VipadynTable = memo(function VipadynTable({ vipadyn }: { vipadyn: StateAt['vipadyn'] }) {
  return (
    <table data-table="vipadyn">
      <caption>Dynamic VIPA status (netstat VIPADYN)</caption>
      <thead>
        <tr><th scope="col">Stack</th><th scope="col">IPAddr/PrefixLen</th><th scope="col">Status</th><th scope="col">Origin</th><th scope="col">DistStat</th><th scope="col">Rank</th></tr>
      </thead>
      <tbody>
        {[...vipadyn.values()].map((v) => (
          <tr key={v.stack} data-stack={v.stack} data-status={v.status}>
            <td>{v.stack}</td><td>{v.dvipa}</td><td>{v.status}</td><td>{v.origin}</td><td>{v.distStat || '-'}</td><td>{v.rank ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
});
