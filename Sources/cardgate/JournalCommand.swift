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
        subcommands: [JournalVerifyCommand.self, JournalExportCommand.self, JournalPruneCommand.self]
    )
}

/// Options shared by the journal commands.
struct JournalDatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The CardGate database file.")
    var db: String
}

struct JournalVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the hash chain and check the signed checkpoints.",
        discussion: """
            Exits 0 when the journal is intact and 1 when it is damaged or cannot be read. Without --key or \
            --public-key, checkpoints are checked against the keys recorded in the database itself.
            """
    )

    @OptionGroup var database: JournalDatabaseOptions

    @Option(name: .long, help: "Trust the public key of this journal key file.")
    var key: String?

    @Option(name: .customLong("public-key"), help: "Trust this base64 Ed25519 public key (repeatable).")
    var publicKeys: [String] = []

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
            let verifier = JournalVerifier(trustedKeys: trusted.isEmpty ? nil : trusted)
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
    }

    func run() throws {
        guard let format = JournalExportFormat(rawValue: format) else { throw ExitCode.validationFailure }
        let exporter = JournalExporter(
            format: format, fromMilliseconds: from.flatMap { JournalTime.parse($0, timeZone: timeZone) },
            toMilliseconds: to.flatMap { JournalTime.parse($0, timeZone: timeZone) })
        do {
            let store = try AccessStore.open(at: database.db, options: .init(readOnly: true))
            let handle: FileHandle
            if let output {
                // The export holds personal data: readable by its owner only.
                guard FileManager.default.createFile(
                    atPath: output, contents: nil, attributes: [.posixPermissions: 0o600]),
                    let file = FileHandle(forWritingAtPath: output)
                else { throw AccessStoreError(.cannotOpen, "cannot write \(output)") }
                handle = file
            } else {
                handle = FileHandle.standardOutput
            }
            let bar = ProgressBar(label: "export")
            let count = try store.writer.read { db in
                try exporter.export(
                    in: db, to: { try handle.write(contentsOf: $0) },
                    progress: bar.map { bar in { bar.update($0, of: $1) } })
            }
            bar?.finish()
            if output != nil {
                try handle.synchronize()
                try handle.close()
            }
            FileHandle.standardError.write(Data("exported \(count) events\n".utf8))
        } catch {
            JournalReport.fail(error)
        }
    }
}

struct JournalPruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete events older than a number of days, keeping a signed anchor.",
        discussion: """
            The journal is verified first; a damaged journal is not pruned. With --key the anchor is exactly \
            the last event older than the cut-off; without it, the newest checkpoint before the cut-off.
            """
    )

    @OptionGroup var database: JournalDatabaseOptions

    @Option(name: .customLong("older-than"), help: "Delete events older than this many days.")
    var olderThan: Int = JournalRetention.defaultDays

    @Option(name: .long, help: "The journal key file, to sign an exact anchor.")
    var key: String?

    func validate() throws {
        guard olderThan >= 0 else { throw ValidationError("--older-than must not be negative") }
    }

    func run() throws {
        do {
            let journalKey = try key.map { path throws(AccessStoreError) in try JournalKey.load(from: path) }
            let store = try AccessStore.open(at: database.db)
            let verification = try JournalVerifier(trustedKeys: journalKey.map { [$0.publicKey] })
                .verify(store.writer)
            guard verification.isIntact else {
                print(JournalReport.describe(verification))
                FileHandle.standardError.write(Data("cardgate: refusing to prune a damaged journal\n".utf8))
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
