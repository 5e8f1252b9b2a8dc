import AccessStore
import Foundation
import GRDB

/// Checks bearer tokens against the store's `token` table and manages tokens.
///
/// A token is looked up by the SHA-256 of the presented secret (the only form stored), and the stored hash is then
/// compared with the computed one in constant time, so neither the look-up nor the comparison tells an attacker
/// how much of a guess was right. Revoked tokens authenticate nobody.
///
/// Callers found are kept briefly in a ``TokenCache`` (a gate controller presents its token twice per PIV tap);
/// revoking through ``revoke(id:)`` drops them at once.
public struct TokenAuthenticator: Sendable {
    let writer: any DatabaseWriter
    let clock: @Sendable () -> Date
    let cache: TokenCache

    /// - Parameter cacheLifetime: seconds a caller is trusted without reading the database again; this bounds how
    ///   long a token revoked by another process that shares the database keeps working.
    public init(
        writer: any DatabaseWriter, clock: @escaping @Sendable () -> Date = { Date() }, cacheLifetime: TimeInterval = 2
    ) {
        self.writer = writer
        self.clock = clock
        self.cache = TokenCache(lifetime: cacheLifetime)
    }

    /// The caller holding `secret`, or nil when no active token has it.
    public func authenticate(_ secret: String) async throws -> Caller? {
        guard !secret.isEmpty, secret.utf8.count <= TokenSecret.maximumLength else { return nil }
        let hash = TokenRecord.hash(secret: secret)
        if let cached = cache.caller(for: hash, now: clock()) { return cached }
        let revocations = cache.revocations
        let caller = try await writer.read { db -> Caller? in
            guard let record = try TokenRecord.filter(Column("secret_hash") == hash).fetchOne(db),
                Self.constantTimeEqual(record.secretHash, hash), record.revokedMilliseconds == nil
            else { return nil }
            let doors = try String.fetchAll(db, sql: "SELECT door_id FROM token_door WHERE token_id = ?",
                arguments: [record.id])
            return Caller(tokenId: record.id, role: record.role, doorIds: Set(doors))
        }
        if let caller { cache.remember(caller, for: hash, now: clock(), readAfter: revocations) }
        return caller
    }

    /// Creates a token and returns its id and its secret, which is shown only this once.
    ///
    /// - Throws: ``APIProblem`` 400 when a controller names no door, another role names doors, or a door is unknown.
    public func create(
        role: TokenRole, doorIds: [String], name: String?
    ) async throws -> (id: String, secret: String) {
        let created = try await create(role: role, doorIds: doorIds, name: name, audit: nil)
        return (created.id, created.secret)
    }

    /// Creates a token as ``create(role:doorIds:name:)`` does and, with `audit`, journals the creation (an
    /// `admin_change` event naming the actor) in the same transaction: a token never exists without its event.
    public func create(
        role: TokenRole, doorIds: [String], name: String?, audit: TokenAudit?
    ) async throws -> (id: String, secret: String, event: JournalEvent?) {
        if role == .controller, doorIds.isEmpty {
            throw APIProblem.badRequest("a controller token needs at least one door in doorIds", code: "invalid-token")
        }
        if role != .controller, !doorIds.isEmpty {
            throw APIProblem.badRequest("only controller tokens are bound to doors", code: "invalid-token")
        }
        let secret = TokenSecret.generate()
        let id = TokenSecret.generateId()
        let created = Int64((clock().timeIntervalSince1970 * 1000).rounded(.down))
        let record = TokenRecord(id: id, name: name, role: role, secret: secret, createdMilliseconds: created)
        let details = EventRepresentation.data([
            "change": "token_created", "tokenId": id, "role": role.rawValue, "doorIds": doorIds,
        ])
        let (unknown, event) = try await writer.write { db -> ([String], JournalEvent?) in
            let known = try Set(String.fetchAll(db, sql: "SELECT id FROM door"))
            let unknown = Set(doorIds).subtracting(known).sorted()
            guard unknown.isEmpty else { return (unknown, nil) }
            try record.insert(db)
            for door in Set(doorIds) { try TokenDoorRecord(tokenId: id, doorId: door).insert(db) }
            return ([], try audit?.journal(change: "token_created", details: details, in: db))
        }
        guard unknown.isEmpty else {
            throw APIProblem.badRequest("unknown door: \(unknown.joined(separator: ", "))", code: "unknown-door")
        }
        return (id, secret, event)
    }

    /// Revokes the token `id`; false if there is no such token (revoking twice keeps the first time).
    public func revoke(id: String) async throws -> Bool {
        try await revoke(id: id, audit: nil).found
    }

    /// Revokes as ``revoke(id:)`` does and, with `audit`, journals the revocation in the same transaction.
    public func revoke(id: String, audit: TokenAudit?) async throws -> (found: Bool, event: JournalEvent?) {
        let now = Int64((clock().timeIntervalSince1970 * 1000).rounded(.down))
        let details = EventRepresentation.data(["change": "token_revoked", "tokenId": id])
        let outcome = try await writer.write { db -> (Bool, JournalEvent?) in
            guard try TokenRecord.fetchOne(db, key: id) != nil else { return (false, nil) }
            try db.execute(sql: "UPDATE token SET revoked_ms = max(created_ms, ?) WHERE id = ? AND revoked_ms IS NULL",
                arguments: [now, id])
            return (true, try audit?.journal(change: "token_revoked", details: details, in: db))
        }
        cache.forget(tokenId: id)
        return outcome
    }

    /// Compares two byte strings in time that depends only on their lengths.
    static func constantTimeEqual(_ lhs: Data, _ rhs: Data) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }
}

/// Who makes a token change, and the journal that records it.
public struct TokenAudit: Sendable {
    public var journal: JournalWriter
    /// The token id of the administrator.
    public var actor: String

    public init(journal: JournalWriter, actor: String) {
        self.journal = journal
        self.actor = actor
    }

    func journal(change: String, details: Data, in db: Database) throws -> JournalEvent? {
        try journal.append([NewJournalEvent(type: .adminChange, reason: change, actor: actor,
            details: String(decoding: details, as: UTF8.self))], in: db).first
    }
}
