import AccessStore
import ArgumentParser
import Foundation

/// `cardgate init --db FILE --admin-token-file FILE`: a new database, its journal key and a first admin token.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a CardGate database, its journal key and a first admin token.",
        discussion: """
            Creates the database with every migration, the journal key beside it (FILE.journal-key, mode 0600) \
            and an admin API token, written only to --admin-token-file (mode 0600); the database keeps its \
            SHA-256. Nothing is overwritten: if any of the files exists, nothing is created.
            """
    )

    @Option(name: .long, help: "The database file to create.")
    var db: String

    @Option(name: .customLong("admin-token-file"), help: "Write the admin token to this new file.")
    var adminTokenFile: String

    func run() throws {
        do {
            let outcome = try StoreInitializer().initialize(databasePath: db, adminTokenPath: adminTokenFile)
            print("created \(outcome.databasePath)")
            print("journal key \(outcome.journalKeyPath), public key \(outcome.journalPublicKey.base64EncodedString())")
            print("admin token \"\(outcome.adminTokenId)\" written to \(outcome.adminTokenPath) (shown nowhere else)")
        } catch {
            JournalReport.fail(error)
        }
    }
}
