// journal-bench: measures the CardGate journal. See Tools/JournalBench/README.md.
import AccessPolicy
import AccessStore
import Foundation
import GRDB

let usage = """
    usage: journal-bench load   --db FILE --events N       bulk-load N events (one transaction per million)
           journal-bench append --db FILE --writers W --events N [--maintenance]   durable appends
           journal-bench plain  --db FILE --events N       plain SQLite inserts, one durable transaction each
           journal-bench verify --db FILE [--parallelism P] [--mmap BYTES]   time a full verify
           journal-bench query  --db FILE [--samples N]    p50/p99 of the two security queries
           journal-bench batch  --db FILE --size N --commits C [--without INDEXES] [--no-sync]
                                                           where a commit's time goes
           journal-bench pin    [--samples N]              cost of one PIN verification
    """

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: "--" + name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func seconds(_ start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// Store options from `--page-size` and `--wal-autocheckpoint`.
func storeOptions() -> AccessStore.Options {
    var options = AccessStore.Options()
    if let size = option("page-size").flatMap(Int.init) { options.pageSize = size }
    if let pages = option("wal-autocheckpoint").flatMap(Int.init) { options.walAutocheckpointPages = pages }
    return options
}

/// CPU time used by the calling thread: unlike wall time, not inflated by other processes on a busy machine.
func threadCPUTime() -> Duration {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
}

func fileSize(_ path: String) -> Int64 {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int64) ?? 0
}

enum Shape {
    static let people = 2000
    static let doors = 200
    static let days: Int64 = 365
    static let start: Int64 = 1_735_689_600_000  // 2025-01-01T00:00:00Z

