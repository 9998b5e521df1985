#!/usr/bin/env bash
# compare-ns3.sh -- compare our engine's TCP short-flow benchmark with the ns-3 peer baseline.
#
# Workload: see bench/ns3-workload.md (N clients in a star, 200 B request / 2000 B response,
# 11 TCP segments per flow). Rounds are interleaved (ns-3 run, then our run, per round) so that
# load from other work on this shared machine hits both sides about equally.
#
# Usage:  bash bench/compare-ns3.sh [N ...]
# Env:
#   NS_LIST          list of client counts (default "1000 10000"; positional args override)
#   ROUNDS           rounds per N (default 5)
#   NS3_SRC          tcp_flows.cc source (default ../shared/bench/ns3/tcp_flows.cc, relative to repo root)
#   NS3_BIN          ns-3 binary (default /tmp/tcp_flows; built from NS3_SRC if missing)
#   NS3_EXTRA_ARGS   extra args for ns-3, e.g. "--servers=1000" (default: none = 1 server)
#   OURS_EXTRA_ARGS  extra args for our bench (default: none)
#   RAW_OUT          file for raw per-run records (default /tmp/compare-ns3-<timestamp>.jsonl)
#
# Our engine: `npm run -s bench -- --clients N --json` must print one JSON object on stdout with at
# least {clients, segments, events, setupWallSeconds, runWallSeconds, segmentsPerSecond,
# heapBytesPerConnection}. If that command fails, the ns-3 medians are still printed and the
# script exits 1.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

NS3_SRC="${NS3_SRC:-../shared/bench/ns3/tcp_flows.cc}"
NS3_BIN="${NS3_BIN:-/tmp/tcp_flows}"
ROUNDS="${ROUNDS:-5}"
if [ "$#" -gt 0 ]; then NS_LIST="$*"; else NS_LIST="${NS_LIST:-1000 10000}"; fi
NS3_EXTRA_ARGS="${NS3_EXTRA_ARGS:-}"
OURS_EXTRA_ARGS="${OURS_EXTRA_ARGS:-}"
RAW_OUT="${RAW_OUT:-/tmp/compare-ns3-$(date +%Y%m%d-%H%M%S).jsonl}"

log() { printf '%s\n' "$*" >&2; }

command -v node >/dev/null || { log "error: node not found"; exit 2; }

# ---------------------------------------------------------------- ns-3 binary
ensure_ns3() {
  if [ -x "$NS3_BIN" ]; then return 0; fi
  if [ ! -f "$NS3_SRC" ]; then log "error: ns-3 source not found: $NS3_SRC (set NS3_SRC)"; exit 2; fi
  if ! dpkg -s libns3-dev >/dev/null 2>&1; then
    log "libns3-dev missing; installing (apt-get, non-interactive)..."
    local SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q libns3-dev time >&2
  fi
  log "building $NS3_BIN from $NS3_SRC ..."
  # Exact command from the ns-3 README (pkg-config for ns3 references a missing libgsl.so symlink).
  g++ -O2 -std=c++17 -o "$NS3_BIN" "$NS3_SRC" \
    -lns3-point-to-point -lns3-internet -lns3-applications -lns3-network -lns3-core \
    -lns3-bridge -lns3-traffic-control -lns3-stats >&2
}
ensure_ns3

HAVE_TIME=0
[ -x /usr/bin/time ] && HAVE_TIME=1

: > "$RAW_OUT"
TMPDIR_C="$(mktemp -d)"
trap 'rm -rf "$TMPDIR_C"' EXIT

# ns-3 "k=v k=v ..." line (+ optional peak_rss_kb) -> one JSON record on RAW_OUT
run_ns3() { # N round
  local n=$1 r=$2 out line rss
  # shellcheck disable=SC2086
  if [ "$HAVE_TIME" -eq 1 ]; then
    out=$( { /usr/bin/time -v "$NS3_BIN" --n="$n" $NS3_EXTRA_ARGS; } 2>&1 ) || { log "error: ns-3 run failed:"; log "$out"; exit 2; }
    rss=$(printf '%s\n' "$out" | awk -F': ' '/Maximum resident/{print $2}')
  else
    out=$("$NS3_BIN" --n="$n" $NS3_EXTRA_ARGS 2>&1) || { log "error: ns-3 run failed:"; log "$out"; exit 2; }
    rss=""
  fi
  line=$(printf '%s\n' "$out" | grep '^servers=' | tail -n1)
  [ -n "$line" ] || { log "error: no result line from ns-3:"; log "$out"; exit 2; }
  LINE="$line" RSS="$rss" N="$n" R="$r" node -e '
    const rec = { impl: "ns3", N: +process.env.N, round: +process.env.R };
    for (const kv of process.env.LINE.trim().split(/\s+/)) {
      const i = kv.indexOf("="); if (i > 0) rec[kv.slice(0, i)] = Number(kv.slice(i + 1));
    }
    if (process.env.RSS) rec.peak_rss_kb = Number(process.env.RSS);
    process.stdout.write(JSON.stringify(rec) + "\n");' >> "$RAW_OUT"
  log "  ns-3 N=$n round=$r: $line${rss:+ peak_rss_kb=$rss}"
}

