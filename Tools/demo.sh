#!/usr/bin/env bash
# CardGate demo: pcscd with virtual readers, simulated cards tapping at a virtual reader, the reader monitor
# seeing them, the example government office loaded into the embedded SQLite store, a simulated PIV staff card
# issued and authenticated (PKI-CAK) through pcscd, the tamper-evident journal verified, and the policy engine
# explaining decisions.
# Run through `make demo`, which builds `cardgate` and `cardgated` and starts pcscd first.
set -euo pipefail
cd "$(dirname "$0")/.."

cardgate=".build/debug/cardgate"
reader="Virtual PCD 00 00"
site="Config/site.example.yaml"
people="Config/people.example.yaml"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Readers pcscd offers (four virtual readers)"
"$cardgate" readers

step "Watching reader events (cardgate watch)"
"$cardgate" watch > >(sed -u 's/^/   [watch] /') &
pids+=($!)
sleep 1

tap() {
    local uid="$1"
    "$cardgate" simulate uid-card --uid "$uid" --reader "$reader" >/dev/null &
    local pid=$!
    for _ in $(seq 40); do
        if "$cardgate" card uid --reader "$reader" 2>/dev/null | sed "s/^/   card UID read through pcscd: /"; then break; fi
        sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    sleep 1
}

step "Lê Văn Cường taps his contactless card at '$reader'"
tap 04A2B3C4D5E680
step "A visitor's card taps"
tap 08AABBCC

data="demo-data"
rm -rf "$data"
mkdir -p "$data"

step "The office database: cardgate init, then the example site and its people (embedded SQLite)"
"$cardgate" init --db "$data/cardgate.sqlite" --admin-token-file "$data/admin.token"
"$cardgate" site apply --db "$data/cardgate.sqlite" --site "$site" --people "$people" --actor demo

step "A demo office CA, and a blank PIV card issued as Hoàng Văn Em's staff card through pcscd"
"$cardgate" ca init --out "$data/ca" | sed 's/^/   /'
piv_reader="CardGate Virtual Door 00 00"
"$cardgate" simulate piv-card --image "$data/card-em.json" --blank --reader "$piv_reader" >/dev/null &
piv_pid=$!
for _ in $(seq 40); do
    "$cardgate" readers 2>/dev/null | grep -q "^$piv_reader	card" && break
    sleep 0.1
done
"$cardgate" card issue --reader "$piv_reader" --ca "$data/ca" --holder "Hoàng Văn Em" | tee "$data/issue.txt" \
    | sed 's/^/   /'

step "The card proves it holds its key (PKI-CAK: a fresh challenge signed by key 9E, no PIN)"
"$cardgate" card authenticate --reader "$piv_reader" --ca "$data/ca" --count 20 --cache | sed 's/^/   /'
kill "$piv_pid" 2>/dev/null || true
wait "$piv_pid" 2>/dev/null || true

step "Enrol the new card: the people file gains Em's PIV card, applied to the database"
fingerprint="$(awk '/Card Authentication \(9E\) sha256/ {print toupper($NF)}' "$data/issue.txt")"
guid="$(awk '$1 == "GUID" {gsub("-", "", $2); print toupper($2)}' "$data/issue.txt")"
cp "$people" "$data/people.yaml"
cat >> "$data/people.yaml" <<ENROL
  - { id: card-em-piv, personId: hoang-van-em, type: piv, fingerprint: $fingerprint, guid: $guid }
ENROL
"$cardgate" site apply --db "$data/cardgate.sqlite" --site "$site" --people "$data/people.yaml" --actor demo

step "The daemon: cardgated on the embedded SQLite store, trusting the demo CA"
listen="127.0.0.1:18480"
.build/debug/cardgated --db "$data/cardgate.sqlite" --listen "$listen" --ca-cert "$data/ca/ca-cert.pem" \
    >"$data/cardgated.log" 2>&1 &
daemon_pid=$!
pids+=($daemon_pid)
for _ in $(seq 100); do curl -fs "http://$listen/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
echo "   GET /healthz: $(curl -fs "http://$listen/healthz")"
admin="$(cat "$data/admin.token")"
curl -fs -X POST -H "Authorization: Bearer $admin" -H "Content-Type: application/json" \
    -d '{"role":"controller","doorIds":["main-entrance"],"name":"demo gate"}' "http://$listen/v1/tokens" \
    | sed -E 's/.*"token":"([^"]+)".*/\1/' >"$data/gate.token"
