#!/usr/bin/env bash
# Record real Linux TCP exchanges as pcap goldens for the simulator's `linux` TCP profile.
#
# Usage (as root, from anywhere):  bash scripts/linux-goldens/record.sh [exchange ...]
# Default: all exchanges. Output: src/sim/tcp/goldens/<name>.pcap + <name>.json + environment.json
#
# The namespaces inherit the host's TCP sysctls (new netns copy init_net's tcp_rmem/tcp_wmem/
# congestion control). HL_STOCK_SYSCTLS=1 instead sets upstream-kernel defaults inside both
# namespaces (tcp_rmem "4096 131072 6291456", tcp_wmem "4096 16384 4194304", reno) before
# recording; environment.json records which was used. The committed goldens use the host values.
# HL_KEEP_OFFLOADS=1 skips the ethtool step (for comparison only). HL_OUT=dir writes elsewhere.
#
# Two network namespaces (hl-cli 10.99.0.1/24, hl-srv 10.99.0.2/24) joined by a veth pair,
# MTU 1500, static neighbour entries (no ARP in the captures), IPv6 disabled, and
# TSO/GSO/GRO + TX checksum offload disabled on both veth ends, so the capture on the client
# veth shows wire-sized segments with real checksums. Only these private addresses are used.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="${HL_OUT:-$ROOT/src/sim/tcp/goldens}"
mkdir -p "$OUT"
NS_C=hl-cli
NS_S=hl-srv
VETH_C=hl-veth-c
VETH_S=hl-veth-s
IP_C=10.99.0.1
IP_S=10.99.0.2
MTU=1500
ALL_EXCHANGES=(request-response-client-close server-close-first half-close half-close-slow-answer two-requests rst-closed-port bulk-100k)
if [[ $# -gt 0 ]]; then EXCHANGES=("$@"); else EXCHANGES=("${ALL_EXCHANGES[@]}"); fi

[[ $EUID -eq 0 ]] || { echo "record.sh: must run as root (ip netns)" >&2; exit 1; }
for tool in ip tshark node timeout; do
  command -v "$tool" >/dev/null || { echo "record.sh: missing $tool" >&2; exit 1; }
done

TMP="$(mktemp -d /tmp/hl-goldens.XXXXXX)"
chmod 755 "$TMP"   # dumpcap may drop privileges; let it write here
TSHARK_PID=""
SERVER_PID=""

cleanup() {
  set +e
  for pid in $SERVER_PID $TSHARK_PID; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null
  done
  ip netns del "$NS_C" 2>/dev/null
  ip netns del "$NS_S" 2>/dev/null
  ip link del "$VETH_C" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- topology (idempotent: tear down leftovers of an earlier run first) -------------------
ip netns del "$NS_C" 2>/dev/null || true
ip netns del "$NS_S" 2>/dev/null || true
ip link del "$VETH_C" 2>/dev/null || true
ip netns add "$NS_C"
ip netns add "$NS_S"
for ns in "$NS_C" "$NS_S"; do
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 || true
  ip -n "$ns" link set lo up
done
ip link add "$VETH_C" mtu "$MTU" type veth peer name "$VETH_S" mtu "$MTU"
ip link set "$VETH_C" netns "$NS_C"
ip link set "$VETH_S" netns "$NS_S"
ip -n "$NS_C" addr add "$IP_C/24" dev "$VETH_C"
ip -n "$NS_S" addr add "$IP_S/24" dev "$VETH_S"

SYSCTL_MODE=host
if [[ "${HL_STOCK_SYSCTLS:-0}" == 1 ]]; then
  SYSCTL_MODE=stock
  for ns in "$NS_C" "$NS_S"; do
    ip netns exec "$ns" sysctl -qw net.ipv4.tcp_rmem="4096 131072 6291456" net.ipv4.tcp_wmem="4096 16384 4194304"
    # Reno (NewReno with SACK in Linux) is what the simulator implements; cubic is not in this
    # host's tcp_allowed_congestion_control, which a namespace cannot widen.
    ip netns exec "$ns" sysctl -qw net.ipv4.tcp_congestion_control=reno
  done
fi

OFFLOADS="not changed (ethtool not installed)"
if [[ "${HL_KEEP_OFFLOADS:-0}" == 1 ]]; then
  OFFLOADS="left at veth defaults (HL_KEEP_OFFLOADS=1): tso/gso on, tx checksum on"
elif command -v ethtool >/dev/null; then
  ip netns exec "$NS_C" ethtool -K "$VETH_C" tso off gso off gro off tx off >/dev/null 2>&1 || true
  ip netns exec "$NS_S" ethtool -K "$VETH_S" tso off gso off gro off tx off >/dev/null 2>&1 || true
  OFFLOADS="ethtool -K <veth> tso off gso off gro off tx off (both ends)"
fi
ip -n "$NS_C" link set "$VETH_C" up
ip -n "$NS_S" link set "$VETH_S" up
# Static neighbour entries: no ARP exchange delays the first SYN, none shows in the capture.
MAC_C="$(ip -n "$NS_C" -o link show "$VETH_C" | sed -E 's/.*link\/ether ([0-9a-f:]+).*/\1/')"
MAC_S="$(ip -n "$NS_S" -o link show "$VETH_S" | sed -E 's/.*link\/ether ([0-9a-f:]+).*/\1/')"
ip -n "$NS_C" neigh replace "$IP_S" lladdr "$MAC_S" dev "$VETH_C" nud permanent
ip -n "$NS_S" neigh replace "$IP_C" lladdr "$MAC_C" dev "$VETH_S" nud permanent
# Wait (bounded) for both links to be operationally up.
for _ in $(seq 1 50); do
  if ip -n "$NS_C" link show "$VETH_C" | grep -q 'state UP' && ip -n "$NS_S" link show "$VETH_S" | grep -q 'state UP'; then break; fi
  sleep 0.1
done

# --- environment metadata (read inside the client namespace; the server ns has the same) --
sysctl_val() { ip netns exec "$NS_C" sysctl -n "$1" 2>/dev/null | tr '\t' ' ' || echo "n/a"; }
SYSCTLS=(net.ipv4.tcp_timestamps net.ipv4.tcp_sack net.ipv4.tcp_window_scaling net.ipv4.tcp_rmem
  net.ipv4.tcp_wmem net.ipv4.tcp_congestion_control net.ipv4.tcp_early_retrans net.ipv4.tcp_ecn
  net.ipv4.tcp_dsack net.ipv4.tcp_fack net.ipv4.tcp_no_metrics_save net.ipv4.tcp_slow_start_after_idle
  net.ipv4.tcp_autocorking net.ipv4.tcp_min_tso_segs net.ipv4.tcp_tso_win_divisor net.ipv4.tcp_fastopen
  net.ipv4.tcp_adv_win_scale net.ipv4.tcp_moderate_rcvbuf net.ipv4.tcp_syn_retries net.core.default_qdisc
  net.core.rmem_default net.core.wmem_default)
{
  echo "{"
  echo "  \"kernel\": \"$(uname -r)\","
  echo "  \"tshark\": \"$(tshark --version 2>/dev/null | head -1)\","
  echo "  \"node\": \"$(node --version)\","
  echo "  \"mtu\": $MTU,"
  echo "  \"sysctlMode\": \"$SYSCTL_MODE\","
  echo "  \"offloads\": \"$OFFLOADS\","
  echo "  \"veth_c_features\": \"$(ip netns exec "$NS_C" ethtool -k "$VETH_C" 2>/dev/null | grep -E '^(tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload|tx-checksumming):' | tr '\n' ' ' | sed 's/ *$//')\","
  echo "  \"qdisc\": \"$(ip -n "$NS_C" -o link show "$VETH_C" | sed -E 's/.* qdisc ([^ ]+).*/\1/')\","
  echo "  \"sysctls\": {"
  n=${#SYSCTLS[@]}; i=0
  for s in "${SYSCTLS[@]}"; do
    i=$((i + 1)); sep=","; [[ $i -eq $n ]] && sep=""
    echo "    \"$s\": \"$(sysctl_val "$s")\"$sep"
  done
  echo "  }"
  echo "}"
} > "$OUT/environment.json"
echo "== environment"; cat "$OUT/environment.json"

# --- one exchange -------------------------------------------------------------------------
wait_bounded() { # wait_bounded <pid> <seconds>: wait for pid, kill it if it overruns
  local pid=$1 secs=$2 i
  for ((i = 0; i < secs * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid"; return $?; }
    sleep 0.1
  done
  echo "record.sh: pid $pid overran ${secs}s, killing" >&2
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  return 124
}

record_one() {
  local name=$1 pcap="$TMP/$1.pcap" i
  echo "== $name"
  # Per-exchange log names, removed before launch: the child truncates its redirect target only
  # after fork, so polling a reused log could see the previous exchange's "ready" line.
  local tlog="$TMP/$name.tshark.err" slog="$TMP/$name.server.log"
  rm -f "$pcap" "$tlog" "$slog"
  ip netns exec "$NS_C" tshark -q -i "$VETH_C" -f "tcp" -w "$pcap" -F pcap >/dev/null 2>"$tlog" &
  TSHARK_PID=$!
  for ((i = 0; i < 100; i++)); do # up to 10 s
    if grep -q "Capturing on" "$tlog" 2>/dev/null && [[ -s "$pcap" ]]; then break; fi
    kill -0 "$TSHARK_PID" 2>/dev/null || { cat "$tlog" >&2; return 1; }
    sleep 0.1
  done
  grep -q "Capturing on" "$tlog" || { echo "record.sh: tshark did not start" >&2; cat "$tlog" >&2; return 1; }
  sleep 0.5 # let dumpcap's socket settle

  local rc=0
  if [[ "$name" != "rst-closed-port" ]]; then
    ip netns exec "$NS_S" timeout 20 node "$HERE/server.mjs" "$name" >"$slog" 2>&1 &
    SERVER_PID=$!
    for ((i = 0; i < 300; i++)); do # up to 30 s (node start-up on a busy 2-core box)
      grep -q LISTENING "$slog" 2>/dev/null && break
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    if ! grep -q LISTENING "$slog"; then
      local src=0
      if kill -0 "$SERVER_PID" 2>/dev/null; then echo "record.sh: server not listening after 30 s" >&2
      else wait "$SERVER_PID" || src=$?; echo "record.sh: server exited early (rc=$src)" >&2; fi
      cat "$slog" >&2
      return 1
    fi
  fi
  ip netns exec "$NS_C" timeout 20 node "$HERE/client.mjs" "$name" || rc=$?
  if [[ -n "$SERVER_PID" ]]; then
    wait_bounded "$SERVER_PID" 20 || rc=$?
    cat "$slog"
    SERVER_PID=""
  fi
  sleep 1 # trailing segments (last ACK from the TIME-WAIT side)
  kill -INT "$TSHARK_PID" 2>/dev/null || true
  wait_bounded "$TSHARK_PID" 10 || true
  TSHARK_PID=""
  [[ $rc -eq 0 ]] || { echo "record.sh: $name failed (rc=$rc)" >&2; return 1; }
  install -m 644 "$pcap" "$OUT/$name.pcap"
  node "$HERE/summarize.mjs" "$OUT/$name.pcap" --name "$name" --env "$OUT/environment.json" >"$OUT/$name.json"
  echo "   -> $OUT/$name.pcap ($(stat -c %s "$OUT/$name.pcap") bytes), $(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).segments.length)' "$OUT/$name.json") segments"
}

for ex in "${EXCHANGES[@]}"; do
  record_one "$ex"
done
echo "== done"
