#!/usr/bin/env bash
# Writes a copy of a load kit's database whose journal already holds EVENTS access decisions (default 2 million),
# for load runs against a journal that has been in service for a while rather than an empty one.
#
# The events are written straight into the tables with sqlite3 (apt sqlite3): grants of random cards of the kit's
# people at random doors, a millisecond apart after the kit's own events, with the lookup filled. Their hashes are
# all zero, which the append trigger accepts, so the daemon chains its own events on top of them, but
# `cardgate journal verify` reports the copy as damaged: it is load data, not a journal.
#
# usage: Tools/LoadBench/prefill-journal.sh KIT_DIR OUTPUT.sqlite [EVENTS]
# then:  DB=OUTPUT.sqlite Tools/LoadBench/run.sh KIT_DIR
set -euo pipefail

kit="${1:?usage: prefill-journal.sh KIT_DIR OUTPUT.sqlite [EVENTS]}"
out="${2:?usage: prefill-journal.sh KIT_DIR OUTPUT.sqlite [EVENTS]}"
events="${3:-2000000}"
command -v sqlite3 >/dev/null || { echo "prefill-journal.sh: sqlite3 is missing (apt-get install -y sqlite3)" >&2; exit 2; }
[[ -f "$kit/cardgate.sqlite" ]] || { echo "prefill-journal.sh: no kit in $kit: run load-bench setup first" >&2; exit 2; }
[[ ! -e "$out" ]] || { echo "prefill-journal.sh: $out exists" >&2; exit 2; }

cp "$kit/cardgate.sqlite" "$out"
started="$(date +%s)"
# The lookup's indexes are dropped while the rows go in and made again after, each by one sort.
indexes="$(sqlite3 "$out" "SELECT sql || ';' FROM sqlite_master WHERE type = 'index' AND tbl_name = 'journal_lookup'")"
sqlite3 "$out" <<SQL
PRAGMA journal_mode = WAL;
CREATE TEMP TABLE cards AS SELECT row_number() OVER (ORDER BY id) AS n, id, person_id FROM card;
CREATE TEMP TABLE doors AS SELECT row_number() OVER (ORDER BY id) AS n, id, to_zone_id FROM door;
CREATE TEMP TABLE head AS SELECT seq, time_ms, hash FROM journal_event ORDER BY seq DESC LIMIT 1;
BEGIN;
WITH RECURSIVE
    x(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM x WHERE i < $events),
    pick(i, c, d) AS (
        SELECT i, abs(random()) % (SELECT count(*) FROM cards) + 1, abs(random()) % (SELECT count(*) FROM doors) + 1
        FROM x)
INSERT INTO journal_event (seq, time_ms, type, door_id, zone_id, person_id, card_id, decision, reason, details,
    prev_hash, hash)
SELECT h.seq + p.i, h.time_ms + p.i, 'access_decision', d.id, d.to_zone_id, c.person_id, c.id, 'grant', 'granted',
    '{"assurance":"uid","direction":"in"}', CASE WHEN p.i = 1 THEN h.hash ELSE zeroblob(32) END, zeroblob(32)
FROM pick p JOIN cards c ON c.n = p.c JOIN doors d ON d.n = p.d, head h
ORDER BY p.i;
COMMIT;
$(sqlite3 "$out" "SELECT 'DROP INDEX ' || name || ';' FROM sqlite_master WHERE type = 'index' AND tbl_name = 'journal_lookup'")
INSERT INTO journal_lookup (seq, type, door_id, zone_id, person_id, card_id, decision, reason)
    SELECT seq, type, door_id, zone_id, person_id, card_id, decision, reason FROM journal_event
    WHERE seq > (SELECT coalesce(max(seq), 0) FROM journal_lookup);
$indexes
PRAGMA wal_checkpoint(TRUNCATE);
SQL
echo "prefill-journal.sh: $out holds $(sqlite3 "$out" 'SELECT count(*) FROM journal_event') events," \
    "$(du -m "$out" | cut -f1) MB, in $(( $(date +%s) - started )) s"
