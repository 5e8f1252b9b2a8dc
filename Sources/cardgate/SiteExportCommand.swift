import AccessStore
import ArgumentParser
import Foundation

/// `cardgate site export --db FILE [--out FILE] [--people-out FILE]`: writes the database's site model as the
/// YAML files that `cardgate site apply` reads.
struct SiteExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the site model of a database as site (and people) YAML files.",
        discussion: """
            The site file (--out, default standard output) holds the time zone, departments, zones, doors, \
            schedules, holidays and access levels; the people file (--people-out) holds people, their PIN \
            hashes and their cards. `cardgate site apply --site SITE --people PEOPLE` on another database \
            then recreates the same model. Files are created readable by their owner only.
            """
    )

    @Option(name: .long, help: "The CardGate database file.")
    var db: String

    @Option(name: .long, help: "Write the site file here instead of standard output.")
    var out: String?

    @Option(name: .customLong("people-out"), help: "Write the people and cards here.")
    var peopleOut: String?

    func run() async throws {
        do {
            guard FileManager.default.fileExists(atPath: db) else {
                throw AccessStoreError(.cannotOpen, "\(db) does not exist")
            }
            let store = try AccessStore.open(at: db, options: .init(readOnly: true))
            // Read-only opens take a store of an earlier version for its journal; its model may lack newer tables.
            guard try await store.writer.read({ db in try StoreSchema.migrator.hasCompletedMigrations(db) }) else {
                throw AccessStoreError(.notACardGateStore,
                    "\(db) was written by an earlier version of CardGate: open it once with this one (for example "
                        + "with cardgate site apply) to upgrade it, then export")
            }
            let model = try await store.siteModel()
            try Self.write(SiteYAML.site(model), to: out)
            if let peopleOut {
                try Self.write(SiteYAML.people(model), to: peopleOut)
            } else if !model.people.isEmpty || !model.credentials.isEmpty {
                SiteFiles.printError(
                    "\(model.people.count) people and \(model.credentials.count) cards not exported: add --people-out")
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            JournalReport.fail(error)
        }
    }

    /// Writes `text` to a new file readable by its owner only, or to standard output.
    static func write(_ text: String, to path: String?) throws {
        guard let path else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        try? FileManager.default.removeItem(atPath: path)
        guard FileManager.default.createFile(
            atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else { throw AccessStoreError(.cannotOpen, "cannot write \(path)") }
    }
}
