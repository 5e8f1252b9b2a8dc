#!/usr/bin/env bash
# One load run against one release cardgated on a kit made by `load-bench setup`, back to back on the same
# daemon: memory after start, wrk GET /healthz, wrk UID access, PIV closed loop, PIV open loop at half that rate,
# memory after the load, the decision mix from /metrics, and `openssl speed ecdsap256`. Every figure is printed
# with the load average (1/5/15 min) at its start. See Tools/LoadBench/README.md.
#
# usage: Tools/LoadBench/run.sh KIT_DIR [RESULTS_FILE]
# environment: BIN (.build-loadbench/release), PORT (18490), DURATION (20 s per phase), WRK_THREADS (1),
#              WRK_CONNECTIONS (32), PIV_CONNECTIONS (8, closed loop), OPEN_CONNECTIONS (32, open loop),
#              BREAKDOWN=1 (then also wrk on breakdown.lua's occupancy, status and unknown-UID requests)
set -euo pipefail
cd "$(dirname "$0")/../.."
source Tools/LoadBench/daemon.sh

kit="${1:?usage: Tools/LoadBench/run.sh KIT_DIR [RESULTS_FILE]}"
bin="${BIN:-.build-loadbench/release}"
port="${PORT:-18490}"
duration="${DURATION:-20}"
wrk_threads="${WRK_THREADS:-1}"
wrk_connections="${WRK_CONNECTIONS:-32}"
piv_connections="${PIV_CONNECTIONS:-8}"
open_connections="${OPEN_CONNECTIONS:-32}"
out="${2:-$kit/results-$(date -u +%Y%m%dT%H%M%SZ).txt}"
server="127.0.0.1:$port"

for tool in "$bin/cardgated" "$bin/load-bench" wrk openssl curl; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (see README.md)" >&2; exit 2; }
done
[[ -f "$kit/cardgate.sqlite" ]] || { echo "run.sh: no kit in $kit: run load-bench setup first" >&2; exit 2; }

pid=""
cleanup() { if [[ -n "$pid" ]]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; }
trap cleanup EXIT INT TERM

say() { echo "$*" | tee -a "$out"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
memory() { awk '/^VmRSS|^VmHWM/ {printf "%s %.1f MB  ", $1, $2 / 1024}' "/proc/$pid/status"; }
# utime + stime of the daemon in clock ticks (fields 14 and 15; the name field has no spaces).
daemon_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
ticks_per_second="$(getconf CLK_TCK)"
# daemon CPU over a phase: "<cores used> cores, <ms> ms CPU per request".
daemon_cpu() {  # before_ticks after_ticks seconds requests
    awk -v b="$1" -v a="$2" -v s="$3" -v n="$4" -v hz="$ticks_per_second" \
        'BEGIN { c = (a - b) / hz; per = n > 0 ? 1000 * c / n : 0
                 printf "daemon CPU %.2f cores, %.3f ms per request", c / s, per }'
}
wrk_rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
wrk_requests() { awk '/requests in/ {print $1}' "$1"; }

say "== CardGate load run $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, commit $(git rev-parse --short HEAD)"
say "   kit $kit; daemon $bin/cardgated on $server; $duration s per phase; wrk -t$wrk_threads -c$wrk_connections"

# What one synced 4 KiB write costs on this disk now: a durable commit (WAL, synchronous FULL) pays about this.
dsync_probe() {
    local started ended
    started="$(date +%s.%N)"
    dd if=/dev/zero of="$kit/run/dsync.probe" bs=4k count=200 oflag=dsync 2>/dev/null
    ended="$(date +%s.%N)"
    rm -f "$kit/run/dsync.probe"
    awk -v a="$started" -v b="$ended" \
        'BEGIN {printf "%.2f ms per synced 4 KiB write (dd oflag=dsync, 200 writes)", (b - a) * 5}'
}

# Every run starts from the database as setup left it: a copy in KIT/run/ (the journal grows during a run).
fresh_copy "$kit" "$kit/run"
db="$kit/run/cardgate.sqlite"
sync
say "-- disk: $(dsync_probe) (load $(loadavg))"

started="$(date +%s.%N)"
start_daemon "$bin/cardgated" "$kit" "$kit/run" "$server"
ready="$(date +%s.%N)"
startup="$(awk -v a="$started" -v b="$ready" 'BEGIN {printf "%.1f", b - a}')"
say "-- daemon ready after $startup s: $(curl -fs "http://$server/healthz")"
say "   memory after start: $(memory) (load $(loadavg))"
sleep 2

