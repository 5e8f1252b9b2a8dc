import Crypto
import Foundation
import GRDB
import GRDBSQLite

/// Recomputes the journal's hash chain and checks its checkpoints, naming the first damage.
///
/// The pass streams the events in sequence order through one SQLite statement inside one read transaction
/// (a consistent snapshot, even while the daemon appends), reads columns in place and hashes them from one
/// reused buffer, so no memory is allocated per event. Only when something is wrong does it load the few
/// events around the damage to tell what kind it is.
public struct JournalVerifier: Sendable {
    /// Checkpoint keys to trust; `nil` trusts the keys recorded in the database.
    public var trustedKeys: Set<Data>?

    public init(trustedKeys: Set<Data>? = nil) {
        self.trustedKeys = trustedKeys
    }

    /// How many events on either side of the damage are examined to tell its kind.
    static let window: Int64 = 32

    /// Verifies the journal in `reader`.
    ///
    /// - Parameter progress: called now and then with (events checked, events to check).
    /// - Throws: `AccessStoreError` when the database cannot be read (`corruptDatabase`, `notADatabase`,
    ///   `notACardGateStore`, ...). Damage to the chain is a result, not an error.
    public func verify(
        _ reader: any DatabaseReader, progress: ((Int64, Int64) -> Void)? = nil
    ) throws(AccessStoreError) -> JournalVerification {
        do {
            return try reader.read { db in try verify(in: db, progress: progress) }
        } catch {
            throw AccessStoreError(error)
        }
    }

    /// Verifies the journal inside a read transaction the caller owns.
    public func verify(in db: Database, progress: ((Int64, Int64) -> Void)? = nil) throws -> JournalVerification {
        guard try db.tableExists("journal_event"), try db.tableExists("journal_checkpoint") else {
            throw AccessStoreError(.notACardGateStore, "the database has no journal")
        }
        let anchor: Int64? = try Int64.fetchOne(db, sql: "SELECT seq FROM journal_anchor WHERE id = 1")
        let keys = try trustedKeys ?? Set(Data.fetchAll(db, sql: "SELECT public_key FROM journal_key"))
        let checkpoints = try Row.fetchAll(
            db, sql: "SELECT seq, hash, signed_at_ms, public_key, signature FROM journal_checkpoint WHERE seq >= ?"
                + " ORDER BY seq", arguments: [anchor ?? 0]
        ).map(Self.checkpoint(row:))
        let bounds = try Row.fetchOne(db, sql: "SELECT min(seq), max(seq) FROM journal_event WHERE seq > ?",
                                      arguments: [anchor ?? 0])
        var result = JournalVerification(
            anchorSequence: anchor, firstSequence: try bounds?.decode(atIndex: 0),
            lastSequence: try bounds?.decode(atIndex: 1), eventsChecked: 0, checkpointsChecked: 0,
            lastCheckpointSequence: nil, unsignedEvents: 0,
            keyTrust: trustedKeys == nil ? .recordedKeys : .suppliedKeys, damage: nil)

        func trusted(_ checkpoint: ReadCheckpoint) -> Bool {
            guard let key = checkpoint.publicKey, keys.contains(key) else { return false }
            return checkpoint.verified.hasValidSignature
        }

        var expected: Int64 = 1
        var previousHash = [UInt8](CanonicalEventEncoding.genesisHash)
        var nextCheckpoint = 0
        if let anchor {
            guard let first = checkpoints.first, first.sequence == anchor, trusted(first), let hash = first.hash
            else {
                result.damage = JournalDamage(
                    sequence: anchor, kind: .badCheckpoint,
                    detail: "the retention anchor's checkpoint is missing, unsigned or signed by an untrusted key")
                return result
            }
            expected = anchor + 1
            previousHash = [UInt8](hash)
            nextCheckpoint = 1
            result.checkpointsChecked = 1
            result.lastCheckpointSequence = anchor
        }

        let total = max(0, (result.lastSequence ?? expected - 1) - (expected - 1))
        let connection = db.sqliteConnection
        var statement: OpaquePointer?
        let sql = "SELECT \(JournalEvent.columns) FROM journal_event WHERE seq > ? ORDER BY seq"
        var code = sqlite3_prepare_v2(connection, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else { throw AccessStoreError.sqlite(code, connection) }
        defer { sqlite3_finalize(statement) }
        sqlite3_bind_int64(statement, 1, anchor ?? 0)

        var buffer: [UInt8] = []
        buffer.reserveCapacity(4096)
        var checked: Int64 = 0
        progress?(0, total)
        scan: while true {
            code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw AccessStoreError.sqlite(code, connection) }
            let sequence = sqlite3_column_int64(statement, 0)
            if sequence != expected {
                let detail = sequence == expected + 1
                    ? "event \(expected) is missing" : "events \(expected) to \(sequence - 1) are missing"
                result.damage = JournalDamage(sequence: expected, kind: .deleted, detail: detail)
                break
            }
            let intact = RawEvent.columnTypesAreValid(statement)
                && RawEvent.hashMatches(statement, previousHash: previousHash, buffer: &buffer)
            if !intact {
                result.damage = try diagnose(in: db, at: sequence, linkHash: previousHash, anchor: anchor)
                break
            }
            RawEvent.copyHash(statement, into: &previousHash)
            if nextCheckpoint < checkpoints.count, checkpoints[nextCheckpoint].sequence == sequence {
                let checkpoint = checkpoints[nextCheckpoint]
                result.checkpointsChecked += 1
                guard trusted(checkpoint) else {
                    result.damage = JournalDamage(
                        sequence: sequence, kind: .badCheckpoint,
                        detail: "the checkpoint's signature is invalid or its key is not trusted")
                    break scan
                }
                guard checkpoint.hash.map({ [UInt8]($0) == previousHash }) == true else {
                    let from = (result.lastCheckpointSequence ?? 0) + 1
                    result.damage = JournalDamage(
                        sequence: from, throughSequence: sequence, kind: .rewritten,
                        detail: "the events \(from) to \(sequence) differ from what the checkpoint at \(sequence)"
                            + " signed: the chain was rewritten")
                    break scan
                }
                result.lastCheckpointSequence = sequence
                nextCheckpoint += 1
            } else if nextCheckpoint < checkpoints.count, (checkpoints[nextCheckpoint].sequence ?? 0) < sequence {
                result.damage = JournalDamage(
                    sequence: checkpoints[nextCheckpoint].sequence ?? sequence, kind: .badCheckpoint,
                    detail: "a checkpoint row is malformed")
                break
            }
            expected += 1
            checked += 1
            if checked & 0xFFFF == 0 { progress?(checked, total) }
        }
        result.eventsChecked = checked
        if result.damage == nil, nextCheckpoint < checkpoints.count {
            let vouched = checkpoints[nextCheckpoint].sequence.map(String.init) ?? "?"
            result.damage = JournalDamage(
                sequence: expected, kind: .deleted,
                detail: "the journal ends at \(expected - 1) but a checkpoint vouches for events up to \(vouched)")
        }
        result.unsignedEvents = max(0, expected - 1 - (result.lastCheckpointSequence ?? 0))
        progress?(checked, total)
        return result
    }

