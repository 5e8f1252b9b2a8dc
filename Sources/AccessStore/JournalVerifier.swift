import Crypto
import Foundation
import GRDB
import GRDBSQLite

/// Recomputes the journal's hash chain and checks its checkpoints, naming the first damage.
///
/// The events are split into contiguous sequence ranges scanned in parallel, one reader connection each.
/// A scan streams its rows through one SQLite statement, reads the columns in place and hashes them from
/// one reused buffer, so nothing is allocated per event; the ranges are then joined by checking that each
/// range's first event links to the previous range's last. Journal rows are append-only, so ranges read
/// by different connections agree. Only when something is wrong are the few events around the damage
/// loaded to tell what kind it is.
public struct JournalVerifier: Sendable {
    /// Checkpoint keys to trust; `nil` trusts the keys recorded in the database.
    public var trustedKeys: Set<Data>?
    /// How many ranges are scanned at once (a `DatabaseQueue` scans them one after another).
    public var parallelism: Int
    /// The fewest events a range holds; smaller journals are scanned in one range.
    public var minimumRangeSize: Int64
    /// The policy the journal's checkpoints were signed by. A writer holding the key signs a checkpoint in the
    /// transaction that makes one due, so unsigned events beyond it (more events than it allows, or events
    /// written later after the last checkpoint than it allows) are damage: checkpoints were deleted with the
    /// events they signed or the chain was rewritten, or a writer without the key appended. Checked when the
    /// journal is signed (trusted or recorded keys); `nil` does not check.
    public var checkpointPolicy: CheckpointPolicy?
    /// Checkpoints kept outside the database (``JournalWitness``): the journal must still hold each one's event with
    /// the witnessed hash, unless retention pruned it, which finds newest events deleted with their checkpoints.
    public var witness: [JournalCheckpoint]

    public init(
        trustedKeys: Set<Data>? = nil, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
        minimumRangeSize: Int64 = 100_000, checkpointPolicy: CheckpointPolicy? = CheckpointPolicy(),
        witness: [JournalCheckpoint] = []
    ) {
        self.checkpointPolicy = checkpointPolicy
        self.witness = witness
        self.trustedKeys = trustedKeys
        self.parallelism = min(16, max(1, parallelism))
        self.minimumRangeSize = max(1, minimumRangeSize)
    }

    /// How many events on either side of the damage are examined to tell its kind.
    static let window: Int64 = 32

    /// Verifies the journal in `reader`.
    ///
    /// - Parameter progress: called now and then, from any thread, with (events checked, events to check).
    /// - Throws: `AccessStoreError` when the database cannot be read (`corruptDatabase`, `notADatabase`,
    ///   `notACardGateStore`, ...). Damage to the chain is a result, not an error.
    public func verify(
        _ reader: any DatabaseReader, progress: (@Sendable (Int64, Int64) -> Void)? = nil
    ) throws(AccessStoreError) -> JournalVerification {
        do {
            let plan = try reader.read { db in
                try Plan(
                    db, trustedKeys: trustedKeys, minimumRangeSize: minimumRangeSize, checkpointPolicy: checkpointPolicy,
                    witness: witness)
            }
            if let damage = plan.anchorDamage { return plan.result(damage: damage) }
            let ranges = plan.ranges(count: parallelism)
            let counter = ProgressCounter(total: plan.total, report: progress)
            let outcomes = ScanOutcomes(count: ranges.count)
            DispatchQueue.concurrentPerform(iterations: ranges.count) { index in
                outcomes.set(index, Result { try reader.read { db in try plan.scan(db, ranges[index], counter) } })
            }
            let scans = try outcomes.all()
            let result = try reader.read { db in try Self.checked(try plan.combine(scans, in: db), in: db) }
            guard result.damage != nil else { return result }
            // The plan, the ranges and the joining each read in a transaction of their own, so a prune committed
            // in between (retention runs while the daemon does) looks like deleted events. Damage is reported only
            // when one pass in a single transaction finds it too.
            return try reader.read { db in try verify(in: db) }
        } catch {
            throw AccessStoreError(error)
        }
    }

    /// Verifies the journal inside a read transaction the caller owns, in one pass.
    public func verify(in db: Database, progress: (@Sendable (Int64, Int64) -> Void)? = nil) throws
        -> JournalVerification
    {
        let plan = try Plan(
            db, trustedKeys: trustedKeys, minimumRangeSize: minimumRangeSize, checkpointPolicy: checkpointPolicy,
            witness: witness)
        if let damage = plan.anchorDamage { return plan.result(damage: damage) }
        let counter = ProgressCounter(total: plan.total, report: progress)
        let scans = try plan.ranges(count: 1).map { try plan.scan(db, $0, counter) }
        return try Self.checked(try plan.combine(scans, in: db), in: db)
    }

