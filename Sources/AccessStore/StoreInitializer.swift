import Foundation
import GRDB

/// Creates a new CardGate store: the database with every migration, the journal key file beside it, and a first
/// admin API token (`cardgate init`).
///
/// The token is 32 random bytes in base64url (43 characters). It is written once, to a new file with mode 0600,
/// and the database keeps only its SHA-256 (`TokenRecord`). Nothing that exists is overwritten: if the database,
/// the key file or the token file exists, nothing is created; if a later step fails, what was created is removed.
public struct StoreInitializer: Sendable {
    /// What `initialize` created.
    public struct Outcome: Sendable, Hashable {
        public var databasePath: String
        public var journalKeyPath: String
        public var adminTokenPath: String
        public var adminTokenId: String
        /// The journal key's Ed25519 public key (base64 of it is worth writing down).
        public var journalPublicKey: Data
    }

    /// The id of the first admin token.
    public static let adminTokenId = "admin"

    public var clock: JournalClock
    /// Recorded as the actor of the initialisation event.
    public var actor: String

    public init(clock: JournalClock = .system, actor: String = "cardgate init") {
        self.clock = clock
        self.actor = actor
    }

    /// Where the journal key of the database at `databasePath` lives: beside it, named `<database>.journal-key`.
    public static func journalKeyPath(forDatabase databasePath: String) -> String {
        databasePath + ".journal-key"
    }

    /// Creates the database, the journal key and the admin token file.
    ///
    /// - Throws: `invalidInput` when a file exists already, `keyUnreadable`/`cannotOpen` and the like when a file
    ///   cannot be written.
    public func initialize(databasePath: String, adminTokenPath: String) throws(AccessStoreError) -> Outcome {
        let keyPath = Self.journalKeyPath(forDatabase: databasePath)
        let files = [databasePath, databasePath + "-wal", databasePath + "-shm", keyPath, adminTokenPath]
        for path in files where FileManager.default.fileExists(atPath: path) {
            throw AccessStoreError(.invalidInput, "\(path) already exists; cardgate init never overwrites")
        }
        var created: [String] = []
        do {
            let key = try JournalKey.create(at: keyPath)
            created.append(keyPath)
            let token = Self.newToken()
            try SecretFile.create(
                at: adminTokenPath, contents: Array((token + "\n").utf8), what: "token file",
                existsCode: .invalidInput, failureCode: .cannotOpen)
            created.append(adminTokenPath)
            created += [databasePath, databasePath + "-wal", databasePath + "-shm"]
            let store = try AccessStore.open(at: databasePath)
            let journal = JournalWriter(clock: clock, key: key)
            let now = clock.nowMilliseconds()
            let actor = self.actor
            try store.writer.write { db in
                try TokenRecord(
                    id: Self.adminTokenId, name: "first administrator", role: .admin, secret: token,
                    createdMilliseconds: now
                ).insert(db)
                let details = #"{"action":"init","role":"admin","tokenId":"\#(Self.adminTokenId)"}"#
                _ = try journal.append([NewJournalEvent(type: .adminChange, actor: actor, details: details)], in: db)
                // A first checkpoint records the journal key's public half in the database.
                try journal.checkpointIfDue(in: db, force: true)
            }
            return Outcome(
                databasePath: databasePath, journalKeyPath: keyPath, adminTokenPath: adminTokenPath,
                adminTokenId: Self.adminTokenId, journalPublicKey: key.publicKey)
        } catch {
            for path in created { try? FileManager.default.removeItem(atPath: path) }
            throw AccessStoreError(error)
        }
    }

    /// 32 random bytes in base64url without padding.
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
