import AccessStore
import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `cardgate journal`: verify, export and prune the entry journal of a database file.
struct JournalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Verify, export and prune the tamper-evident entry journal.",
        subcommands: [
            JournalVerifyCommand.self, JournalExportCommand.self, JournalPruneCommand.self,
            JournalRebuildLookupCommand.self, JournalWitnessCommand.self,
        ]
    )
}

/// Options shared by the journal commands.
struct JournalDatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The CardGate database file.")
    var db: String
}

/// The checkpoint policy a signed journal was written with: unsigned events beyond it are damage.
struct CheckpointPolicyOptions: ParsableArguments {
    @Option(name: .customLong("checkpoint-events"), help: "Checkpoints were signed at least every this many events.")
    var events: Int64 = CheckpointPolicy().events

    @Option(name: .customLong("checkpoint-seconds"), help: "... and at least this many seconds after an event.")
    var seconds: Int64 = CheckpointPolicy().milliseconds / 1000

    func validate() throws {
        guard events >= 1, seconds >= 0, seconds <= Int64.max / 1000 else {
            throw ValidationError("--checkpoint-events must be at least 1 and --checkpoint-seconds not negative")
        }
    }

    var policy: CheckpointPolicy { CheckpointPolicy(events: events, milliseconds: seconds * 1000) }
}

/// `--witness FILE`: the witness the journal is checked against (the file beside the database by default).
struct JournalWitnessOptions: ParsableArguments {
    @Option(name: .long, help: "The witness file (default: the database's path + .witness, if it exists).")
    var witness: String?

    /// The witness's checkpoints: none when there is no witness beside `database`; a named file must exist.
    func checkpoints(forDatabase database: String) throws(AccessStoreError) -> [JournalCheckpoint] {
        let path = witness ?? JournalWitness.defaultPath(forDatabase: database)
        if witness != nil, !FileManager.default.fileExists(atPath: path) {
            throw AccessStoreError(.cannotOpen, "no witness at \(path)")
        }
        return try JournalWitness.read(at: path)
    }
}

struct JournalVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the hash chain and check the signed checkpoints.",
        discussion: """
            Exits 0 when the journal is intact and 1 when it is damaged or cannot be read. Without --key or \
            --public-key, checkpoints are checked against the keys recorded in the database itself. In a signed \
            journal, events after the last checkpoint that CardGate's checkpoint policy would have had signed \
            are damage (deleted checkpoints, or a writer without the key). The journal is checked against the \
            witness, the copies of its checkpoints the daemon keeps outside the database (--witness, or the file \
            beside the database if there is one): a journal whose newest events were deleted together with \
            their checkpoints is found only so.
            """
    )

    @OptionGroup var database: JournalDatabaseOptions
    @OptionGroup var checkpoints: CheckpointPolicyOptions

    @Option(name: .long, help: "Trust the public key of this journal key file.")
    var key: String?

    @Option(name: .customLong("public-key"), help: "Trust this base64 Ed25519 public key (repeatable).")
    var publicKeys: [String] = []

    @OptionGroup var witness: JournalWitnessOptions

    func validate() throws {
        for text in publicKeys where Data(base64Encoded: text)?.count != 32 {
            throw ValidationError("--public-key must be 32 bytes in base64: \(text)")
        }
    }

    func run() throws {
        let result: JournalVerification
        let bar = ProgressBar(label: "verify")
        do {
            var trusted = Set(publicKeys.compactMap { Data(base64Encoded: $0) })
            if let key {
                trusted.insert(try JournalKey.load(from: key).publicKey)
            }
            let store = try AccessStore.open(at: database.db, options: .init(readOnly: true))
            let verifier = JournalVerifier(
                trustedKeys: trusted.isEmpty ? nil : trusted, checkpointPolicy: checkpoints.policy,
                witness: try witness.checkpoints(forDatabase: database.db))
            result = try verifier.verify(store.writer, progress: bar?.reporter)
        } catch {
            bar?.finish()
            JournalReport.fail(error)
        }
        bar?.finish()
        print(JournalReport.describe(result))
        if !result.isIntact { throw ExitCode.failure }
    }
}

struct JournalExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Stream journal events as CSV (UTF-8 with BOM) or JSON Lines.",
        discussion: """
            --from and --to take an ISO 8601 date-time with an offset (2025-01-31T08:00:00+07:00) or a date \
            (2025-01-31), which means midnight in --time-zone. --from is inclusive, --to exclusive.
            """
    )

    @OptionGroup var database: JournalDatabaseOptions

    @Option(name: .long, help: "Export events from this time on.")
    var from: String?

    @Option(name: .long, help: "Export events before this time.")
    var to: String?

    @Option(name: .long, help: "csv or jsonl.")
    var format: String = "csv"

    @Option(name: .long, help: "Write to this file instead of standard output.")
    var output: String?

    @Option(name: .customLong("time-zone"), help: "Time zone for plain dates.")
    var timeZone: String = "Asia/Ho_Chi_Minh"

    func validate() throws {
        guard JournalExportFormat(rawValue: format) != nil else {
            throw ValidationError("--format must be csv or jsonl")
        }
        guard TimeZone(identifier: timeZone) != nil else { throw ValidationError("unknown time zone \(timeZone)") }
        for text in [from, to].compactMap({ $0 }) where JournalTime.parse(text, timeZone: timeZone) == nil {
            throw ValidationError("not a date or ISO 8601 date-time: \(text)")
        }
        if let start = from.flatMap({ JournalTime.parse($0, timeZone: timeZone) }),
            let end = to.flatMap({ JournalTime.parse($0, timeZone: timeZone) }), start >= end
        {
            throw ValidationError("--from must be before --to (--to is exclusive)")
        }
    }

    func run() throws {
        guard let format = JournalExportFormat(rawValue: format) else { throw ExitCode.validationFailure }
        let exporter = JournalExporter(
            format: format, fromMilliseconds: from.flatMap { JournalTime.parse($0, timeZone: timeZone) },
            toMilliseconds: to.flatMap { JournalTime.parse($0, timeZone: timeZone) })
        do {
            let store = try AccessStore.open(at: database.db, options: .init(readOnly: true))
            let destination = try output.map(ExportDestination.init(path:))
            let handle = destination?.handle ?? FileHandle.standardOutput
            let bar = ProgressBar(label: "export")
            let count = try exporter.export(
                from: store, to: { try handle.write(contentsOf: $0) },
                progress: bar.map { bar in { bar.update($0, of: $1) } })
            bar?.finish()
            try destination?.finish()
            FileHandle.standardError.write(Data("exported \(count) events\n".utf8))
        } catch {
            JournalReport.fail(error)
        }
    }
}