    /// When damage was found, tells a damaged file (SQLite's `quick_check` fails) from damaged content:
    /// the first is an error, since nothing can be said about the events.
    static func checked(_ result: JournalVerification, in db: Database) throws -> JournalVerification {
        guard result.damage != nil else { return result }
        let problems = try String.fetchAll(db, sql: "PRAGMA quick_check(3)")
        guard problems == ["ok"] else {
            throw AccessStoreError(
                .corruptDatabase, "the database file is damaged: " + problems.joined(separator: "; "))
        }
        return result
    }

    /// What one verification checks: the anchor, the trusted keys, the checkpoints and the sequence range.
    struct Plan: Sendable {
        var anchor: Int64?
        var keys: Set<Data>
        var keyTrust: JournalVerification.KeyTrust
        var checkpoints: [ReadCheckpoint]
        var firstSequence: Int64?
        var lastSequence: Int64?
        /// The first sequence the chain must hold, and the hash it must link to.
        var start: Int64 = 1
        var startHash = [UInt8](CanonicalEventEncoding.genesisHash)
        var anchorDamage: JournalDamage?
        /// The newest sequence in the query lookup, when the database has one.
        var lookupThrough: Int64?
        var minimumRangeSize: Int64
        var checkpointPolicy: CheckpointPolicy?
        var witness: [JournalCheckpoint]

        init(
            _ db: Database, trustedKeys: Set<Data>?, minimumRangeSize: Int64, checkpointPolicy: CheckpointPolicy?,
            witness: [JournalCheckpoint]
        ) throws {
            self.minimumRangeSize = minimumRangeSize
            self.checkpointPolicy = checkpointPolicy
            self.witness = witness
            guard try db.tableExists("journal_event"), try db.tableExists("journal_checkpoint") else {
                throw AccessStoreError(.notACardGateStore, "the database has no journal")
            }
            anchor = try Int64.fetchOne(db, sql: "SELECT seq FROM journal_anchor WHERE id = 1")
            keys = try trustedKeys ?? Set(Data.fetchAll(db, sql: "SELECT public_key FROM journal_key"))
            keyTrust = trustedKeys == nil ? .recordedKeys : .suppliedKeys
            checkpoints = try Row.fetchAll(
                db, sql: "SELECT seq, hash, signed_at_ms, public_key, signature FROM journal_checkpoint"
                    + " WHERE seq >= ? ORDER BY seq", arguments: [anchor ?? 0]
            ).map(JournalVerifier.checkpoint(row:))
            // Two subqueries, each answered from one end of the rowid tree: with both aggregates in one
            // SELECT, SQLite scans a whole index instead (0.2 s per million events).
            let bounds = try Row.fetchOne(
                db, sql: "SELECT (SELECT min(seq) FROM journal_event WHERE seq > ?1),"
                    + " (SELECT max(seq) FROM journal_event WHERE seq > ?1)", arguments: [anchor ?? 0])
            firstSequence = try bounds?.decode(atIndex: 0)
            lastSequence = try bounds?.decode(atIndex: 1)
            if try db.tableExists("journal_lookup") {
                lookupThrough = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM journal_lookup") ?? 0
            }
            if let anchor {
                if let first = checkpoints.first, first.sequence == anchor, isTrusted(first), let hash = first.hash {
                    start = anchor.saturatingAdding(1)
                    startHash = [UInt8](hash)
                } else {
                    anchorDamage = JournalDamage(
                        sequence: anchor, kind: .badCheckpoint,
                        detail: "the retention anchor's checkpoint is missing, unsigned or signed by an untrusted key")
                }
                // Pruning deletes every event up to the anchor in the same transaction that moves it, so an event
                // there means the anchor was moved forward over events, which then go unchecked.
                if let kept = try Int64.fetchOne(db, sql: "SELECT min(seq) FROM journal_event"), kept <= anchor {
                    anchorDamage = JournalDamage(
                        sequence: kept, kind: .badCheckpoint,
                        detail: "event \(kept) is at or below the retention anchor \(anchor), which pruning never "
                            + "leaves: the anchor was moved forward over events")
                }
            }
        }

        var total: Int64 { max(0, (lastSequence ?? start - 1) - start + 1) }

        func isTrusted(_ checkpoint: ReadCheckpoint) -> Bool {
            guard let key = checkpoint.publicKey, keys.contains(key) else { return false }
            return checkpoint.verified.hasValidSignature
        }

