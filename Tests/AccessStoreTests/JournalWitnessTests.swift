import AccessStore
import Foundation
import GRDB
import Testing

/// The witness: checkpoints copied outside the database find a journal whose newest events were deleted together
/// with their checkpoints, which leaves a valid, shorter chain.
@Suite struct JournalWitnessTests {
    /// A checkpoint every 10 events (10, 20, ... 100), signed with `key`.
    static func journal(key: JournalKey, count: Int = 100) throws -> (AccessStore, ManualTime, JournalWriter) {
        let store = try AccessStore.inMemory()
        let time = ManualTime()
        let writer = JournalWriter(clock: time.clock, key: key, checkpointPolicy: CheckpointPolicy(events: 10))
        try Sample.fill(store, count: count, batch: 10, writer: writer, time: time)
        return (store, time, writer)
    }

    static func verify(_ store: AccessStore, key: JournalKey, witness: [JournalCheckpoint]) throws
        -> JournalVerification
    {
        try JournalVerifier(
            trustedKeys: [key.publicKey], checkpointPolicy: CheckpointPolicy(events: 10), witness: witness
        ).verify(store.writer)
    }

    /// The witness file of a fresh journal of `events` events, as the recorder writes it.
    static func witnessText(events: Int, in directory: TemporaryDirectory) throws -> (AccessStore, String) {
        let (store, _, _) = try journal(key: JournalKey.generate(), count: events)
        let recorder = JournalWitnessRecorder(path: directory.file("journal.witness"))
        _ = try recorder.record(from: store.writer)
        return (store, try String(contentsOfFile: recorder.path, encoding: .utf8))
    }

    /// Deletes the events after `sequence`, their lookup rows and their checkpoints, as `sqlite3` would.
    static func truncate(_ store: AccessStore, after sequence: Int64) throws {
        try Sample.tamper(
            store,
            """
            DELETE FROM journal_event WHERE seq > \(sequence);
            DELETE FROM journal_lookup WHERE seq > \(sequence);
            DELETE FROM journal_checkpoint WHERE seq > \(sequence)
            """)
    }

