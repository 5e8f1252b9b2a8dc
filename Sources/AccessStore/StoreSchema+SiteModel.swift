extension StoreSchema {
    /// The second model migration: what a ``AccessPolicy/SiteModel`` holds that the first schema could not.
    ///
    /// - `person.pin_hash`: the person's door PIN hash (see `PINHasher`), opaque to the schema.
    /// - `zone.anti_passback_reset_seconds`: the timed reset of anti-passback.
    /// - `site_setting`: the site's time zone (one row).
    /// - `schedule_interval` rebuilt: a holiday interval may name no days (it applies on any weekday), and an
    ///   interval that crosses midnight may end at `00:00`.
    /// - `schedule_interval`, `access_level_door`, `access_level_person` and `access_level_department` become
    ///   rowid tables: SQLite reports no changes of `WITHOUT ROWID` tables to its update hook, so
    ///   ``ModelChangeObservation`` missed them (a level given one more door did not rebuild the snapshot).
    /// - `card` rebuilt: a PIV card enrolled from a people file is known by its certificate fingerprint alone,
    ///   so the certificate becomes optional (the fingerprint stays required).
    static let modelV2SQL = """
        ALTER TABLE person ADD COLUMN pin_hash TEXT
            CHECK (pin_hash IS NULL OR length(pin_hash) BETWEEN 1 AND 512);
        ALTER TABLE zone ADD COLUMN anti_passback_reset_seconds INTEGER
            CHECK (anti_passback_reset_seconds > 0);

        CREATE TABLE site_setting (
            id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
            time_zone TEXT NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
            seconds_from_utc INTEGER NOT NULL CHECK (seconds_from_utc BETWEEN -50400 AND 50400)
        ) STRICT;

        CREATE TABLE schedule_interval_v2 (
            schedule_id TEXT NOT NULL REFERENCES schedule(id) ON DELETE CASCADE,
            holiday INTEGER NOT NULL DEFAULT 0 CHECK (holiday IN (0, 1)),
            position INTEGER NOT NULL CHECK (position >= 0),
            days INTEGER NOT NULL CHECK (days BETWEEN 0 AND 127 AND (days > 0 OR holiday = 1)),
            start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
            end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 0 AND 1440),
            CHECK (start_minute <> end_minute),
            PRIMARY KEY (schedule_id, holiday, position)
        ) STRICT;
        INSERT INTO schedule_interval_v2 (schedule_id, holiday, position, days, start_minute, end_minute)
            SELECT schedule_id, holiday, position, days, start_minute, end_minute FROM schedule_interval;
        DROP TABLE schedule_interval;
        ALTER TABLE schedule_interval_v2 RENAME TO schedule_interval;

        CREATE TABLE access_level_door_v2 (
            access_level_id TEXT NOT NULL REFERENCES access_level(id) ON DELETE CASCADE,
            door_id TEXT NOT NULL REFERENCES door(id) ON DELETE CASCADE,
            PRIMARY KEY (access_level_id, door_id)
        ) STRICT;
        INSERT INTO access_level_door_v2 (access_level_id, door_id)
            SELECT access_level_id, door_id FROM access_level_door;
        DROP TABLE access_level_door;
        ALTER TABLE access_level_door_v2 RENAME TO access_level_door;
        CREATE INDEX access_level_door_door ON access_level_door(door_id);

        CREATE TABLE access_level_person_v2 (
            access_level_id TEXT NOT NULL REFERENCES access_level(id) ON DELETE CASCADE,
            person_id TEXT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            valid_from_ms INTEGER,
            valid_until_ms INTEGER,
            CHECK (valid_from_ms IS NULL OR valid_until_ms IS NULL OR valid_from_ms < valid_until_ms),
            PRIMARY KEY (access_level_id, person_id)
        ) STRICT;
        INSERT INTO access_level_person_v2 (access_level_id, person_id, valid_from_ms, valid_until_ms)
            SELECT access_level_id, person_id, valid_from_ms, valid_until_ms FROM access_level_person;
        DROP TABLE access_level_person;
        ALTER TABLE access_level_person_v2 RENAME TO access_level_person;
        CREATE INDEX access_level_person_person ON access_level_person(person_id);

        CREATE TABLE access_level_department_v2 (
            access_level_id TEXT NOT NULL REFERENCES access_level(id) ON DELETE CASCADE,
            department_id TEXT NOT NULL REFERENCES department(id) ON DELETE CASCADE,
            valid_from_ms INTEGER,
            valid_until_ms INTEGER,
            CHECK (valid_from_ms IS NULL OR valid_until_ms IS NULL OR valid_from_ms < valid_until_ms),
            PRIMARY KEY (access_level_id, department_id)
        ) STRICT;
        INSERT INTO access_level_department_v2 (access_level_id, department_id, valid_from_ms, valid_until_ms)
            SELECT access_level_id, department_id, valid_from_ms, valid_until_ms FROM access_level_department;
        DROP TABLE access_level_department;
        ALTER TABLE access_level_department_v2 RENAME TO access_level_department;
        CREATE INDEX access_level_department_department ON access_level_department(department_id);

        CREATE TABLE card_v2 (
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
            CHECK (type <> 'piv' OR (fingerprint IS NOT NULL AND uid IS NULL)),
            CHECK (type <> 'uid' OR (uid IS NOT NULL AND certificate IS NULL AND fingerprint IS NULL
                AND piv_guid IS NULL)),
            CHECK (valid_from_ms IS NULL OR valid_until_ms IS NULL OR valid_from_ms < valid_until_ms)
        ) STRICT;
        INSERT INTO card_v2 (id, person_id, type, certificate, uid, piv_guid, fingerprint, status, status_reason,
                valid_from_ms, valid_until_ms)
            SELECT id, person_id, type, certificate, uid, piv_guid, fingerprint, status, status_reason,
                valid_from_ms, valid_until_ms FROM card;
        DROP TABLE card;
        ALTER TABLE card_v2 RENAME TO card;
        CREATE UNIQUE INDEX card_uid ON card(uid) WHERE uid IS NOT NULL;
        CREATE UNIQUE INDEX card_fingerprint ON card(fingerprint) WHERE fingerprint IS NOT NULL;
        CREATE INDEX card_piv_guid ON card(piv_guid) WHERE piv_guid IS NOT NULL;
        CREATE INDEX card_person ON card(person_id);
        """
}
