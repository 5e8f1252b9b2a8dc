# Sourced by the LoadBench scripts (run.sh, admin-memory.sh, compare.sh): a daemon on a fresh copy of a kit.

# fresh_copy KIT RUN_DIR: empties RUN_DIR and copies the kit's database and journal key into it, so that every run
# starts from the database as `load-bench setup` left it.
fresh_copy() {
    rm -rf "$2"
    mkdir -p "$2"
    cp "$1/cardgate.sqlite" "$1/cardgate.sqlite.journal-key" "$2/"
}

# start_daemon BINARY KIT RUN_DIR HOST:PORT: starts BINARY on RUN_DIR's database with the kit's CA (its log in
# RUN_DIR/cardgated.log), sets `pid`, and returns once GET /healthz answers; exits 1 if the daemon exits first.
start_daemon() {
    "$1" --db "$3/cardgate.sqlite" --listen "$4" --ca-cert "$2/ca/ca-cert.pem" >"$3/cardgated.log" 2>&1 &
    pid=$!
    until curl -fs "http://$4/healthz" >/dev/null 2>&1; do
        kill -0 "$pid" 2>/dev/null || { echo "$(basename "$0"): $1 exited; see $3/cardgated.log" >&2; exit 1; }
        sleep 0.1
    done
}