echo "   controller token for main-entrance written to $data/gate.token"

step "A gate controller at main-entrance on '$reader' asks the daemon for every card"
"$cardgate" gate run --door main-entrance --reader "$reader" --server "http://$listen" \
    --token-file "$data/gate.token" > >(sed -u 's/^/   [gate] /') &
gate_pid=$!
pids+=("$gate_pid")
sleep 1

present() {
    printf '\n-- %s\n' "$1"
    shift
    "$cardgate" simulate "$@" --reader "$reader" >/dev/null &
    local pid=$!
    sleep 2.5
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    sleep 0.8
}
present "Hoàng Văn Em's PIV card (security, 24/7): PKI-CAK, the daemon verifies chain and signature" \
    piv-card --image "$data/card-em.json"
present "The same card again: its certificate now comes from the door's cache" piv-card --image "$data/card-em.json"
present "Lê Văn Cường's UID card (office hours only; the answer depends on the time now)" uid-card --uid 04A2B3C4D5E680
present "Phạm Thị Dung's card, reported lost" uid-card --uid 04112233445566
present "A card nobody enrolled" uid-card --uid DEADBEEF

step "Security staff: the last events from the daemon (GET /v1/events?limit=5)"
curl -fs -H "Authorization: Bearer $admin" "http://$listen/v1/events?limit=5" | tr '{' '\n' | awk '
    function field(name,    pattern) {
        pattern = "\"" name "\":\"?[^\",}]*"
        if (match($0, pattern)) { value = substr($0, RSTART + length(name) + 3, RLENGTH - length(name) - 3)
                                  gsub("\"", "", value); return value }
        return "-"
    }
    /"sequence"/ { printf "   #%-3s %-16s %-20s %s\n", field("sequence"), field("type"), field("reason"),
                   field("personId") }'

step "Stopping the gate controller with SIGTERM, as systemd stops its unit"
kill -TERM "$gate_pid" 2>/dev/null || true
wait "$gate_pid" 2>/dev/null || true
sleep 0.2

step "Stopping cardgated with SIGTERM: it finishes what is under way and signs a closing checkpoint"
kill -TERM "$daemon_pid" 2>/dev/null || true
wait "$daemon_pid" 2>/dev/null || true
grep "journal closed" "$data/cardgated.log" | sed 's/^/   /' || true

step "The journal: every change and decision above is hash-chained and signed"
"$cardgate" journal verify --db "$data/cardgate.sqlite" --key "$data/cardgate.sqlite.journal-key" | sed 's/^/   /'

step "What the policy engine decides (cardgate policy explain, example office in $site)"
explain() {
    printf '\n-- %s\n' "$1"
    shift
    "$cardgate" policy explain --site "$site" --people "$people" --language both "$@" || true
}
explain "Cường at the main entrance on a Wednesday morning" \
    --person le-van-cuong --door main-entrance --at "2027-03-03 08:15"
explain "Cường's UID card at the server room (needs a PIV card)" \
    --person le-van-cuong --door server-room-door --at "2027-03-03 08:15"
explain "Dung's card was reported lost" \
    --person pham-thi-dung --door main-entrance --at "2027-03-03 08:15"
explain "An on a Saturday night during Tết" \
    --person nguyen-van-an --door main-entrance --at "2027-02-06 22:00"

cat <<'NEXT'

== Done. The demo stopped its background processes; pcscd keeps running (stop it with `pkill pcscd`).
Its database, CA, card image, tokens and the daemon's log are in demo-data/ (delete it freely).
Try next:
  .build/debug/cardgated --db demo-data/cardgate.sqlite --listen 127.0.0.1:18480 --ca-cert demo-data/ca/ca-cert.pem
  .build/debug/cardgated --config Config/etc/cardgate/cardgated.yaml --check-config   # the server's file, checked
  .build/debug/cardgate simulate piv-card --image demo-data/card-em.json --reader "Virtual PCD 00 01" &
  .build/debug/cardgate card read --reader "Virtual PCD 00 01"
  .build/debug/cardgate journal export --db demo-data/cardgate.sqlite --format csv
  .build/debug/cardgate watch                                  # then, in another terminal:
  .build/debug/cardgate simulate uid-card --uid 04A1B2C3 --reader "Virtual PCD 00 01"
  .build/debug/cardgate holidays --site Config/site.example.yaml --year 2027
  .build/debug/cardgate site check Config/site.example.yaml
  .build/debug/cardgate diagnose apdu                          # APDU round trip, mock vs pcscd
NEXT