        func result(damage: JournalDamage?) -> JournalVerification {
            JournalVerification(
                anchorSequence: anchor, firstSequence: firstSequence, lastSequence: lastSequence, eventsChecked: 0,
                checkpointsChecked: 0, lastCheckpointSequence: nil, unsignedEvents: 0, keyTrust: keyTrust,
                witnessedCheckpoints: witness.count(where: { $0.sequence >= (anchor ?? 0) }), damage: damage)
        }

        /// `count` contiguous ranges covering the events to check.
        func ranges(count: Int) -> [ClosedRange<Int64>] {
            guard let last = lastSequence, last >= start else { return [] }
            // Written so that no step overflows, whatever sequences an edited file holds.
            let size = max(minimumRangeSize, last.saturatingSubtracting(start) / Int64(count) + 1)
            var ranges: [ClosedRange<Int64>] = []
            var lower = start
            while true {
                let upper = lower.saturatingAdding(size - 1)
                ranges.append(lower...Swift.min(last, upper))
                guard upper < last else { return ranges }
                lower = upper + 1
            }
        }

        /// The index of the first checkpoint at or after `sequence` (binary search).
        func firstCheckpoint(atOrAfter sequence: Int64) -> Int {
            var low = 0
            var high = checkpoints.count
            while low < high {
                let middle = (low + high) / 2
                if (checkpoints[middle].sequence ?? .min) < sequence { low = middle + 1 } else { high = middle }
            }
            return low
        }

        /// Scans one range: sequence continuity, hashes, links inside the range and its checkpoints, and then
        /// whether the query lookup agrees with the range's events.
        func scan(_ db: Database, _ range: ClosedRange<Int64>, _ counter: ProgressCounter) throws -> RangeScan {
            var checked = try RawEvent.withRows(in: db, from: range.lowerBound, through: range.upperBound) { rows in
                try scan(rows, range, counter)
            }
            if checked.anomaly == nil, let lookupThrough, lookupThrough >= range.lowerBound {
                checked.lookupMismatch = try Self.firstLookupMismatch(
                    in: db, from: range.lowerBound, through: min(range.upperBound, lookupThrough))
            }
            return checked
        }

        /// The first event from `first` through `last` whose lookup row is missing or differs from it.
        static func firstLookupMismatch(in db: Database, from first: Int64, through last: Int64) throws -> Int64? {
            let differs = JournalLookup.copiedColumns.map { "k.\($0) IS NOT e.\($0)" }.joined(separator: " OR ")
            return try Int64.fetchOne(
                db, sql: """
                    SELECT e.seq FROM journal_event e LEFT JOIN journal_lookup k ON k.seq = e.seq
                    WHERE e.seq BETWEEN ? AND ? AND (k.seq IS NULL OR \(differs)) ORDER BY e.seq LIMIT 1
                    """, arguments: [first, last])
        }

        /// Lookup damage, once the chain is intact: a row that disagrees with its event, or rows beyond the end.
        func lookupDamage(_ scans: [RangeScan], result: JournalVerification) -> JournalDamage? {
            guard let lookupThrough else { return nil }
            if let sequence = scans.compactMap(\.lookupMismatch).min() {
                return JournalDamage(
                    sequence: sequence, kind: .lookupMismatch,
                    detail: "the query lookup row of event \(sequence) is missing or differs from the event: queries "
                        + "by person, card, door, zone, reason or type would hide or misattribute it")
            }
            let end = result.lastSequence ?? (start - 1)
            guard lookupThrough > end else { return nil }
            return JournalDamage(
                sequence: end + 1, kind: .lookupMismatch,
                detail: "the query lookup holds rows up to \(lookupThrough) but the journal ends at \(end): "
                    + "queries would hide the events appended next")
        }

