#!/usr/bin/env bash
# The daemon's memory across administrative changes at the reference site: one release cardgated on a copy of a
# kit made by `load-bench setup`, then PAIRS pairs of changes through the API (each change puts a new policy in
# force), printing VmRSS/VmHWM after start, after each pair and AFTER seconds after the last. CHANGE says which:
# `card` suspends and reactivates one card (the credentials alone change), `person` renames one person and
# renames them back (the people alone change), `door` renames one door and back (the whole policy is compiled
# again).
#
# usage: Tools/LoadBench/admin-memory.sh KIT_DIR
# environment: BIN (.build-loadbench/release), PORT (18492), PAIRS (7), AFTER (3), CHANGE (card)
set -euo pipefail
cd "$(dirname "$0")/../.."
source Tools/LoadBench/daemon.sh
kit="${1:?usage: Tools/LoadBench/admin-memory.sh KIT_DIR}"
bin="${BIN:-.build-loadbench/release}"
port="${PORT:-18492}"
server="http://127.0.0.1:$port"
run="$kit/admin-memory"
fresh_copy "$kit" "$run"
pid=""
trap 'if [[ -n "$pid" ]]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi' EXIT
start_daemon "$bin/cardgated" "$kit" "$run" "127.0.0.1:$port"
memory() { awk '/^VmRSS|^VmHWM/ {printf "%s %.0f MB  ", $1, $2 / 1024}' "/proc/$pid/status"; }
echo "after start: $(memory)"

auth="Authorization: Bearer $(cat "$kit/admin.token")"
# Sends one change and prints the policy state the answer reports.
policy_state() {
    curl -fs -o /dev/null -D - -H "$auth" -H 'Content-Type: application/json' "$@" | tr -d '\r' |
        awk -F': ' 'tolower($1) == "cardgate-policy-state" {print $2}'
}
case "${CHANGE:-card}" in
card)
    card="$(curl -fs -H "$auth" "$server/v1/cards?limit=1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])')"
    change() { policy_state -X POST -d '{}' "$server/v1/cards/$card/$1"; }
    actions="suspend reactivate"
    ;;
person)
    person="$(curl -fs -H "$auth" "$server/v1/people?limit=1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])')"
    change() { policy_state -X PATCH -d "{\"displayName\": \"Renamed $1\"}" "$server/v1/people/$person"; }
    actions="once twice"
    ;;
door)
    door="$(curl -fs -H "$auth" "$server/v1/doors?limit=1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])')"
    change() { policy_state -X PATCH -d "{\"name\": \"Renamed $1\"}" "$server/v1/doors/$door"; }
    actions="once twice"
    ;;
*) echo "admin-memory: CHANGE is card, person or door" >&2; exit 2 ;;
esac
for pair in $(seq 1 "${PAIRS:-7}"); do
    started="$(date +%s.%N)"
    for action in $actions; do
        state="$(change "$action")"
    done
    ended="$(date +%s.%N)"
    echo "pair $pair ($(awk -v a="$started" -v b="$ended" 'BEGIN {printf "%.1f", b - a}') s, $state): $(memory)"
done
sleep "${AFTER:-3}"
echo "${AFTER:-3} s after the last pair: $(memory)"
echo "policy rebuilds logged: $(grep -c 'policy rebuilt' "$run/cardgated.log")"
