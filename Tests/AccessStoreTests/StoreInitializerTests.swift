import AccessStore
import Foundation
import GRDB
import Testing

@Suite struct StoreInitializerTests {
    static func mode(_ path: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    }

    @Test func initCreatesTheDatabaseThePrivateKeyAndTheTokenFile() throws {
        let directory = try TemporaryDirectory()
        let database = directory.file("cardgate.db")
        let tokenPath = directory.file("admin.token")
        let outcome = try StoreInitializer().initialize(databasePath: database, adminTokenPath: tokenPath)

        #expect(outcome.journalKeyPath == database + ".journal-key")
        #expect(try Self.mode(outcome.journalKeyPath) == 0o600)
        #expect(try Self.mode(tokenPath) == 0o600)
        #expect(try JournalKey.load(from: outcome.journalKeyPath).publicKey == outcome.journalPublicKey)

        let token = try String(contentsOfFile: tokenPath, encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(token.count == 43)
        let base64url = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        #expect(token.allSatisfy(base64url.contains))

        let store = try AccessStore.open(at: database, options: .init(readOnly: true))
        try store.writer.read { db in
            let record = try #require(try TokenRecord.fetchOne(db, key: outcome.adminTokenId))
            #expect(record.role == .admin)
            #expect(record.secretHash == TokenRecord.hash(secret: token))
            // The secret itself is nowhere in the database.
            let rows = try String.fetchAll(db, sql: "SELECT details FROM journal_event")
            #expect(rows.count == 1)
            #expect(!rows.contains { $0.contains(token) })
        }
        let verification = try JournalVerifier(trustedKeys: [outcome.journalPublicKey]).verify(store.writer)
        #expect(verification.isIntact)
        #expect(verification.checkpointsChecked == 1)
    }

    @Test(arguments: ["database", "key", "token"])
    func initOverwritesNothing(existing: String) throws {
        let directory = try TemporaryDirectory()
        let database = directory.file("cardgate.db")
        let tokenPath = directory.file("admin.token")
        let path = ["database": database, "key": database + ".journal-key", "token": tokenPath][existing] ?? ""
        #expect(FileManager.default.createFile(atPath: path, contents: Data("keep".utf8)))
        #expect(throws: AccessStoreError(.invalidInput, "")) {
            try StoreInitializer().initialize(databasePath: database, adminTokenPath: tokenPath)
        }
        #expect(FileManager.default.contents(atPath: path) == Data("keep".utf8))
        let others = [database, database + ".journal-key", tokenPath].filter { $0 != path }
        #expect(others.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
    }
}
