import GRDB

/// The zones locked down, kept in the store so that a lockdown outlives a restart of the daemon.
///
/// ## Why a table and not the journal alone
///
/// The journal's `lockdown` events (`lockdown_on` / `lockdown_off`, `zoneId`) tell the same story, and the newest
/// one per zone could be looked up at startup. But retention prunes events older than its cut-off: a zone locked
/// down for longer than that would lose its `lockdown_on` event and open again at the next restart. So the state
/// lives in `site_lockdown`, written in the same transaction as its event by
/// ``record(zoneId:locked:actor:details:journal:in:)``: the table and the journal cannot disagree (both commit or
/// neither), retention never touches the table, and reading it at startup costs one query over a handful of rows.
/// Each row names the event that locked the zone. The migration that creates the table fills it from the journal,
/// so a store written before it keeps its lockdowns.
public enum SiteLockdown {
    /// The zones locked down.
    public static func zones(in db: Database) throws -> Set<String> {
        Set(try String.fetchAll(db, sql: "SELECT zone_id FROM site_lockdown"))
    }

    /// Appends the `lockdown` event of `zoneId` and records the zone's new state, in the caller's transaction.
    /// - Returns: the committed-to-be event and the zones locked down afterwards.
    public static func record(
        zoneId: String, locked: Bool, actor: String?, details: String, journal: JournalWriter, in db: Database
    ) throws -> (event: JournalEvent, zones: Set<String>) {
        let new = NewJournalEvent(type: .lockdown, zoneId: zoneId, reason: locked ? "lockdown_on" : "lockdown_off",
            actor: actor, details: details)
        guard let event = try journal.append([new], in: db).first else {
            throw AccessStoreError(.databaseError, "the lockdown event was not appended")
        }
        if locked {
            try db.execute(
                sql: """
                    INSERT INTO site_lockdown (zone_id, event_seq) VALUES (?, ?)
                    ON CONFLICT (zone_id) DO UPDATE SET event_seq = excluded.event_seq
                    """,
                arguments: [zoneId, event.sequence])
        } else {
            try db.execute(sql: "DELETE FROM site_lockdown WHERE zone_id = ?", arguments: [zoneId])
        }
        return (event, try zones(in: db))
    }
}

extension AccessStore {
    /// Locks `zoneId` down or lifts its lockdown: its `lockdown` event and the stored state in one transaction.
    /// - Returns: the committed event and the zones locked down afterwards.
    public func setLockdown(
        zoneId: String, locked: Bool, actor: String?, details: String, journal: JournalWriter
    ) async throws(AccessStoreError) -> (event: JournalEvent, zones: Set<String>) {
        do {
            return try await writer.write { db in
                try SiteLockdown.record(zoneId: zoneId, locked: locked, actor: actor, details: details,
                    journal: journal, in: db)
            }
        } catch {
            throw AccessStoreError(error)
        }
    }

    /// The zones locked down, as stored.
    public func lockdownZones() throws(AccessStoreError) -> Set<String> {
        do {
            return try writer.read { db in try SiteLockdown.zones(in: db) }
        } catch {
            throw AccessStoreError(error)
        }
    }
}