    @Test func theRecorderCopiesEachCheckpointOnceAndTheFileReadsBack() throws {
        let directory = try TemporaryDirectory()
        let key = JournalKey.generate()
        let (store, time, writer) = try Self.journal(key: key)
        let recorder = JournalWitnessRecorder(path: directory.file("journal.witness"))

        let first = try recorder.record(from: store.writer)
        #expect(first.appended.map(\.sequence) == Array(stride(from: Int64(10), through: 100, by: 10)))
        #expect(first.damage == nil)
        #expect(try recorder.record(from: store.writer).appended.isEmpty)
        try Sample.fill(store, count: 20, batch: 10, writer: writer, time: time, first: 100)
        #expect(try recorder.record(from: store.writer).appended.map(\.sequence) == [110, 120])

        let witnessed = try JournalWitness.read(at: recorder.path)
        let recorded = try store.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT seq FROM journal_checkpoint ORDER BY seq")
        }
        #expect(witnessed.map(\.sequence) == recorded)
        #expect(witnessed.allSatisfy { $0.publicKey == key.publicKey && $0.hasValidSignature })
        let verification = try Self.verify(store, key: key, witness: witnessed)
        #expect(verification.isIntact)
        #expect(verification.witnessedCheckpoints == 12)
    }

    @Test(arguments: [Int64(95), 90, 42, 0])
    func newestEventsDeletedWithTheirCheckpointsAreFoundOnlyWithTheWitness(keeping last: Int64) throws {
        let directory = try TemporaryDirectory()
        let key = JournalKey.generate()
        let (store, _, _) = try Self.journal(key: key)
        let recorder = JournalWitnessRecorder(path: directory.file("journal.witness"))
        _ = try recorder.record(from: store.writer)
        try Self.truncate(store, after: last)

        // What is left is a valid journal: without the witness nothing is wrong.
        #expect(try Self.verify(store, key: key, witness: []).isIntact)
        let witnessed = try JournalWitness.read(at: recorder.path)
        let damage = try Self.verify(store, key: key, witness: witnessed).damage
        #expect(damage?.kind == .deleted)
        #expect(damage?.sequence == last + 1, "\(String(describing: damage))")
        #expect(damage?.throughSequence == (last / 10 + 1) * 10)
        // A daemon starting on the truncated journal says so on its first pass.
        let restarted = JournalWitnessRecorder(path: recorder.path)
        #expect(try restarted.record(from: store.writer).damage?.kind == .deleted)
    }

    @Test func aTailRewrittenAfterTruncationIsFoundFromTheWitness() throws {
        let directory = try TemporaryDirectory()
        let key = JournalKey.generate()
        let (store, time, writer) = try Self.journal(key: key)
        let recorder = JournalWitnessRecorder(path: directory.file("journal.witness"))
        _ = try recorder.record(from: store.writer)
        // Someone with the key cuts the journal at 55 and writes other events in place of 56...100.
        try Self.truncate(store, after: 55)
        try Sample.fill(store, count: 45, batch: 5, writer: writer, time: time, first: 500)

        #expect(try Self.verify(store, key: key, witness: []).isIntact)
        let damage = try Self.verify(store, key: key, witness: try JournalWitness.read(at: recorder.path)).damage
        #expect(damage?.kind == .rewritten)
        #expect(damage?.sequence == 51, "\(String(describing: damage))")
        #expect(damage?.throughSequence == 60)
    }

    @Test func checkpointsPrunedByRetentionAreNotMissed() throws {
        let directory = try TemporaryDirectory()
        let key = JournalKey.generate()
        let store = try AccessStore.inMemory()
        let time = ManualTime()
        let writer = JournalWriter(clock: time.clock, key: key, checkpointPolicy: CheckpointPolicy(events: 5))
        try Sample.fill(store, count: 60, batch: 1, writer: writer, time: time, step: Sample.day / 6)
        let recorder = JournalWitnessRecorder(path: directory.file("journal.witness"))
        _ = try recorder.record(from: store.writer)
        let outcome = try store.writer.write { db in
            try JournalRetention(clock: time.clock, key: key).prune(olderThanDays: 4, in: db)
        }
        #expect((outcome.anchorSequence ?? 0) > 5)

        let witnessed = try JournalWitness.read(at: recorder.path)
        let verification = try JournalVerifier(
            trustedKeys: [key.publicKey], checkpointPolicy: CheckpointPolicy(events: 5), witness: witnessed
        ).verify(store.writer)
        #expect(verification.isIntact, "\(String(describing: verification.damage))")
        #expect(try JournalWitnessRecorder(path: recorder.path).record(from: store.writer).damage == nil)
    }

    @Test func malformedWitnessLinesAreRefusedNamingTheLine() throws {
        let directory = try TemporaryDirectory()
        let (_, good) = try Self.witnessText(events: 20, in: directory)
        let lines = good.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)

        let cases: [(text: String, line: Int)] = [
            (lines[0] + "\n{\"seq\":", 2),  // a torn last line
            ("[1,2]\n", 1),
            (lines[1] + "\n" + lines[0] + "\n", 2),  // out of order
            (lines[0].replacingOccurrences(of: "\"hash\":\"", with: "\"hash\":\"zz"), 1),
            ("\u{FEFF}garbage", 1),
        ]
        for (text, line) in cases {
            do {
                _ = try JournalWitness.parse(text, source: "w")
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.code == .invalidInput)
                #expect(error.message.hasPrefix("w line \(line):"), "\(error.message)")
            }
        }
        // The same line twice (a copy appended again) and blank lines are harmless.
        #expect(try JournalWitness.parse(good + "\n" + lines[1] + "\n\n", source: "w").count == 2)
        // A copy saved with CR LF line ends reads the same.
        #expect(try JournalWitness.parse(good.replacingOccurrences(of: "\n", with: "\r\n"), source: "w").count == 2)
    }

    @Test func aForgedLineThatWouldShowDamageIsRefusedNotReported() throws {
        let key = JournalKey.generate()
        let (store, _, _) = try Self.journal(key: key)
        let directory = try TemporaryDirectory()
        let recorder = JournalWitnessRecorder(path: directory.file("journal.witness"))
        _ = try recorder.record(from: store.writer)
        let lines = try String(contentsOfFile: recorder.path, encoding: .utf8).split(separator: "\n").map(String.init)
        // The checkpoint for 100 moved to 105 (beyond the end), or to 95 (another event): the signature no longer
        // matches, and a witness that cannot be trusted must not report deleted or rewritten events.
        for sequence in [105, 95] {
            let forged = lines.dropLast() + [lines[9].replacingOccurrences(of: "\"seq\":100", with: "\"seq\":\(sequence)")]
            let witnessed = try JournalWitness.parse(forged.joined(separator: "\n"), source: "w")
            #expect(witnessed.last?.sequence == Int64(sequence))
            #expect(throws: AccessStoreError(.invalidInput, "")) {
                try JournalVerifier(witness: witnessed).verify(store.writer)
            }
        }
    }

    @Test func anUnfinishedLastLineIsCutOffBeforeAppending() throws {
        let key = JournalKey.generate()
        let (store, time, writer) = try Self.journal(key: key)
        let directory = try TemporaryDirectory()
        let path = directory.file("journal.witness")
        _ = try JournalWitnessRecorder(path: path).record(from: store.writer)
        // A crash in the middle of a line.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"hash":"ab"#.utf8))
        try handle.close()
        #expect(throws: AccessStoreError(.invalidInput, "")) { try JournalWitness.read(at: path) }

        try Sample.fill(store, count: 10, batch: 10, writer: writer, time: time, first: 100)
        let restarted = try JournalWitnessRecorder(path: path).record(from: store.writer)
        #expect(restarted.removedBytes == 11)
        #expect(restarted.appended.map(\.sequence) == [110])
        #expect(try JournalWitness.read(at: path).count == 11)
    }

    @Test func aWitnessThatCannotBeReadIsReportedOnceAndLeftAlone() throws {
        let (store, _, _) = try Self.journal(key: JournalKey.generate())
        let directory = try TemporaryDirectory()
        let path = directory.file("journal.witness")
        try Data("not a witness\n".utf8).write(to: URL(fileURLWithPath: path))
        let recorder = JournalWitnessRecorder(path: path)
        let first = try recorder.record(from: store.writer)
        #expect(first.unusable?.contains("line 1") == true, "\(String(describing: first.unusable))")
        #expect(first.appended.isEmpty)
        #expect(recorder.problem != nil)
        let second = try recorder.record(from: store.writer)
        #expect(second.unusable == nil && second.appended.isEmpty)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "not a witness\n")
    }

    @Test func aLineSignedWithAKeyTheJournalDoesNotRecordRaisesNoAlarm() throws {
        let key = JournalKey.generate()
        let (store, _, _) = try Self.journal(key: key)
        // Another journal of the same events and 20 more, signed with a key of someone's own: its lines beyond the
        // end would show deleted events.
        let (other, _, _) = try Self.journal(key: JournalKey.generate(), count: 120)
        let directory = try TemporaryDirectory()
        let recorder = JournalWitnessRecorder(path: directory.file("other.witness"))
        _ = try recorder.record(from: other.writer)
        let foreign = try JournalWitness.read(at: recorder.path)
        // Refused whether the keys are supplied or read from the database.
        #expect(throws: AccessStoreError(.invalidInput, "")) {
            try Self.verify(store, key: key, witness: foreign)
        }
        #expect(throws: AccessStoreError(.invalidInput, "")) {
            try JournalVerifier(witness: foreign).verify(store.writer)
        }
        let fooled = JournalWitnessRecorder(path: recorder.path)
        #expect(try fooled.record(from: store.writer).unusable?.contains("not trusted") == true)
    }

    @Test func aCheckpointRowPlantedAheadOfTheJournalIsNotWitnessed() throws {
        let key = JournalKey.generate()
        let (store, _, _) = try Self.journal(key: key)
        try Sample.tamper(
            store,
            """
            INSERT INTO journal_checkpoint (seq, hash, signed_at_ms, public_key, signature)
            SELECT 9000000000, hash, signed_at_ms, public_key, signature FROM journal_checkpoint WHERE seq = 100
            """)
        let directory = try TemporaryDirectory()
        let recorder = JournalWitnessRecorder(path: directory.file("journal.witness"))
        #expect(try recorder.record(from: store.writer).appended.last?.sequence == 100)
        #expect(recorder.newestWitnessed == 100)
    }

    @Test func noWitnessFileMeansNoWitnessedCheckpoints() throws {
        let directory = try TemporaryDirectory()
        #expect(try JournalWitness.read(at: directory.file("absent.witness")).isEmpty)
    }

    @Test func anUnwritableWitnessIsAnErrorAndThePassGoesOn() async throws {
        let key = JournalKey.generate()
        let (store, _, _) = try Self.journal(key: key)
        let journal = EventJournal(store: store, key: key)
        let maintenance = try JournalMaintenance(
            journal: journal, checkpointsWAL: false,
            witness: JournalWitnessRecorder(path: "/nonexistent-directory/journal.witness"))
        let pass = await maintenance.runOnce()
        #expect(pass.witness?.appended.isEmpty ?? true)
        #expect(pass.errors.map(\.code) == [.cannotOpen])
    }
}

/// Parsing witness text never crashes, whatever bytes it is given.
@Suite struct JournalWitnessFuzzTests {
    @Test func randomAndMangledTextIsRefusedOrParsed() throws {
        let directory = try TemporaryDirectory()
        let (store, text) = try JournalWitnessTests.witnessText(events: 30, in: directory)
        let good = Array(text.utf8)
        var generator = SystemRandomNumberGenerator()
        for round in 0..<2000 {
            var bytes = good
            for _ in 0...(round % 8) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &generator)
                case 1: bytes.remove(at: index)
                default: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: index)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            // What parses is checked against the journal: intact, damage shown by a signed line, or refused.
            guard let parsed = try? JournalWitness.parse(text, source: "fuzz") else { continue }
            do {
                let verification = try JournalVerifier(witness: parsed).verify(store.writer)
                if let damage = verification.damage {
                    let shown = parsed.first { $0.sequence == damage.throughSequence }
                    #expect(shown?.hasValidSignature == true, "\(damage)")
                }
            } catch {
                #expect(error.code == .invalidInput)
            }
        }
    }
}