        private func scan(
            _ rows: RawEvent.RowStepper, _ range: ClosedRange<Int64>, _ counter: ProgressCounter
        ) throws -> RangeScan {
            var scan = RangeScan(range: range)
            let statement = rows.statement
            var nextCheckpoint = firstCheckpoint(atOrAfter: range.lowerBound)
            let buffer = ScratchBuffer()
            var link = [UInt8](repeating: 0, count: 32)
            var expected = range.lowerBound
            var unreported: Int64 = 0
            scanning: while try rows.next() {
                let sequence = sqlite3_column_int64(statement, 0)
                guard sequence == expected else {
                    scan.anomaly = .gap(expected: expected, found: sequence)
                    break
                }
                let first = sequence == range.lowerBound
                if first {
                    scan.firstPreviousHash = RawEvent.bytes(statement, RawEvent.previousHashColumn)
                }
                // On success `check` has copied this event's hash into `link`, the next event's expected previous.
                let intact = link.withUnsafeMutableBytes { link in
                    guard let base = link.baseAddress else { return false }
                    return RawEvent.check(
                        statement, sequence: sequence, expectedPrevious: first ? nil : UnsafeRawPointer(base),
                        buffer: buffer, link: base)
                }
                guard intact else {
                    scan.firstPreviousHash = nil
                    scan.anomaly = .chain(at: sequence, link: first ? nil : link)
                    break
                }
                while nextCheckpoint < checkpoints.count, checkpoints[nextCheckpoint].sequence == sequence {
                    let checkpoint = checkpoints[nextCheckpoint]
                    scan.checkpointsChecked += 1
                    guard isTrusted(checkpoint) else {
                        scan.anomaly = .untrustedCheckpoint(at: sequence)
                        break scanning
                    }
                    guard let signed = checkpoint.hash, signed.elementsEqual(link) else {
                        scan.anomaly = .checkpointMismatch(at: sequence)
                        break scanning
                    }
                    scan.lastGoodCheckpoint = sequence
                    nextCheckpoint += 1
                }
                scan.checked += 1
                expected += 1
                unreported += 1
                if unreported == 0x10000 {
                    counter.add(unreported)
                    unreported = 0
                }
            }
            counter.add(unreported)
            if scan.checked > 0 {
                scan.lastHash = link
            }
            if scan.anomaly == nil, expected <= range.upperBound {
                scan.anomaly = .gap(expected: expected, found: nil)
            }
            return scan
        }

        /// Joins the range scans in sequence order and reports the first damage.
        func combine(_ scans: [RangeScan], in db: Database) throws -> JournalVerification {
            var result = result(damage: nil)
            result.lastCheckpointSequence = anchor
            result.checkpointsChecked = anchor == nil ? 0 : 1
            var link = startHash
            var expected = start
            for scan in scans {
                if let previous = scan.firstPreviousHash, previous != link {
                    result.damage = try diagnose(in: db, at: scan.range.lowerBound, linkHash: link)
                    return finish(result, expected: expected)
                }
                result.eventsChecked += scan.checked
                result.checkpointsChecked += scan.checkpointsChecked
                expected += scan.checked
                let goodBefore = result.lastCheckpointSequence
                result.lastCheckpointSequence = scan.lastGoodCheckpoint ?? result.lastCheckpointSequence
                switch scan.anomaly {
                case nil:
                    link = scan.lastHash ?? link
                    continue
                case .gap(let missing, let scanned)?:
                    // A range ends where its scan ran out of rows; later ranges may still hold events.
                    let found = try scanned ?? Int64.fetchOne(
                        db, sql: "SELECT min(seq) FROM journal_event WHERE seq > ?", arguments: [missing])
                    let detail = found.map { $0 == missing + 1 ? "event \(missing) is missing"
                        : "events \(missing) to \($0 - 1) are missing" } ?? "events from \(missing) on are missing"
                    result.damage = JournalDamage(sequence: missing, kind: .deleted, detail: detail)
                case .chain(let sequence, let inRangeLink)?:
                    result.damage = try diagnose(in: db, at: sequence, linkHash: inRangeLink ?? link)
                case .untrustedCheckpoint(let sequence)?:
                    result.damage = JournalDamage(
                        sequence: sequence, kind: .badCheckpoint,
                        detail: "the checkpoint's signature is invalid or its key is not trusted")
                case .checkpointMismatch(let sequence)?:
                    let from = (scan.lastGoodCheckpoint ?? goodBefore ?? 0) + 1
                    result.damage = JournalDamage(
                        sequence: from, throughSequence: sequence, kind: .rewritten,
                        detail: "the events \(from) to \(sequence) differ from what the checkpoint at \(sequence)"
                            + " signed: the chain was rewritten")
                }
                return finish(result, expected: expected)
            }
            if let beyond = checkpoints.last?.sequence, beyond >= expected {
                result.damage = JournalDamage(
                    sequence: expected, kind: .deleted,
                    detail: "the journal ends at \(expected - 1) but a checkpoint vouches for events up to \(beyond)")
                return finish(result, expected: expected)
            }
            result = finish(result, expected: expected)
            result.damage = try unsignedDamage(result, in: db)
                ?? JournalWitness.damage(witness, lastSequence: lastSequence, anchor: anchor, keys: keys, in: db)
                ?? lookupDamage(scans, result: result)
            return result
        }