phase() {  # name, then the command; prints its output and the daemon's CPU; sets last_file and last_seconds
    local name="$1"; shift
    last_file="$kit/run/phase-$name.txt"
    local load_before ticks_before t0 t1
    load_before="$(loadavg)"
    ticks_before="$([[ -n "$pid" ]] && daemon_ticks || echo 0)"
    t0="$(date +%s.%N)"
    "$@" >"$last_file" 2>&1
    t1="$(date +%s.%N)"
    last_ticks="$(( $([[ -n "$pid" ]] && daemon_ticks || echo 0) - ticks_before ))"
    last_seconds="$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')"
    say ""
    say "-- $name (load before: $load_before)"
    sed 's/^/   /' "$last_file" | tee -a "$out"
}

# Warm-ups (not recorded): connections, the certificate cache, SQLite's page cache.
wrk -t1 -c"$wrk_connections" -d3s "http://$server/healthz" >/dev/null
wrk -t1 -c"$wrk_connections" -d3s -s Tools/LoadBench/access.lua "http://$server" -- "$kit" >/dev/null

phase healthz wrk -t"$wrk_threads" -c"$wrk_connections" -d"${duration}s" --latency "http://$server/healthz"
healthz_rps="$(wrk_rps "$last_file")"
say "   $(daemon_cpu 0 "$last_ticks" "$last_seconds" "$(wrk_requests "$last_file")")"

phase uid-access wrk -t"$wrk_threads" -c"$wrk_connections" -d"${duration}s" --latency \
    -s Tools/LoadBench/access.lua "http://$server" -- "$kit"
access_rps="$(wrk_rps "$last_file")"
say "   $(daemon_cpu 0 "$last_ticks" "$last_seconds" "$(wrk_requests "$last_file")")"
say "   RATIO uid access / healthz = $(awk -v a="$access_rps" -v h="$healthz_rps" 'BEGIN {printf "%.3f", a / h}') \
($access_rps / $healthz_rps requests/s; goal >= 0.5)"

phase piv-closed "$bin/load-bench" piv --dir "$kit" --server "$server" --connections "$piv_connections" \
    --duration "$duration"
piv_rps="$(awk '/^RESULT piv_closed_taps_per_second/ {print $3}' "$last_file")"
say "   $(daemon_cpu 0 "$last_ticks" "$last_seconds" "$(awk '/^RESULT piv_taps_sent/ {print $3}' "$last_file")") \
(a request here is a whole tap: challenge + access)"

half="$(awk -v r="$piv_rps" 'BEGIN {printf "%.0f", r / 2}')"
phase piv-open-50pct "$bin/load-bench" piv --dir "$kit" --server "$server" --rate "$half" \
    --connections "$open_connections" --duration "$(( duration * 3 / 2 ))"
say "   $(daemon_cpu 0 "$last_ticks" "$last_seconds" "$(awk '/^RESULT piv_taps_sent/ {print $3}' "$last_file")")"

say ""
say "-- memory after the load runs: $(memory) (load $(loadavg))"
curl -fs "http://$server/metrics" >"$kit/run/metrics.txt"
say "   decisions since start (/metrics):"
grep '^cardgate_decisions_total' "$kit/run/metrics.txt" | sed 's/^/     /' | tee -a "$out"
say "   $(grep '^cardgate_journal_appends_total\|^cardgate_journal_append_failures_total' "$kit/run/metrics.txt" \
    | tr '\n' ' ')"
say "   database $(du -m "$db" | cut -f1) MB (WAL $(stat -c %s "$db-wal" 2>/dev/null || echo 0) bytes)"

if [[ "${BREAKDOWN:-0}" == 1 ]]; then
    # The steps of a tap as separate endpoints (after the figures above, so that they do not disturb them).
    for mode in occupancy status unknown; do
        phase "breakdown-$mode" wrk -t"$wrk_threads" -c"$wrk_connections" -d"${duration}s" --latency \
            -s Tools/LoadBench/breakdown.lua "http://$server" -- "$kit" "$mode"
        say "   $(daemon_cpu 0 "$last_ticks" "$last_seconds" "$(wrk_requests "$last_file")")"
    done
fi

kill -TERM "$pid"
wait "$pid" 2>/dev/null || true
pid=""

say "-- disk after the load: $(dsync_probe) (load $(loadavg))"
phase openssl-ecdsap256 openssl speed -seconds 3 ecdsap256
verify="$(awk '/256 bits ecdsa/ {print $NF}' "$last_file")"
say ""
say "SUMMARY healthz $healthz_rps req/s; uid access $access_rps req/s (ratio \
$(awk -v a="$access_rps" -v h="$healthz_rps" 'BEGIN {printf "%.2f", a / h}')); PIV taps $piv_rps/s closed loop; \
openssl P-256 verify $verify/s (PIV taps = $(awk -v p="$piv_rps" -v v="$verify" 'BEGIN {printf "%.2f", p / v}') of it)"
say "results: $out"
