#!/usr/bin/env bash
# The daemon's memory across administrative changes at the reference site: one release cardgated on a copy of a
# kit made by `load-bench setup`, then PAIRS suspend + reactivate pairs of one card through the API (each change
# rebuilds the policy), printing VmRSS/VmHWM after start, after each pair and AFTER seconds after the last.
#
# usage: Tools/LoadBench/admin-memory.sh KIT_DIR
# environment: BIN (.build-loadbench/release), PORT (18492), PAIRS (7), AFTER (3)
set -euo pipefail
cd "$(dirname "$0")/../.."
kit="${1:?usage: Tools/LoadBench/admin-memory.sh KIT_DIR}"
bin="${BIN:-.build-loadbench/release}"
port="${PORT:-18492}"
server="http://127.0.0.1:$port"
run="$kit/admin-memory"
rm -rf "$run"
mkdir -p "$run"
cp "$kit/cardgate.sqlite" "$kit/cardgate.sqlite.journal-key" "$run/"

"$bin/cardgated" --db "$run/cardgate.sqlite" --listen "127.0.0.1:$port" --ca-cert "$kit/ca/ca-cert.pem" \
    >"$run/cardgated.log" 2>&1 &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
until curl -fs "$server/healthz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "admin-memory: cardgated exited; see $run/cardgated.log" >&2; exit 1; }
    sleep 0.1
done
memory() { awk '/^VmRSS|^VmHWM/ {printf "%s %.0f MB  ", $1, $2 / 1024}' "/proc/$pid/status"; }
echo "after start: $(memory)"

auth="Authorization: Bearer $(cat "$kit/admin.token")"
card="$(curl -fs -H "$auth" "$server/v1/cards?limit=1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])')"
for pair in $(seq 1 "${PAIRS:-7}"); do
    started="$(date +%s.%N)"
    for action in suspend reactivate; do
        state="$(curl -fs -o /dev/null -D - -X POST -H "$auth" -H 'Content-Type: application/json' -d '{}' \
            "$server/v1/cards/$card/$action" | tr -d '\r' | awk -F': ' 'tolower($1) == "cardgate-policy-state" {print $2}')"
    done
    ended="$(date +%s.%N)"
    echo "pair $pair ($(awk -v a="$started" -v b="$ended" 'BEGIN {printf "%.1f", b - a}') s, $state): $(memory)"
done
sleep "${AFTER:-3}"
echo "${AFTER:-3} s after the last pair: $(memory)"
echo "policy rebuilds logged: $(grep -c 'policy rebuilt' "$run/cardgated.log")"