        /// The first unsigned event that the checkpoint policy would have had signed, for a signed journal.
        func unsignedDamage(_ result: JournalVerification, in db: Database) throws -> JournalDamage? {
            guard let policy = checkpointPolicy, !keys.isEmpty, result.unsignedEvents > 0,
                let last = result.lastSequence
            else { return nil }
            let signedThrough = result.lastCheckpointSequence ?? (start - 1)
            var first: Int64? = nil
            if result.unsignedEvents >= policy.events {
                first = signedThrough.saturatingAdding(policy.events)
            }
            if let signed = checkpoints.last(where: { $0.sequence == signedThrough }) {
                // An event's time never goes back, and it is at most the time its transaction checked the policy.
                let signedEventTime = try Int64.fetchOne(
                    db, sql: "SELECT time_ms FROM journal_event WHERE seq = ?", arguments: [signedThrough])
                let since = max(signed.verified.signedAtMilliseconds, signedEventTime ?? .min)
                let late = try Int64.fetchOne(
                    db, sql: "SELECT min(seq) FROM journal_event WHERE seq > ? AND time_ms >= ?",
                    arguments: [
                        signedThrough,
                        since.saturatingAdding(policy.milliseconds).saturatingAdding(Self.clockSlackMilliseconds),
                    ])
                first = [first, late].compactMap { $0 }.min()
            } else if result.lastCheckpointSequence == nil {
                first = start
            }
            guard let first, first <= last else { return nil }
            let signedText = result.lastCheckpointSequence.map { "the last checkpoint signs \($0)" } ?? "no checkpoint"
            return JournalDamage(
                sequence: first, kind: .badCheckpoint,
                detail: "events from \(first) on are not signed, though the journal is signed at least every "
                    + "\(policy.events) events and \(policy.milliseconds / 1000) s (\(signedText)): checkpoints "
                    + "were deleted, or a process without the journal key appended")
        }

        /// Allowance for clock reads between an event's time and the policy check of its transaction.
        static let clockSlackMilliseconds: Int64 = 1000

        private func finish(_ result: JournalVerification, expected: Int64) -> JournalVerification {
            var result = result
            result.unsignedEvents = max(0, expected - 1 - (result.lastCheckpointSequence ?? 0))
            return result
        }

        func diagnose(in db: Database, at sequence: Int64, linkHash: [UInt8]) throws -> JournalDamage {
            try JournalVerifier.diagnose(in: db, at: sequence, linkHash: linkHash, anchor: anchor)
        }
    }

    /// What one range scan found.
    struct RangeScan: Sendable {
        enum Anomaly: Sendable {
            case gap(expected: Int64, found: Int64?)
            /// A bad hash or link; `link` is the hash of the previous event when it is in the range.
            case chain(at: Int64, link: [UInt8]?)
            case untrustedCheckpoint(at: Int64)
            case checkpointMismatch(at: Int64)
        }

        var range: ClosedRange<Int64>
        var firstPreviousHash: [UInt8]?
        var lastHash: [UInt8]?
        var checked: Int64 = 0
        var checkpointsChecked = 0
        var lastGoodCheckpoint: Int64?
        var anomaly: Anomaly?
        /// The first event of the range whose query lookup row is missing or differs from it.
        var lookupMismatch: Int64?
    }

    /// A checkpoint as read, with each column `nil` when it has the wrong type.
    struct ReadCheckpoint: Sendable {
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
    static func diagnose(in db: Database, at sequence: Int64, linkHash: [UInt8], anchor: Int64?) throws
        -> JournalDamage
    {
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
            // An event put in before this one, hashed and linked as if the journal had written it: this event was
            // written as the one before and still links to the one before that.
            let genesis: [UInt8]? = sequence == 2 ? [UInt8](CanonicalEventEncoding.genesisHash) : nil
            let previousPrevious: [UInt8]? = events.first { $0.sequence == sequence - 2 }?.hash ?? genesis
            if written == sequence - 1, let before = events.first(where: { $0.sequence == sequence - 1 }),
                before.hash != event.hash, let previousPrevious, event.previousHash == previousPrevious
            {
                return JournalDamage(
                    sequence: sequence - 1, kind: .inserted,
                    detail: "event \(sequence - 1) was not written by the journal: the event after it was written as "
                        + "\(sequence - 1) and follows event \(sequence - 2); later events were renumbered")
            }
            return JournalDamage(
                sequence: sequence, kind: .inserted,
                detail: "position \(sequence) holds a copy of the event written as \(written)")
        }
    }
}
