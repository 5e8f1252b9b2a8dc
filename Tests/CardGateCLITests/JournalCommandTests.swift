import AccessStore
import Foundation
import GRDB
import Testing

/// `cardgate journal verify|export|prune` on database files, through the built executable.
@Suite struct JournalCommandTests {
    static let day: Int64 = 86_400_000

    /// A database with `days` days of journal ending ten days ago at most: on day `d`, 24 events one minute
    /// apart from `base + d days + 30 minutes`, where `base` is ten days before now. Signed with a key file,
    /// a checkpoint every 10 events.
    struct Journal {
        let directory: CLITemporaryDirectory
        let database: String
        let keyFile: String
        let base: Int64

        init(days: Int) throws {
            directory = try CLITemporaryDirectory()
            database = directory.file("cardgate.sqlite")
            keyFile = directory.file("journal.key")
            base = Int64(Date().timeIntervalSince1970 * 1000) - 10 * JournalCommandTests.day
            let key = try JournalKey.create(at: keyFile)
            let store = try AccessStore.open(at: database)
            for day in 0..<days {
                for minute in 0..<24 {
                    let event = NewJournalEvent(
                        type: .accessDecision, doorId: "main-entrance", zoneId: "lobby",
                        personId: "person-\(minute % 5)", cardId: "card-\(minute % 5)", decision: .grant,
                        reason: "granted", details: #"{"minute":\#(minute),"name":"Trần Thị Bình"}"#)
                    let time = base + Int64(day) * JournalCommandTests.day + Int64(30 + minute) * 60_000
                    let writer = JournalWriter(
                        clock: .fixed(milliseconds: time), key: key,
                        // The verify and prune runs below name this policy (--checkpoint-events, --checkpoint-seconds).
                        checkpointPolicy: CheckpointPolicy(events: 10, milliseconds: 100 * JournalCommandTests.day))
                    _ = try store.writer.write { db in try writer.append([event], in: db) }
                }
            }
        }

        /// The ISO 8601 instant `days` days after `base`.
        func instant(days: Int) -> String {
            let milliseconds = base + Int64(days) * JournalCommandTests.day
            return ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
        }

        func run(_ arguments: String...) async throws -> CardGateRun {
            try await CardGateRun.run(arguments, in: directory)
        }

        /// Deletes the events after `sequence` with their checkpoints, as someone with the sqlite3 command line
        /// would: a shorter journal that still verifies, found only through the witness.
        func deleteNewestWithTheirCheckpoints(after sequence: Int) throws {
            try tamper(
                """
                DROP TRIGGER journal_checkpoint_delete_only_pruned;
                DELETE FROM journal_event WHERE seq > \(sequence); DELETE FROM journal_lookup WHERE seq > \(sequence);
                DELETE FROM journal_checkpoint WHERE seq > \(sequence)
                """)
        }

        /// Changes one stored event the way someone with the sqlite3 command line would (triggers dropped).
        func tamper(_ sql: String) throws {
            let queue = try DatabaseQueue(path: database)
            try queue.writeWithoutTransaction { db in
                let triggers = try String.fetchAll(
                    db, sql: """
                        SELECT name FROM sqlite_master
                        WHERE type = 'trigger' AND tbl_name IN ('journal_event', 'journal_lookup')
                        """)
                for trigger in triggers { try db.execute(sql: "DROP TRIGGER \(trigger)") }
                try db.execute(sql: sql)
            }
        }
    }

    @Test func verifyExitsZeroOnAnIntactJournal() async throws {
        let journal = try Journal(days: 3)
        let run = try await journal.run("journal", "verify", "--db", journal.database, "--key", journal.keyFile,
            "--checkpoint-events", "10", "--checkpoint-seconds", "8640000")
        #expect(run.status == 0)
        #expect(run.output.contains("journal intact: 72 events (1...72)"))
        #expect(run.output.contains("checked against supplied keys"))
    }

