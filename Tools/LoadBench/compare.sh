#!/usr/bin/env bash
# Interleaved A/B of daemons on the same machine: for each BINARY:KIT in turn (ROUNDS times), a fresh copy of the
# kit's database, the daemon started on it, 3 s warm-ups, then wrk GET /healthz and wrk UID taps (access.lua),
# DURATION s each, one line per daemon with requests/s, daemon CPU per request, the UID p99 and the ratio.
# Shorter than run.sh (no PIV phases), for comparing two builds while the machine's speed drifts.
#
# usage: Tools/LoadBench/compare.sh BINARY:KIT [BINARY:KIT ...]
# environment: ROUNDS (2), DURATION (15), WRK_CONNECTIONS (32), PORT (18492)
set -euo pipefail
cd "$(dirname "$0")/../.."
source Tools/LoadBench/daemon.sh

rounds="${ROUNDS:-2}"
duration="${DURATION:-15}"
connections="${WRK_CONNECTIONS:-32}"
port="${PORT:-18492}"
server="127.0.0.1:$port"
(( $# > 0 )) || { echo "usage: Tools/LoadBench/compare.sh BINARY:KIT [BINARY:KIT ...]" >&2; exit 2; }

pid=""
cleanup() { if [[ -n "$pid" ]]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; }
trap cleanup EXIT INT TERM
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }

echo "== compare $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD), $duration s per phase, -c$connections"
for round in $(seq "$rounds"); do
    for pair in "$@"; do
        binary="${pair%%:*}"
        kit="${pair#*:}"
        fresh_copy "$kit" "$kit/compare"
        start_daemon "$binary" "$kit" "$kit/compare" "$server"
        wrk -t1 -c"$connections" -d3s "http://$server/healthz" >/dev/null
        wrk -t1 -c"$connections" -d3s -s Tools/LoadBench/access.lua "http://$server" -- "$kit" >/dev/null
        load="$(cut -d' ' -f1 /proc/loadavg)"
        t0="$(ticks)"
        healthz="$(wrk -t1 -c"$connections" -d"${duration}s" "http://$server/healthz" | awk '/^Requests\/sec:/ {print $2}')"
        t1="$(ticks)"
        uid_out="$(wrk -t1 -c"$connections" -d"${duration}s" --latency -s Tools/LoadBench/access.lua "http://$server" -- "$kit")"
        t2="$(ticks)"
        uid="$(awk '/^Requests\/sec:/ {print $2}' <<<"$uid_out")"
        p99="$(awk '$1 == "99%" {print $2}' <<<"$uid_out")"
        cleanup
        pid=""
        awk -v name="$binary on $kit" -v h="$healthz" -v u="$uid" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v d="$duration" \
            -v hz="$(getconf CLK_TCK)" -v p="$p99" -v l="$load" -v r="$round" \
            'BEGIN { printf "round %d  %s [load %s]\n   healthz %.0f/s (%.0f us CPU each)  uid %.0f/s (%.0f us CPU each, p99 %s)  ratio %.3f\n",
                     r, name, l, h, 1e6 * (t1 - t0) / hz / (h * d), u, 1e6 * (t2 - t1) / hz / (u * d), p, u / h }'
    done
done
