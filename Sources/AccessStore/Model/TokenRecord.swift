import Crypto
import Foundation
import GRDB

/// A row of `token`: an API token, stored only as the SHA-256 of its secret.
public struct TokenRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Hashable, Identifiable {
    public static let databaseTableName = "token"
    public var id: String
    public var name: String?
    public var role: TokenRole
    public var secretHash: Data
    public var createdMilliseconds: Int64
    public var revokedMilliseconds: Int64?

    enum CodingKeys: String, CodingKey {
        case id, name, role
        case secretHash = "secret_hash"
        case createdMilliseconds = "created_ms"
        case revokedMilliseconds = "revoked_ms"
    }

    public init(
        id: String, name: String? = nil, role: TokenRole, secret: String, createdMilliseconds: Int64,
        revokedMilliseconds: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.secretHash = Self.hash(secret: secret)
        self.createdMilliseconds = createdMilliseconds
        self.revokedMilliseconds = revokedMilliseconds
    }

    /// SHA-256 of the token secret's UTF-8 bytes, the only form in which secrets are stored.
    public static func hash(secret: String) -> Data {
        Data(SHA256.hash(data: Data(secret.utf8)))
    }
}

/// A row of `token_door`: a controller token may only act for the doors it is bound to.
public struct TokenDoorRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Hashable {
    public static let databaseTableName = "token_door"
    public var tokenId: String
    public var doorId: String

    enum CodingKeys: String, CodingKey {
        case tokenId = "token_id"
        case doorId = "door_id"
    }

    public init(tokenId: String, doorId: String) {
        self.tokenId = tokenId
        self.doorId = doorId
    }
}