    static func event(_ index: Int, random: inout some RandomNumberGenerator) -> NewJournalEvent {
        let door = Int.random(in: 0..<doors, using: &random)
        if index % 50 == 49 {
            return NewJournalEvent(
                type: .doorStatus, doorId: "door-\(door)", zoneId: "zone-\(door % 20)",
                details: #"{"state":"closed"}"#)
        }
        let person = Int.random(in: 0..<people, using: &random)
        let denied = Int.random(in: 0..<20, using: &random) == 0
        return NewJournalEvent(
            type: .accessDecision, doorId: "door-\(door)", zoneId: "zone-\(door % 20)", personId: "person-\(person)",
            cardId: "card-\(person)", decision: denied ? .deny : .grant,
            reason: denied ? "outside_schedule" : "granted", details: #"{"assurance":"pki_cak","direction":"in"}"#)
    }
}

/// Bulk loader: events spread evenly over a year, chain computed, a checkpoint every 1000 events.
func load(path: String, events count: Int) throws {
    let store = try AccessStore.open(at: path)
    let key = JournalKey.generate()
    var random = SplitMix64(seed: 42)
    let step = Shape.days * 86_400_000 / Int64(count)
    let begin = ContinuousClock.now
    // Bulk load: indexes and triggers are dropped during the load and recreated (from their own SQL in
    // the schema) afterwards, which sorts each index once instead of inserting into it ten million times.
    let saved = try store.writer.write { db in
        try Row.fetchAll(
            db, sql: """
                SELECT type, name, sql FROM sqlite_master
                WHERE tbl_name IN ('journal_event', 'journal_lookup') AND type IN ('index', 'trigger')
                    AND sql IS NOT NULL
                """
        ).map { (type: $0["type"] as String, name: $0["name"] as String, sql: $0["sql"] as String) }
    }
    try store.writer.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000")
        for object in saved {
            try db.execute(sql: "DROP \(object.type) \(object.name)")
        }
    }
    let statement = """
        INSERT INTO journal_event (seq, time_ms, type, door_id, zone_id, person_id, card_id, decision, reason,
            actor, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    var previous = CanonicalEventEncoding.genesisHash
    var sequence: Int64 = 0
    while sequence < count {
        let upper = min(Int64(count), sequence + 1_000_000)
        try store.writer.write { db in
            let insert = try db.cachedStatement(sql: statement)
            while sequence < upper {
                sequence += 1
                let event = Shape.event(Int(sequence), random: &random)
                let time = Shape.start + sequence * step
                let hash = CanonicalEventEncoding.hash(
                    previousHash: previous, sequence: sequence, timeMilliseconds: time, event: event)
                try insert.execute(arguments: [
                    sequence, time, event.type.rawValue, event.doorId, event.zoneId, event.personId, event.cardId,
                    event.decision?.rawValue, event.reason, event.actor, event.details, previous, hash,
                ])
                previous = hash
                if sequence % 1000 == 0 {
                    let writer = JournalWriter(clock: .fixed(milliseconds: time), key: key)
                    try writer.checkpointIfDue(in: db, force: true)
                }
            }
        }
        FileHandle.standardError.write(Data("\rloaded \(sequence)".utf8))
    }
    FileHandle.standardError.write(Data("\rloaded \(sequence); building indexes\n".utf8))
    try store.writer.writeWithoutTransaction { db in
        _ = try JournalLookup.catchUp(in: db, limit: count)
        for object in saved {
            try db.execute(sql: object.sql)
        }
        try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE); ANALYZE")
    }
    let elapsed = seconds(begin)
    let size = fileSize(path)
    print("""

        loaded \(count) events in \(String(format: "%.1f", elapsed)) s; \
        file \(size / 1_000_000) MB = \(String(format: "%.1f", Double(size) / Double(count) * 1e6 / 1e6)) MB \
        per million events
        """)
    let keyPath = path + ".pub"
    try key.publicKey.base64EncodedString().write(toFile: keyPath, atomically: true, encoding: .utf8)
}

/// --without time,zone: drops these journal indexes first, to see what each costs a commit.
func dropIndexes(named list: String?, in store: AccessStore) throws {
    for index in (list ?? "").split(separator: ",") {
        try store.writer.write { db in try db.execute(sql: "DROP INDEX journal_event_\(index)") }
    }
}

func append(path: String, writers: Int, events count: Int) async throws {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    let store = try AccessStore.open(at: path, options: storeOptions())
    try dropIndexes(named: option("without"), in: store)
    let journal = EventJournal(store: store, key: .generate())
    // --maintenance: WAL checkpoints in the background every 250 ms, as the daemon runs them.
    let maintenance = CommandLine.arguments.contains("--maintenance")
        ? try JournalMaintenance(journal: journal, interval: .milliseconds(250)).start() : nil
    defer { maintenance?.cancel() }
    let perWriter = count / writers
    let begin = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for writer in 0..<writers {
            group.addTask {
                var random = SplitMix64(seed: UInt64(writer))
                for index in 0..<perWriter {
                    _ = try await journal.append(Shape.event(index, random: &random))
                }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = seconds(begin)
    let total = perWriter * writers
    let stored = try await store.writer.read { db in try Int.fetchOne(db, sql: "SELECT max(seq) FROM journal_event") }
    let commits = journal.commits
    let durations = journal.commitDurations
    let commitTime = durations.sum / Double(max(1, durations.count)) * 1e6
    let pending = try await store.writer.read { db in try JournalLookup.pending(in: db) }
    let catchUpBegin = ContinuousClock.now
    try await journal.catchUpLookup()
    let catchUp = seconds(catchUpBegin)
    print("""
        append: \(writers) writers, \(total) events in \(String(format: "%.2f", elapsed)) s = \
        \(String(format: "%.0f", Double(total) / elapsed)) events/s (\(stored ?? 0) stored, \(commits) commits, \
        \(String(format: "%.1f", Double(total) / Double(max(1, commits)))) events per commit, \
        \(String(format: "%.0f", commitTime)) us per commit, \
        \(String(format: "%.0f", elapsed * 1e6 / Double(max(1, commits)))) us from commit to commit); \
        then \(pending) events not yet in the lookup, copied in \(String(format: "%.3f", catchUp)) s
        """)
}

/// Where a commit's time goes: JournalWriter.append on groups of `size` events, one transaction each, timing the
/// inserts (CPU time of the thread, inside the transaction) apart from the whole commit (with the WAL write and fsync).
func batch(path: String, size: Int, commits: Int) throws {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    let store = try AccessStore.open(at: path, options: storeOptions())
    try dropIndexes(named: option("without"), in: store)
    // --no-sync: commits without the WAL sync, to see what the sync costs a commit.
    if CommandLine.arguments.contains("--no-sync") {
        try store.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
    }
    let writer = JournalWriter(key: .generate())
    var random = SplitMix64(seed: 3)
    var inside = Duration.zero
    let begin = ContinuousClock.now
    for _ in 0..<commits {
        let events = (0..<size).map { Shape.event($0, random: &random) }
        try store.writer.write { db in
            let start = threadCPUTime()
            _ = try writer.append(events, in: db)
            inside += threadCPUTime() - start
        }
    }
    let total = ContinuousClock.now - begin
    func microseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
    }
    let count = Double(size * commits)
    print("""
        batch: \(commits) commits of \(size): \(String(format: "%.0f", count / microseconds(total) * 1e6)) events/s; \
        per commit \(String(format: "%.0f", microseconds(total) / Double(commits))) us, inserts \
        \(String(format: "%.1f", microseconds(inside) / count)) us CPU per event
        """)
}

/// The baseline: the same rows without hashing or grouping, one WAL + synchronous=FULL transaction each.
func plain(path: String, events count: Int) throws {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    var configuration = Configuration()
    configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
    let pool = try DatabasePool(path: path, configuration: configuration)
    // GRDB sets NORMAL on the writer when it enables WAL, after prepareDatabase: set FULL again.
    try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
    try pool.write { db in
        try db.execute(sql: """
            CREATE TABLE event (seq INTEGER PRIMARY KEY, time_ms INTEGER, type TEXT, door_id TEXT, zone_id TEXT,
                person_id TEXT, card_id TEXT, decision TEXT, reason TEXT, actor TEXT, details TEXT)
            """)
    }
    var random = SplitMix64(seed: 7)
    let begin = ContinuousClock.now
    for index in 0..<count {
        let event = Shape.event(index, random: &random)
        try pool.write { db in
            try db.execute(
                sql: "INSERT INTO event VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    Int64(index), event.type.rawValue, event.doorId, event.zoneId, event.personId, event.cardId,
                    event.decision?.rawValue, event.reason, event.actor, event.details,
                ])
        }
    }
    let elapsed = seconds(begin)
    print("""
        plain SQLite: \(count) single-insert transactions in \(String(format: "%.2f", elapsed)) s = \
        \(String(format: "%.0f", Double(count) / elapsed)) inserts/s
        """)
}

func verify(path: String) throws {
    let memoryMap = Int(option("mmap") ?? "") ?? 0
    let store = try AccessStore.open(at: path, options: .init(readOnly: true, memoryMapBytes: memoryMap))
    let keys = (try? String(contentsOfFile: path + ".pub", encoding: .utf8)).flatMap { Data(base64Encoded: $0) }
    let begin = ContinuousClock.now
    let parallelism = Int(option("parallelism") ?? "") ?? ProcessInfo.processInfo.activeProcessorCount
    let result = try JournalVerifier(trustedKeys: keys.map { [$0] }, parallelism: parallelism).verify(store.writer)
    let elapsed = seconds(begin)
    print("""
        verify (\(parallelism) ranges): \(result.isIntact ? "intact" : "DAMAGED \(result.damage?.description ?? "")"), \
        \(result.eventsChecked) events, \(result.checkpointsChecked) checkpoints in \
        \(String(format: "%.2f", elapsed)) s = \(String(format: "%.2f", Double(result.eventsChecked) / elapsed / 1e6)) \
        M events/s
        """)
}

func query(path: String, samples: Int) throws {
    let store = try AccessStore.open(at: path, options: .init(readOnly: true))
    var random = SplitMix64(seed: 99)
    func measure(_ name: String, _ make: (inout SplitMix64) -> JournalQuery) throws {
        var times: [Double] = []
        var returned = 0
        for _ in 0..<samples {
            let query = make(&random)
            let begin = ContinuousClock.now
            let page = try store.writer.read { db in try query.page(in: db) }
            times.append(seconds(begin) * 1000)
            returned += page.events.count
        }
        times.sort()
        let p50 = times[times.count / 2]
        let p99 = times[min(times.count - 1, times.count * 99 / 100)]
        print("""
            \(name): p50 \(String(format: "%.3f", p50)) ms, p99 \(String(format: "%.3f", p99)) ms, \
            max \(String(format: "%.3f", times.last ?? 0)) ms (\(samples) queries, \
            \(returned / samples) events on average)
            """)
    }
    try measure("one person's last 50 events") { random in
        JournalQuery(personId: "person-\(Int.random(in: 0..<Shape.people, using: &random))", limit: 50)
    }
    // The worst case for the span indexes: an id in no event (a card never used), so every span is searched.
    try measure("a person with no events (every span searched)") { random in
        JournalQuery(personId: "absent-\(Int.random(in: 0..<Shape.people, using: &random))", limit: 50)
    }
    try measure("one door, one day (first page of 1000)") { random in
        let day = Int64.random(in: 0..<Shape.days, using: &random)
        let from = Shape.start + day * 86_400_000
        return JournalQuery(
            doorId: "door-\(Int.random(in: 0..<Shape.doors, using: &random))", fromMilliseconds: from,
            toMilliseconds: from + 86_400_000, limit: 1000)
    }
    let plan = try store.writer.read { db in
        try Row.fetchAll(
            db, sql: "EXPLAIN QUERY PLAN SELECT e.* FROM journal_lookup k JOIN journal_event e ON e.seq = k.seq"
                + " WHERE k.seq BETWEEN ? AND ? AND k.door_id = ? ORDER BY k.seq DESC LIMIT 1001",
            arguments: [1, 100, "door-1"])
            .map { $0["detail"] as String? ?? "" }
    }
    print("door/day plan: \(plan.joined(separator: "; "))")
}

/// Times `PINHasher.verify` (the cost a `card_and_pin` door adds to a decision) at the default iterations.
func pin(samples: Int) throws {
    let hasher = PINHasher()
    let hash = try hasher.hash(pin: "482915")
    var times: [Double] = []
    var matched = 0
    for index in 0..<samples {
        let begin = ContinuousClock.now
        if hasher.verify(pin: index % 2 == 0 ? "482915" : "482916", hash: hash) { matched += 1 }
        times.append(seconds(begin) * 1000)
    }
    times.sort()
    let p50 = String(format: "%.2f", times[times.count / 2])
    print("""
        PIN verify (\(PINHasher.defaultIterations) iterations): p50 \(p50) ms, \
        min \(String(format: "%.2f", times[0])) ms, max \(String(format: "%.2f", times[times.count - 1])) ms \
        (\(samples) verifications, \(matched) matched)
        """)
}

let command = CommandLine.arguments.dropFirst().first ?? ""
if command == "pin" {
    try pin(samples: Int(option("samples") ?? "") ?? 50)
    exit(0)
}
guard let path = option("db") else {
    print(usage)
    exit(2)
}
switch command {
case "load": try load(path: path, events: Int(option("events") ?? "") ?? 1_000_000)
case "append":
    try await append(
        path: path, writers: Int(option("writers") ?? "") ?? 1, events: Int(option("events") ?? "") ?? 1000)
case "batch":
    try batch(path: path, size: Int(option("size") ?? "") ?? 32, commits: Int(option("commits") ?? "") ?? 500)
case "plain": try plain(path: path, events: Int(option("events") ?? "") ?? 1000)
case "verify": try verify(path: path)
case "query": try query(path: path, samples: Int(option("samples") ?? "") ?? 1000)
default:
    print(usage)
    exit(2)
}