    @Test func verifyFindsTheNewestEventsDeletedWithTheirCheckpointsThroughTheWitnessBesideTheDatabase()
        async throws
    {
        let journal = try Journal(days: 2)
        let store = try AccessStore.open(at: journal.database)
        _ = try JournalWitnessRecorder(path: JournalWitness.defaultPath(forDatabase: journal.database))
            .record(from: store.writer)
        // An archived copy, as an operator takes one with `cardgate journal witness`.
        let archive = journal.directory.file("archive.witness")
        let printed = try await journal.run("journal", "witness", "--db", journal.database)
        #expect(printed.status == 0)
        #expect(printed.output == (try String(
            contentsOfFile: JournalWitness.defaultPath(forDatabase: journal.database), encoding: .utf8)))
        try printed.outputBytes.write(to: URL(fileURLWithPath: archive))
        try journal.deleteNewestWithTheirCheckpoints(after: 33)
        let policy = ["--checkpoint-events", "10", "--checkpoint-seconds", "8640000"]
        let found = try await CardGateRun.run(
            ["journal", "verify", "--db", journal.database, "--key", journal.keyFile] + policy, in: journal.directory)
        #expect(found.status == 1)
        #expect(found.output.contains("journal DAMAGED: deleted at sequence 34 through 41"), "\(found.output)")

        // Without the witness the shorter journal looks whole; a witness named but absent is an error.
        let elsewhere = journal.directory.file("moved.witness")
        try FileManager.default.moveItem(
            atPath: JournalWitness.defaultPath(forDatabase: journal.database), toPath: elsewhere)
        let unwitnessed = try await CardGateRun.run(
            ["journal", "verify", "--db", journal.database] + policy, in: journal.directory)
        #expect(unwitnessed.status == 0)
        #expect(unwitnessed.output.contains("journal intact: 33 events"), "\(unwitnessed.output)")
        #expect(unwitnessed.output.contains("no witness"))
        for witness in [elsewhere, archive] {
            let named = try await CardGateRun.run(
                ["journal", "verify", "--db", journal.database, "--witness", witness] + policy, in: journal.directory)
            #expect(named.status == 1)
            #expect(named.output.contains("deleted at sequence 34 through 41"), "\(named.output)")
        }
        let absent = try await CardGateRun.run(
            ["journal", "verify", "--db", journal.database, "--witness", journal.directory.file("none")] + policy,
            in: journal.directory)
        #expect(absent.status == 1)
        #expect(absent.errors.contains("no witness at"), "\(absent.errors)")
    }

    @Test(arguments: [
        ("UPDATE journal_event SET decision = 'deny', reason = 'no_access_level' WHERE seq = 30", "edited", 30),
        ("DELETE FROM journal_event WHERE seq = 41", "deleted", 41),
        ("UPDATE journal_event SET person_id = 'person-9' WHERE seq = 72", "edited", 72),
    ])
    func verifyExitsOneAndNamesTheTamperedEvent(sql: String, kind: String, sequence: Int) async throws {
        let journal = try Journal(days: 3)
        try journal.tamper(sql)
        let run = try await journal.run("journal", "verify", "--db", journal.database, "--key", journal.keyFile,
            "--checkpoint-events", "10", "--checkpoint-seconds", "8640000")
        #expect(run.status == 1)
        #expect(run.output.contains("journal DAMAGED: \(kind) at sequence \(sequence)"))
    }

    @Test func verifyExitsOneOnAFileThatIsNoDatabase() async throws {
        let directory = try CLITemporaryDirectory()
        let path = directory.file("garbage.sqlite")
        #expect(FileManager.default.createFile(atPath: path, contents: Data(repeating: 0x5A, count: 8192)))
        let run = try await CardGateRun.run(["journal", "verify", "--db", path], in: directory)
        #expect(run.status == 1)
        #expect(run.errors.contains("not_a_database"))
    }

    @Test func verifyRefusesAKeyThatDidNotSignTheCheckpoints() async throws {
        let journal = try Journal(days: 1)
        let other = journal.directory.file("other.key")
        _ = try JournalKey.create(at: other)
        let run = try await journal.run("journal", "verify", "--db", journal.database, "--key", other)
        #expect(run.status == 1)
        #expect(run.output.contains("bad_checkpoint"))
    }

    @Test func exportWritesTheChosenDaysAsJSONLines() async throws {
        let journal = try Journal(days: 3)
        let output = journal.directory.file("events.jsonl")
        let run = try await journal.run(
            "journal", "export", "--db", journal.database, "--from", journal.instant(days: 1),
            "--to", journal.instant(days: 2), "--format", "jsonl", "--output", output)
        #expect(run.status == 0)
        #expect(run.errors.contains("exported 24 events"))
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 24)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(first?["sequence"] as? Int == 25)
        let permissions = try FileManager.default.attributesOfItem(atPath: output)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }

    @Test func exportWritesCSVWithAByteOrderMark() async throws {
        let journal = try Journal(days: 1)
        let run = try await journal.run("journal", "export", "--db", journal.database, "--format", "csv")
        #expect(run.status == 0)
        #expect(run.outputBytes.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(run.output.contains("Trần Thị Bình"))
        #expect(run.output.components(separatedBy: "\r\n").count == 26)  // header, 24 events, an empty end
    }

    @Test func exportRefusesAnUnknownFormat() async throws {
        let journal = try Journal(days: 1)
        let run = try await journal.run("journal", "export", "--db", journal.database, "--format", "xml")
        #expect(run.status != 0)
        #expect(run.errors.contains("--format must be csv or jsonl"))
    }

    @Test func pruneKeepsTheRestVerifiable() async throws {
        let journal = try Journal(days: 5)
        // The cut-off, 8 days before now, falls just before day 2's first event: days 0 and 1 go.
        let prune = try await journal.run(
            "journal", "prune", "--db", journal.database, "--older-than", "8", "--key", journal.keyFile,
            "--checkpoint-events", "10", "--checkpoint-seconds", "8640000")
        #expect(prune.status == 0)
        #expect(prune.output.contains("pruned 48 events"))
        #expect(prune.output.contains("anchor 48"))
        let verify = try await journal.run("journal", "verify", "--db", journal.database, "--key", journal.keyFile,
            "--checkpoint-events", "10", "--checkpoint-seconds", "8640000")
        #expect(verify.status == 0)
        #expect(verify.output.contains("journal intact: 72 events (49...120), anchored at 48"))
        // Pruning again with the same cut-off deletes nothing and still verifies.
        let again = try await journal.run(
            "journal", "prune", "--db", journal.database, "--older-than", "8", "--key", journal.keyFile,
            "--checkpoint-events", "10", "--checkpoint-seconds", "8640000")
        #expect(again.status == 0)
        #expect(again.output.contains("pruned 0 events"))
    }

    @Test func pruneRefusesAJournalWhoseNewestEventsTheWitnessMisses() async throws {
        let journal = try Journal(days: 5)
        let store = try AccessStore.open(at: journal.database)
        _ = try JournalWitnessRecorder(path: JournalWitness.defaultPath(forDatabase: journal.database))
            .record(from: store.writer)
        try journal.deleteNewestWithTheirCheckpoints(after: 100)
        let policy = ["--checkpoint-events", "10", "--checkpoint-seconds", "8640000"]
        let prune = try await CardGateRun.run(
            ["journal", "prune", "--db", journal.database, "--older-than", "8", "--key", journal.keyFile] + policy,
            in: journal.directory)
        #expect(prune.status == 1)
        #expect(prune.output.contains("deleted at sequence 101"), "\(prune.output)")
        #expect(prune.errors.contains("refusing to prune a damaged journal"), "\(prune.errors)")
        let count = try await store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM journal_event") }
        #expect(count == 100, "nothing was pruned")
        // A witness named but absent is an error, as for verify.
        let absent = try await CardGateRun.run(
            ["journal", "prune", "--db", journal.database, "--witness", journal.directory.file("none")] + policy,
            in: journal.directory)
        #expect(absent.status == 1)
        #expect(absent.errors.contains("no witness at"), "\(absent.errors)")
    }

    @Test func pruneRefusesAFileThatIsNotAStoreAndCreatesNothing() async throws {
        let directory = try CLITemporaryDirectory()
        let missing = directory.file("missing.sqlite")
        let run = try await CardGateRun.run(["journal", "prune", "--db", missing], in: directory)
        #expect(run.status == 1)
        #expect(run.errors.contains("cannot_open"), "\(run.errors)")
        #expect(!FileManager.default.fileExists(atPath: missing))
        let empty = directory.file("empty.sqlite")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        let emptyRun = try await CardGateRun.run(["journal", "prune", "--db", empty], in: directory)
        #expect(emptyRun.status == 1)
        #expect(emptyRun.errors.contains("not_a_cardgate_store"), "\(emptyRun.errors)")
        #expect(try FileManager.default.attributesOfItem(atPath: empty)[.size] as? Int == 0)
    }

    @Test func pruneWithMoreDaysThanTheClockCountsDeletesNothing() async throws {
        let journal = try Journal(days: 1)
        let run = try await journal.run(
            "journal", "prune", "--db", journal.database, "--older-than", "106751991168", "--key", journal.keyFile,
            "--checkpoint-events", "10", "--checkpoint-seconds", "8640000")
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("pruned 0 events"))
    }

    @Test func exportWritesThroughASymbolicLinkAndRefusesAnEmptyRange() async throws {
        let journal = try Journal(days: 1)
        let target = journal.directory.file("target.csv")
        let link = journal.directory.file("link.csv")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let run = try await journal.run("journal", "export", "--db", journal.database, "--output", link)
        #expect(run.status == 0, "\(run.errors)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8).contains("Trần Thị Bình"))
        let backwards = try await journal.run(
            "journal", "export", "--db", journal.database, "--from", "2026-02-02", "--to", "2026-02-01")
        #expect(backwards.status != 0)
        #expect(backwards.errors.contains("--from must be before --to"))
    }

    @Test func aTamperedLookupIsReportedAndRebuilt() async throws {
        let journal = try Journal(days: 3)
        try await DatabaseQueue(path: journal.database).write { db in _ = try JournalLookup.catchUp(in: db) }
        try journal.tamper("DELETE FROM journal_lookup WHERE person_id = 'person-3'")
        let policy = ["--checkpoint-events", "10", "--checkpoint-seconds", "8640000"]
        let verify = ["journal", "verify", "--db", journal.database, "--key", journal.keyFile] + policy
        let damaged = try await CardGateRun.run(verify, in: journal.directory)
        #expect(damaged.status == 1)
        #expect(damaged.output.contains("journal DAMAGED: lookup_mismatch at sequence 4"))
        let prune = try await CardGateRun.run(
            ["journal", "prune", "--db", journal.database, "--older-than", "0"] + policy, in: journal.directory)
        #expect(prune.status == 1)
        #expect(prune.errors.contains("rebuild-lookup"))
        let rebuild = try await journal.run("journal", "rebuild-lookup", "--db", journal.database)
        #expect(rebuild.status == 0)
        #expect(rebuild.output.contains("rebuilt the query lookup: 72 events"))
        #expect(try await CardGateRun.run(verify, in: journal.directory).status == 0)
    }

    @Test func pruneRefusesADamagedJournalAndChangesNothing() async throws {
        let journal = try Journal(days: 3)
        try journal.tamper("UPDATE journal_event SET reason = 'lockdown' WHERE seq = 60")
        let prune = try await journal.run(
            "journal", "prune", "--db", journal.database, "--older-than", "0", "--key", journal.keyFile,
            "--checkpoint-events", "10", "--checkpoint-seconds", "8640000")
        #expect(prune.status == 1)
        #expect(prune.errors.contains("refusing to prune a damaged journal"))
        let count = try await DatabaseQueue(path: journal.database).read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM journal_event")
        }
        #expect(count == 72)
    }
}