    /// A checkpoint as read, with each column `nil` when it has the wrong type.
    struct ReadCheckpoint {
        var sequence: Int64?
        var hash: Data?
        var publicKey: Data?
        var verified: JournalCheckpoint
    }

    static func checkpoint(row: Row) -> ReadCheckpoint {
        let sequence: Int64? = try? row.decode(atIndex: 0)
        let hash: Data? = try? row.decode(atIndex: 1)
        let signedAt: Int64? = try? row.decode(atIndex: 2)
        let publicKey: Data? = try? row.decode(atIndex: 3)
        let signature: Data? = try? row.decode(atIndex: 4)
        return ReadCheckpoint(
            sequence: sequence, hash: hash, publicKey: publicKey,
            verified: JournalCheckpoint(
                sequence: sequence ?? 0, hash: hash ?? Data(), signedAtMilliseconds: signedAt ?? 0,
                publicKey: publicKey ?? Data(), signature: signature ?? Data()))
    }

    /// Tells what kind of damage starts at `sequence`, where the streaming pass found the event's hash or
    /// its link to `linkHash` (the hash of the last good event, or of the anchor) wrong.
    func diagnose(in db: Database, at sequence: Int64, linkHash: [UInt8], anchor: Int64?) throws -> JournalDamage {
        let window = Self.window
        let events = try RawEvent.fetch(in: db, from: sequence - window, through: sequence + window)
        func origin(_ event: RawEvent) -> Int64? {
            guard event.typesAreValid else { return nil }
            return ((event.sequence - window)...(event.sequence + window)).first { event.hashes(as: $0) }
        }
        guard let event = events.first(where: { $0.sequence == sequence }) else {
            return JournalDamage(sequence: sequence, kind: .deleted, detail: "event \(sequence) is missing")
        }
        switch origin(event) {
        case sequence?:
            if let other = events.first(where: { $0.hash == event.previousHash && $0.sequence != sequence - 1 }) {
                return JournalDamage(
                    sequence: sequence, kind: .reordered,
                    detail: "event \(sequence) was written after event \(other.sequence)")
            }
            if sequence - 1 == (anchor ?? 0) {
                return JournalDamage(
                    sequence: sequence, kind: .deleted,
                    detail: "event \(sequence) does not follow the \(anchor == nil ? "start" : "retention anchor")")
            }
            return JournalDamage(
                sequence: sequence - 1, kind: .edited,
                detail: "event \(sequence - 1) was replaced and re-hashed; event \(sequence) does not follow it")
        case nil:
            if let next = events.first(where: { $0.sequence == sequence + 1 }), origin(next) == sequence {
                return JournalDamage(
                    sequence: sequence, kind: .inserted,
                    detail: "event \(sequence) was not written by the journal; the original moved to \(sequence + 1)")
            }
            if event.previousHash != linkHash, event.typesAreValid,
                events.contains(where: { $0.sequence > sequence && $0.previousHash == linkHash })
            {
                return JournalDamage(
                    sequence: sequence, kind: .inserted, detail: "event \(sequence) was not written by the journal")
            }
            return JournalDamage(
                sequence: sequence, kind: .edited, detail: "the content or hash of event \(sequence) was changed")
        case let written? where written > sequence:
            if events.contains(where: { $0.sequence != sequence && origin($0) == sequence }) {
                return JournalDamage(
                    sequence: sequence, kind: .reordered,
                    detail: "position \(sequence) holds the event written as \(written)")
            }
            return JournalDamage(
                sequence: sequence, kind: .deleted,
                detail: "event \(sequence) was removed and later events renumbered")
        case let written?:
            return JournalDamage(
                sequence: sequence, kind: .inserted,
                detail: "position \(sequence) holds a copy of the event written as \(written)")
        }
    }
}