# our bench -> JSON record on RAW_OUT; returns 1 if the bench is missing/failed/unparseable
run_ours() { # N round
  local n=$1 r=$2 rc=0
  # shellcheck disable=SC2086
  npm run -s bench -- --clients "$n" --json $OURS_EXTRA_ARGS \
    > "$TMPDIR_C/ours.out" 2> "$TMPDIR_C/ours.err" || rc=$?
  if [ "$rc" -ne 0 ]; then
    log "  ours N=$n round=$r: 'npm run -s bench -- --clients $n --json' failed (exit $rc)"
    if ! node -e 'process.exit(require("./package.json").scripts?.bench ? 0 : 1)' 2>/dev/null; then
      log "    (package.json has no \"bench\" script; npm -s prints nothing in that case)"
    fi
    tail -n 5 "$TMPDIR_C/ours.err" | sed 's/^/    /' >&2
    return 1
  fi
  if ! OUTF="$TMPDIR_C/ours.out" N="$n" R="$r" node -e '
    const fs = require("fs");
    const txt = fs.readFileSync(process.env.OUTF, "utf8");
    // take the last line that parses as a JSON object (tolerates stray log lines)
    let obj = null;
    for (const l of txt.split(/\r?\n/).reverse()) {
      const s = l.trim(); if (!s.startsWith("{")) continue;
      try { obj = JSON.parse(s); break; } catch {}
    }
    if (!obj) { try { obj = JSON.parse(txt); } catch {} }
    if (!obj || typeof obj !== "object") { console.error("no JSON object in output"); process.exit(1); }
    const need = ["clients","segments","events","setupWallSeconds","runWallSeconds","segmentsPerSecond","heapBytesPerConnection"];
    const miss = need.filter(k => !(k in obj));
    if (miss.length) console.error("warning: JSON lacks " + miss.join(", "));
    process.stdout.write(JSON.stringify({ impl: "ours", N: +process.env.N, round: +process.env.R, ...obj }) + "\n");
  ' >> "$RAW_OUT" 2> "$TMPDIR_C/parse.err"; then
    log "  ours N=$n round=$r: could not parse output: $(cat "$TMPDIR_C/parse.err")"
    head -c 500 "$TMPDIR_C/ours.out" | sed 's/^/    /' >&2
    return 1
  fi
  [ -s "$TMPDIR_C/parse.err" ] && sed 's/^/    /' "$TMPDIR_C/parse.err" >&2
  log "  ours N=$n round=$r: $(tail -n1 "$RAW_OUT")"
  return 0
}

OURS_OK=1
log "compare-ns3: N in [$NS_LIST], $ROUNDS rounds each; ns-3 args: --n=N ${NS3_EXTRA_ARGS:-(1 server)}; raw records -> $RAW_OUT"
log "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (nproc=$(nproc))"
for n in $NS_LIST; do
  for r in $(seq 1 "$ROUNDS"); do
    run_ns3 "$n" "$r"
    if [ "$OURS_OK" -eq 1 ]; then
      run_ours "$n" "$r" || { OURS_OK=0; log "  our bench unavailable: continuing with ns-3 only"; }
    fi
  done
done

# ---------------------------------------------------------------- medians table
RAW_OUT="$RAW_OUT" OURS_OK="$OURS_OK" node -e '
const fs = require("fs");
const recs = fs.readFileSync(process.env.RAW_OUT, "utf8").split("\n").filter(Boolean).map(l => JSON.parse(l));
const med = a => { const v = a.filter(x => Number.isFinite(x)).sort((x, y) => x - y);
  if (!v.length) return NaN; const m = v.length >> 1; return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2; };