/// The file `journal export --output` writes: opened as a shell redirection opens it (a pipe, a device or a
/// symbolic link's target is written, not replaced), created readable by its owner only, since it holds
/// personal data.
struct ExportDestination {
    let handle: FileHandle
    private let isRegularFile: Bool

    init(path: String) throws(AccessStoreError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw AccessStoreError(.cannotOpen, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        var status = stat()
        isRegularFile = fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// Makes a file's contents durable (pipes and devices cannot be synced) and closes it.
    func finish() throws {
        if isRegularFile { try handle.synchronize() }
        try handle.close()
    }
}

struct JournalPruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete events older than a number of days, keeping a signed anchor.",
        discussion: """
            The journal is verified first, against the witness too (--witness, or the file beside the database \
            if there is one); a damaged journal is not pruned. With --key the anchor is exactly the last event \
            older than the cut-off; without it, the newest checkpoint before the cut-off.
            """
    )

    @OptionGroup var database: JournalDatabaseOptions
    @OptionGroup var checkpoints: CheckpointPolicyOptions

    @Option(name: .customLong("older-than"), help: "Delete events older than this many days.")
    var olderThan: Int = JournalRetention.defaultDays

    @Option(name: .long, help: "The journal key file, to sign an exact anchor.")
    var key: String?

    @OptionGroup var witness: JournalWitnessOptions

    func validate() throws {
        guard olderThan >= 0 else { throw ValidationError("--older-than must not be negative") }
    }

    func run() throws {
        do {
            let journalKey = try key.map { path throws(AccessStoreError) in try JournalKey.load(from: path) }
            let store = try AccessStore.open(at: database.db, options: .init(existingStoreOnly: true))
            let verification = try JournalVerifier(
                trustedKeys: journalKey.map { [$0.publicKey] }, checkpointPolicy: checkpoints.policy,
                witness: try witness.checkpoints(forDatabase: database.db)
            ).verify(store.writer)
            guard verification.isIntact else {
                print(JournalReport.describe(verification))
                var message = "cardgate: refusing to prune a damaged journal"
                if verification.damage?.kind == .lookupMismatch {
                    message += " (the events are intact: `cardgate journal rebuild-lookup` rebuilds the lookup)"
                }
                FileHandle.standardError.write(Data((message + "\n").utf8))
                throw ExitCode.failure
            }
            let retention = JournalRetention(key: journalKey)
            let outcome = try store.writer.write { db in try retention.prune(olderThanDays: olderThan, in: db) }
            let anchor = outcome.anchorSequence.map(String.init) ?? "none"
            print(
                "pruned \(outcome.deletedEvents) events and \(outcome.deletedCheckpoints) checkpoints; anchor \(anchor)")
        } catch {
            JournalReport.fail(error)
        }
    }
}

struct JournalRebuildLookupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild-lookup",
        abstract: "Rebuild the query lookup from the events, when verify reports lookup_mismatch.",
        discussion: """
            The lookup is what queries by person, card, door, zone, reason or type read; it is built from the \
            events, which this command does not change. It runs in one transaction and holds the database's \
            write lock meanwhile (about a minute for 10 million events): a running daemon's taps wait and, past its \
            busy timeout, are denied because they cannot be journaled. Run it with the daemon stopped or at a \
            quiet time.
            """
    )

    @OptionGroup var database: JournalDatabaseOptions

    func run() throws {
        do {
            let store = try AccessStore.open(at: database.db, options: .init(existingStoreOnly: true))
            let count = try store.writer.write { db in try JournalLookup.rebuild(in: db) }
            print("rebuilt the query lookup: \(count) events")
        } catch {
            JournalReport.fail(error)
        }
    }
}

struct JournalWitnessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witness",
        abstract: "Print the journal's signed checkpoints as a witness, to keep a copy outside the database.",
        discussion: """
            One JSON line per checkpoint, as the daemon writes its witness file. A copy taken now and kept \
            elsewhere (cardgate journal witness --db FILE > /mnt/archive/cardgate.witness) lets a later \
            `cardgate journal verify --witness` find events deleted since, newest events and their checkpoints \
            included. Verify the journal before trusting what it prints.
            """
    )

    @OptionGroup var database: JournalDatabaseOptions

    func run() throws {
        do {
            let store = try AccessStore.open(at: database.db, options: .init(readOnly: true))
            for checkpoint in try JournalWitness.checkpoints(in: store.writer) {
                print(JournalWitness.line(checkpoint))
            }
        } catch {
            JournalReport.fail(error)
        }
    }
}
