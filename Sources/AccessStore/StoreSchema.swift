import GRDB

/// The database schema of CardGate, as `DatabaseMigrator` migrations.
///
/// Invariants live in the schema: STRICT tables, `CHECK` constraints on every enumeration and interval,
/// `UNIQUE` identifiers, foreign keys, and triggers that keep the journal append-only.
public enum StoreSchema {
    /// The tables that make up the policy model; a change to any of them changes the policy snapshot.
    public static let modelTables: [String] = [
        "department", "person", "card", "zone", "door", "schedule", "schedule_interval", "holiday",
        "access_level", "access_level_door", "access_level_person", "access_level_department", "site_setting",
    ]

    /// All migrations, in order.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("journal-v1") { db in try db.execute(sql: journalSQL) }
        migrator.registerMigration("model-v1") { db in try db.execute(sql: modelSQL) }
        migrator.registerMigration("model-v2") { db in try db.execute(sql: modelV2SQL) }
        migrator.registerMigration("lockdown-v1") { db in try db.execute(sql: lockdownSQL) }
        migrator.registerMigration("journal-lookup-v1") { db in
            try db.execute(sql: journalLookupSQL)
            _ = try JournalLookup.rebuild(in: db)
        }
        migrator.registerMigration("journal-lookup-spans-v1") { db in try db.execute(sql: journalLookupSpansSQL) }
        migrator.registerMigration("model-revision-v1") { db in try db.execute(sql: modelRevisionSQL) }
        migrator.registerMigration("journal-lookup-spans-v2") { db in
            // A store that the earlier migrations have just built has them at the current span already.
            if try !hasCurrentSpanIndexes(db) { try db.execute(sql: journalLookupRespanSQL) }
        }
        return migrator
    }

    /// A revision per model table that triggers replace on every row inserted, updated or deleted, so that a
    /// policy rebuild can tell which tables changed since its last read (``SiteModelRevisions``). The revision is a
    /// random 64-bit number, not a count: a count comes back to an earlier value when a backup is restored over the
    /// store and then changed again, with other rows, and the rebuild would take the tables for unchanged; a
    /// random revision repeats only when the same state comes back. One more write per row changed: a whole site
    /// file of 100,000 people applied at once pays it 300,000 times.
    static let modelRevisionSQL: String = {
        var sql = """
            CREATE TABLE model_revision (
                name TEXT PRIMARY KEY NOT NULL,
                revision INTEGER NOT NULL DEFAULT 0
            );

            """
        for table in modelTables {
            sql += "INSERT INTO model_revision (name) VALUES ('\(table)');\n"
            for event in ["INSERT", "UPDATE", "DELETE"] {
                sql += """
                    CREATE TRIGGER \(table)_revision_\(event.lowercased()) AFTER \(event) ON \(table) BEGIN
                        UPDATE model_revision SET revision = random() WHERE name = '\(table)';
                    END;

                    """
            }
        }
        return sql
    }()

    /// Identifiers of resources: 1 to 128 URL-unreserved characters.
    static func idCheck(_ column: String) -> String {
        "CHECK (length(\(column)) BETWEEN 1 AND 128 AND \(column) NOT GLOB '*[^A-Za-z0-9._~-]*')"
    }

    /// The journal: events, checkpoints, the retention anchor and the keys that signed checkpoints.
    static let journalSQL = """
        CREATE TABLE journal_event (
            seq INTEGER PRIMARY KEY CHECK (seq >= 1),
            time_ms INTEGER NOT NULL,
            type TEXT NOT NULL CHECK (length(type) BETWEEN 1 AND 64 AND type NOT GLOB '*[^a-z0-9_]*'),
            door_id TEXT,
            zone_id TEXT,
            person_id TEXT,
            card_id TEXT,
            decision TEXT CHECK (decision IN ('grant', 'deny')),
            reason TEXT CHECK (length(reason) BETWEEN 1 AND 64 AND reason NOT GLOB '*[^a-z0-9_]*'),
            actor TEXT,
            details TEXT NOT NULL DEFAULT '{}' CHECK (substr(details, 1, 1) = '{' AND json_valid(details)),
            prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
            hash BLOB NOT NULL CHECK (length(hash) = 32),
            CHECK ((type = 'access_decision') = (decision IS NOT NULL))
        ) STRICT;
        CREATE INDEX journal_event_time ON journal_event(time_ms);
        CREATE INDEX journal_event_person ON journal_event(person_id, seq) WHERE person_id IS NOT NULL;
        CREATE INDEX journal_event_card ON journal_event(card_id, seq) WHERE card_id IS NOT NULL;
        CREATE INDEX journal_event_door ON journal_event(door_id, seq) WHERE door_id IS NOT NULL;
        CREATE INDEX journal_event_zone ON journal_event(zone_id, seq) WHERE zone_id IS NOT NULL;
        CREATE INDEX journal_event_reason ON journal_event(reason, seq) WHERE reason IS NOT NULL;
        CREATE INDEX journal_event_type ON journal_event(type, seq);

        CREATE TABLE journal_checkpoint (
            seq INTEGER PRIMARY KEY CHECK (seq >= 1),
            hash BLOB NOT NULL CHECK (length(hash) = 32),
            signed_at_ms INTEGER NOT NULL,
            public_key BLOB NOT NULL CHECK (length(public_key) = 32),
            signature BLOB NOT NULL CHECK (length(signature) = 64)
        ) STRICT;

        CREATE TABLE journal_anchor (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            seq INTEGER NOT NULL REFERENCES journal_checkpoint(seq),
            pruned_at_ms INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE journal_key (
            public_key BLOB PRIMARY KEY CHECK (length(public_key) = 32),
            first_used_ms INTEGER NOT NULL
        ) STRICT;

        CREATE TRIGGER journal_event_append_at_head BEFORE INSERT ON journal_event
        BEGIN
            SELECT RAISE(ABORT, 'journal: the sequence must follow the head without a gap')
            WHERE NEW.seq IS NOT coalesce(
                (SELECT max(seq) FROM journal_event), (SELECT seq FROM journal_anchor), 0) + 1;
            SELECT RAISE(ABORT, 'journal: the previous hash must be the hash of the previous event')
            WHERE NEW.prev_hash IS NOT coalesce(
                (SELECT hash FROM journal_event WHERE seq = NEW.seq - 1),
                (SELECT c.hash FROM journal_anchor a JOIN journal_checkpoint c ON c.seq = a.seq),
                zeroblob(32));
            SELECT RAISE(ABORT, 'journal: time must not go backwards')
            WHERE NEW.time_ms < (SELECT time_ms FROM journal_event WHERE seq = NEW.seq - 1);
        END;
        CREATE TRIGGER journal_event_no_update BEFORE UPDATE ON journal_event
        BEGIN
            SELECT RAISE(ABORT, 'journal: events are append-only');
        END;
        CREATE TRIGGER journal_event_delete_only_pruned BEFORE DELETE ON journal_event
        WHEN OLD.seq > coalesce((SELECT seq FROM journal_anchor), 0)
        BEGIN
            SELECT RAISE(ABORT, 'journal: only retention deletes events, up to the anchor');
        END;
        CREATE TRIGGER journal_checkpoint_no_update BEFORE UPDATE ON journal_checkpoint
        BEGIN
            SELECT RAISE(ABORT, 'journal: checkpoints are append-only');
        END;
        CREATE TRIGGER journal_checkpoint_delete_only_pruned BEFORE DELETE ON journal_checkpoint
        WHEN OLD.seq >= coalesce((SELECT seq FROM journal_anchor), 0)
        BEGIN
            SELECT RAISE(ABORT, 'journal: only retention deletes checkpoints, below the anchor');
        END;
        CREATE TRIGGER journal_anchor_forward_only BEFORE UPDATE ON journal_anchor
        WHEN NEW.seq < OLD.seq
        BEGIN
            SELECT RAISE(ABORT, 'journal: the anchor only moves forward');
        END;
        CREATE TRIGGER journal_anchor_no_delete BEFORE DELETE ON journal_anchor
        BEGIN
            SELECT RAISE(ABORT, 'journal: the anchor is never deleted');
        END;
        """

    /// The zones locked down (``SiteLockdown``), filled from the journal's newest `lockdown` event per zone.
    ///
    /// The fill is one pass over the `lockdown` events through `journal_event_type (type, seq)`; SQLite takes the
    /// bare `reason` from the row that holds `max(seq)`.
    static let lockdownSQL = """
        CREATE TABLE site_lockdown (
            zone_id TEXT PRIMARY KEY NOT NULL CHECK (length(zone_id) BETWEEN 1 AND 128),
            event_seq INTEGER NOT NULL CHECK (event_seq >= 1)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO site_lockdown (zone_id, event_seq)
            SELECT zone_id, seq FROM (
                SELECT zone_id, reason, max(seq) AS seq FROM journal_event
                WHERE type = 'lockdown' AND zone_id IS NOT NULL GROUP BY zone_id)
            WHERE reason = 'lockdown_on';
        """

    /// The indexes that move from `journal_event` to the lookup (``JournalLookup``), which the migration then
    /// builds with ``JournalLookup/rebuild(in:)`` from the existing events. Like the events, lookup rows are never
    /// updated, and only retention deletes them; `journal verify` checks that they agree with the events.
    ///
    /// Each of these indexes has a leaf per person, card, door or zone in use, so an event on `journal_event` dirtied
    /// about one page per index, and a group commit of 32 events wrote about 150 WAL pages where the events alone
    /// take three. The time index stays: times never decrease along the sequence, so it only grows at its right edge.
    static let journalLookupSQL = """
        DROP INDEX journal_event_person;
        DROP INDEX journal_event_card;
        DROP INDEX journal_event_door;
        DROP INDEX journal_event_zone;
        DROP INDEX journal_event_reason;
        DROP INDEX journal_event_type;
        """

    /// The lookup table (also made by ``JournalLookup/rebuild(in:)``); its indexes and triggers follow in
    /// ``journalLookupIndexSQL``, after the rows, so that each index is built by one sort rather than row by row.
    static let journalLookupTableSQL = """
        CREATE TABLE journal_lookup (
            seq INTEGER PRIMARY KEY CHECK (seq >= 1),
            type TEXT NOT NULL,
            door_id TEXT,
            zone_id TEXT,
            person_id TEXT,
            card_id TEXT,
            decision TEXT,
            reason TEXT
        ) STRICT;
        """

    /// The lookup's indexes and triggers.
    static let journalLookupIndexSQL: String = journalLookupSpanIndexSQL + """
        CREATE INDEX journal_lookup_reason ON journal_lookup(reason, seq) WHERE reason IS NOT NULL;
        CREATE INDEX journal_lookup_type ON journal_lookup(type, seq);
        CREATE TRIGGER journal_lookup_no_update BEFORE UPDATE ON journal_lookup
        BEGIN
            SELECT RAISE(ABORT, 'journal: lookup rows are copies of events and never change');
        END;
        CREATE TRIGGER journal_lookup_delete_only_pruned BEFORE DELETE ON journal_lookup
        WHEN OLD.seq > coalesce((SELECT seq FROM journal_anchor), 0)
        BEGIN
            SELECT RAISE(ABORT, 'journal: only retention deletes lookup rows, up to the anchor');
        END;
        """

    /// The lookup's person, card, door and zone indexes, keyed first by the span of 2^16 sequences an event is in
    /// (``JournalLookup/spanShift``) and then by the id and the sequence.
    ///
    /// Keyed by the id alone, each copied event went to a leaf anywhere in the index: a leaf per person or card in
    /// use, spread over the whole journal. As the journal grew, a copy dirtied a page per event and index, and the
    /// copies came to cost the daemon more CPU than the rest of a tap (a chunk of 1024 events into a lookup of 2 M:
    /// 40 us per event, against 10 us in spans). Within a span, the leaves that copies change are those of the
    /// newest span only, which stays small and in the page cache however large the journal grows. A query for one
    /// id reads the spans newest first, one index seek each (``JournalQuery``).
    static let journalLookupSpanIndexSQL: String = JournalLookup.spanKeys.map { key in
        """
            CREATE INDEX IF NOT EXISTS \(JournalLookup.spanIndex(key))
                ON journal_lookup(seq >> \(JournalLookup.spanShift), \(key)_id, seq) WHERE \(key)_id IS NOT NULL;

            """
    }.joined()

    /// Replaces the lookup's id indexes of `journal-lookup-v1` with the span indexes (a store that the earlier
    /// migration has just built already has them).
    static let journalLookupSpansSQL: String = """
        DROP INDEX IF EXISTS journal_lookup_person;
        DROP INDEX IF EXISTS journal_lookup_card;
        DROP INDEX IF EXISTS journal_lookup_door;
        DROP INDEX IF EXISTS journal_lookup_zone;

        """ + journalLookupSpanIndexSQL

    /// Builds the span indexes again at the current ``JournalLookup/spanShift``: stores that ran
    /// ``journalLookupSpansSQL`` before the span shrank to 2^14 events have them at 2^16, and SQLite uses an
    /// expression index only for queries that spell the same expression.
    static let journalLookupRespanSQL: String = JournalLookup.spanKeys.map { key in
        "DROP INDEX IF EXISTS \(JournalLookup.spanIndex(key));\n"
    }.joined() + journalLookupSpanIndexSQL

    /// Whether every span index exists, keyed by the current ``JournalLookup/spanShift``.
    static func hasCurrentSpanIndexes(_ db: Database) throws -> Bool {
        let definitions = try String.fetchAll(
            db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND name LIKE 'journal_lookup_%_span'")
        return definitions.count == JournalLookup.spanKeys.count
            && definitions.allSatisfy { $0.contains("seq >> \(JournalLookup.spanShift),") }
    }

    /// Times in the model are UTC milliseconds; booleans are 0 or 1; enumerations are checked.
    static let modelSQL = """
        CREATE TABLE department (
            id TEXT PRIMARY KEY NOT NULL \(idCheck("id")),
            name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            parent_id TEXT REFERENCES department(id) ON DELETE RESTRICT,
            CHECK (parent_id IS NOT id)
        ) STRICT;
        CREATE INDEX department_parent ON department(parent_id);

        CREATE TABLE person (
            id TEXT PRIMARY KEY NOT NULL \(idCheck("id")),
            display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
            department_id TEXT REFERENCES department(id) ON DELETE RESTRICT,
            kind TEXT NOT NULL DEFAULT 'staff' CHECK (kind IN ('staff', 'visitor', 'contractor')),
            status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
            responder INTEGER NOT NULL DEFAULT 0 CHECK (responder IN (0, 1)),
            external_ids TEXT CHECK (external_ids IS NULL OR
                (substr(external_ids, 1, 1) = '{' AND json_valid(external_ids)))
        ) STRICT;
        CREATE INDEX person_department ON person(department_id);

        CREATE TABLE card (
            id TEXT PRIMARY KEY NOT NULL \(idCheck("id")),
            person_id TEXT NOT NULL REFERENCES person(id) ON DELETE RESTRICT,
            type TEXT NOT NULL CHECK (type IN ('piv', 'uid')),
            certificate BLOB CHECK (length(certificate) BETWEEN 1 AND 16384),
            uid TEXT CHECK (length(uid) BETWEEN 2 AND 40 AND length(uid) % 2 = 0
                AND uid NOT GLOB '*[^0-9A-F]*'),
            piv_guid TEXT CHECK (length(piv_guid) = 32 AND piv_guid NOT GLOB '*[^0-9a-f]*'),
            fingerprint TEXT CHECK (length(fingerprint) = 64 AND fingerprint NOT GLOB '*[^0-9a-f]*'),
            status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'revoked', 'lost')),
            status_reason TEXT,
            valid_from_ms INTEGER,
            valid_until_ms INTEGER,
            CHECK (type <> 'piv' OR (certificate IS NOT NULL AND fingerprint IS NOT NULL AND uid IS NULL)),
            CHECK (type <> 'uid' OR (uid IS NOT NULL AND certificate IS NULL AND fingerprint IS NULL
                AND piv_guid IS NULL)),
            CHECK (valid_from_ms IS NULL OR valid_until_ms IS NULL OR valid_from_ms < valid_until_ms)
        ) STRICT;
        CREATE UNIQUE INDEX card_uid ON card(uid) WHERE uid IS NOT NULL;
        CREATE UNIQUE INDEX card_fingerprint ON card(fingerprint) WHERE fingerprint IS NOT NULL;
        CREATE INDEX card_piv_guid ON card(piv_guid) WHERE piv_guid IS NOT NULL;
        CREATE INDEX card_person ON card(person_id);

        CREATE TABLE zone (
            id TEXT PRIMARY KEY NOT NULL \(idCheck("id")),
            name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            parent_id TEXT REFERENCES zone(id) ON DELETE RESTRICT,
            anti_passback TEXT NOT NULL DEFAULT 'none' CHECK (anti_passback IN ('none', 'soft', 'hard')),
            max_occupancy INTEGER CHECK (max_occupancy > 0),
            CHECK (parent_id IS NOT id)
        ) STRICT;

        CREATE TABLE door (
            id TEXT PRIMARY KEY NOT NULL \(idCheck("id")),
            name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            from_zone_id TEXT REFERENCES zone(id) ON DELETE RESTRICT,
            to_zone_id TEXT NOT NULL REFERENCES zone(id) ON DELETE RESTRICT,
            mode TEXT NOT NULL DEFAULT 'normal'
                CHECK (mode IN ('normal', 'free_access', 'locked', 'card_and_pin')),
            min_assurance TEXT NOT NULL DEFAULT 'pki_cak'
                CHECK (min_assurance IN ('uid', 'pki_cak', 'pki_auth_pin')),
            unlock_seconds INTEGER NOT NULL DEFAULT 5 CHECK (unlock_seconds BETWEEN 1 AND 3600),
            two_person_seconds INTEGER CHECK (two_person_seconds BETWEEN 1 AND 3600),
            escort_seconds INTEGER CHECK (escort_seconds BETWEEN 1 AND 3600),
            meeting_room INTEGER NOT NULL DEFAULT 0 CHECK (meeting_room IN (0, 1)),
            attendance_point INTEGER NOT NULL DEFAULT 0 CHECK (attendance_point IN (0, 1)),
            CHECK (from_zone_id IS NOT to_zone_id)
        ) STRICT;
        CREATE INDEX door_to_zone ON door(to_zone_id);
        CREATE INDEX door_from_zone ON door(from_zone_id);

        CREATE TABLE schedule (
            id TEXT PRIMARY KEY NOT NULL \(idCheck("id")),
            name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            on_holidays TEXT NOT NULL DEFAULT 'closed'
                CHECK (on_holidays IN ('closed', 'ignore', 'holiday_intervals'))
        ) STRICT;

        CREATE TABLE schedule_interval (
            schedule_id TEXT NOT NULL REFERENCES schedule(id) ON DELETE CASCADE,
            holiday INTEGER NOT NULL DEFAULT 0 CHECK (holiday IN (0, 1)),
            position INTEGER NOT NULL CHECK (position >= 0),
            days INTEGER NOT NULL CHECK (days BETWEEN 1 AND 127),
            start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
            end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
            CHECK (start_minute <> end_minute),
            PRIMARY KEY (schedule_id, holiday, position)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE holiday (
            id TEXT PRIMARY KEY NOT NULL \(idCheck("id")),
            name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            kind TEXT NOT NULL CHECK (kind IN ('solar', 'lunar', 'once')),
            month INTEGER CHECK (month BETWEEN 1 AND 12),
            day INTEGER CHECK (day BETWEEN 1 AND 31),
            date TEXT CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(date, '+0 days') IS date),
            days INTEGER NOT NULL DEFAULT 1 CHECK (days BETWEEN 1 AND 31),
            CHECK ((kind = 'once' AND date IS NOT NULL AND month IS NULL AND day IS NULL)
                OR (kind <> 'once' AND date IS NULL AND month IS NOT NULL AND day IS NOT NULL)),
            CHECK (kind <> 'lunar' OR day <= 30)
        ) STRICT;

        CREATE TABLE access_level (
            id TEXT PRIMARY KEY NOT NULL \(idCheck("id")),
            name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            schedule_id TEXT NOT NULL REFERENCES schedule(id) ON DELETE RESTRICT,
            valid_from_ms INTEGER,
            valid_until_ms INTEGER,
            CHECK (valid_from_ms IS NULL OR valid_until_ms IS NULL OR valid_from_ms < valid_until_ms)
        ) STRICT;

        CREATE TABLE access_level_door (
            access_level_id TEXT NOT NULL REFERENCES access_level(id) ON DELETE CASCADE,
            door_id TEXT NOT NULL REFERENCES door(id) ON DELETE CASCADE,
            PRIMARY KEY (access_level_id, door_id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX access_level_door_door ON access_level_door(door_id);

        CREATE TABLE access_level_person (
            access_level_id TEXT NOT NULL REFERENCES access_level(id) ON DELETE CASCADE,
            person_id TEXT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            valid_from_ms INTEGER,
            valid_until_ms INTEGER,
            CHECK (valid_from_ms IS NULL OR valid_until_ms IS NULL OR valid_from_ms < valid_until_ms),
            PRIMARY KEY (access_level_id, person_id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX access_level_person_person ON access_level_person(person_id);

        CREATE TABLE access_level_department (
            access_level_id TEXT NOT NULL REFERENCES access_level(id) ON DELETE CASCADE,
            department_id TEXT NOT NULL REFERENCES department(id) ON DELETE CASCADE,
            valid_from_ms INTEGER,
            valid_until_ms INTEGER,
            CHECK (valid_from_ms IS NULL OR valid_until_ms IS NULL OR valid_from_ms < valid_until_ms),
            PRIMARY KEY (access_level_id, department_id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX access_level_department_department ON access_level_department(department_id);

        CREATE TABLE token (
            id TEXT PRIMARY KEY NOT NULL \(idCheck("id")),
            name TEXT CHECK (length(name) BETWEEN 1 AND 200),
            role TEXT NOT NULL CHECK (role IN ('controller', 'security', 'auditor', 'admin')),
            secret_hash BLOB NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
            created_ms INTEGER NOT NULL,
            revoked_ms INTEGER CHECK (revoked_ms >= created_ms)
        ) STRICT;

        CREATE TABLE token_door (
            token_id TEXT NOT NULL REFERENCES token(id) ON DELETE CASCADE,
            door_id TEXT NOT NULL REFERENCES door(id) ON DELETE CASCADE,
            PRIMARY KEY (token_id, door_id)
        ) STRICT, WITHOUT ROWID;

        CREATE TRIGGER token_door_only_controller BEFORE INSERT ON token_door
        WHEN (SELECT role FROM token WHERE id = NEW.token_id) IS NOT 'controller'
        BEGIN
            SELECT RAISE(ABORT, 'only controller tokens are bound to doors');
        END;
        """
}