const f = (x, d = 0) => Number.isFinite(x) ? x.toFixed(d) : "-";
const Ns = [...new Set(recs.map(r => r.N))];
const rows = [];
let warn = [];
for (const N of Ns) {
  const a = recs.filter(r => r.impl === "ns3" && r.N === N);
  const b = recs.filter(r => r.impl === "ours" && r.N === N);
  // ns-3 segments per wall-second of Simulator::Run() = segments / run_s (seg_per_run_s is that, unrounded)
  const nsSps = a.map(r => Number.isFinite(r.seg_per_run_s) ? r.seg_per_run_s : r.segments / r.run_s);
  const ourSps = b.map(r => Number.isFinite(r.segmentsPerSecond) ? r.segmentsPerSecond : r.segments / r.runWallSeconds);
  const paired = [];
  for (const x of b) { const y = a.find(z => z.round === x.round); if (y) {
    const s1 = Number.isFinite(x.segmentsPerSecond) ? x.segmentsPerSecond : x.segments / x.runWallSeconds;
    const s0 = Number.isFinite(y.seg_per_run_s) ? y.seg_per_run_s : y.segments / y.run_s;
    paired.push(s1 / s0); } }
  for (const y of a) if (y.flows_done !== N || y.segments !== 11 * N) warn.push(`ns-3 N=${N} round ${y.round}: flows_done=${y.flows_done} segments=${y.segments} (expected ${N} / ${11 * N})`);
  for (const x of b) if (x.segments !== undefined && x.segments !== 11 * N) warn.push(`ours N=${N} round ${x.round}: segments=${x.segments}, ns-3 produces ${11 * N} (11 per flow) -- workload mismatch?`);
  const warmSps = b.map(r => r.warmSegmentsPerSecond);
  rows.push({ N, a, b, nsSps: med(nsSps), ourSps: med(ourSps), warmSps: med(warmSps), pairedRatio: med(paired),
    ns: { seg: med(a.map(r => r.segments)), ev: med(a.map(r => r.events)), setup: med(a.map(r => r.setup_s)),
          run: med(a.map(r => r.run_s)), rss: med(a.map(r => r.peak_rss_kb)) },
    us: { seg: med(b.map(r => r.segments)), ev: med(b.map(r => r.events)), setup: med(b.map(r => r.setupWallSeconds)),
          run: med(b.map(r => r.runWallSeconds)), heap: med(b.map(r => r.heapBytesPerConnection)) } });
}
const pad = (s, w) => String(s).padStart(w);
console.log("");
console.log("ns-3 (medians; seg/s = segments / wall-seconds of Simulator::Run())");
console.log(["N", "runs", "segments", "events", "setup_s", "run_s", "seg/s", "peakRSS_MiB"].map((h, i) => pad(h, i ? 12 : 7)).join(""));
for (const r of rows) console.log([r.N, r.a.length, f(r.ns.seg), f(r.ns.ev), f(r.ns.setup, 3), f(r.ns.run, 3), f(r.nsSps), f(r.ns.rss / 1024, 1)].map((v, i) => pad(v, i ? 12 : 7)).join(""));
if (recs.some(r => r.impl === "ours")) {
  console.log("");
  console.log("ours (medians; seg/s = segmentsPerSecond from our JSON: the cold run, JIT warm-up included; warm seg/s = warmSegmentsPerSecond, a later run in the same process)");
  console.log(["N", "runs", "segments", "events", "setup_s", "run_s", "seg/s", "heapB/conn", "warm seg/s"].map((h, i) => pad(h, i ? 12 : 7)).join(""));
  for (const r of rows) console.log([r.N, r.b.length, f(r.us.seg), f(r.us.ev), f(r.us.setup, 3), f(r.us.run, 3), f(r.ourSps), f(r.us.heap), f(r.warmSps)].map((v, i) => pad(v, i ? 12 : 7)).join(""));
  console.log("");
  console.log("ratio ours/ns-3 of segments per wall-second (>1 = we are faster)");
  console.log(["N", "ns3 seg/s", "ours seg/s", "ratio", "paired med", "warm ratio"].map((h, i) => pad(h, i ? 12 : 7)).join(""));
  for (const r of rows) console.log([r.N, f(r.nsSps), f(r.ourSps), f(r.ourSps / r.nsSps, 2), f(r.pairedRatio, 2), f(r.warmSps / r.nsSps, 2)].map((v, i) => pad(v, i ? 12 : 7)).join(""));
  console.log("(ratio = median cold ours / median ns-3, the headline; paired med = median of per-round cold ratios; warm ratio = median warm ours / median ns-3, for reference only: ns-3 has no warm-up to discount)");
}
for (const w of warn) console.log("WARNING: " + w);
if (process.env.OURS_OK !== "1") {
  console.log("");
  console.log("NOTE: our bench (npm run -s bench -- --clients N --json) is not available or failed; only ns-3 medians are shown.");
}
console.log(`raw records: ${process.env.RAW_OUT}`);
'

if [ "$OURS_OK" -ne 1 ]; then exit 1; fi
