import Crypto
import Foundation
import GRDB

/// A row of `card`: a PIV card with its Card Authentication certificate, or a UID-only card.
///
/// For PIV cards the fingerprint (SHA-256 of the certificate DER, lowercase hex) is derived here; the
/// GUID comes from the certificate's subject alternative name, which the credentials layer parses.
public struct CardRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Hashable, Identifiable {
    public static let databaseTableName = "card"
    public var id: String
    public var personId: String
    public var type: CardType
    public var certificate: Data?
    /// Uppercase hex.
    public var uid: String?
    /// The card's GUID as 32 lowercase hex digits.
    public var pivGuid: String?
    public var fingerprint: String?
    public var status: CardStatus
    public var statusReason: String?
    public var validFromMilliseconds: Int64?
    public var validUntilMilliseconds: Int64?

    enum CodingKeys: String, CodingKey {
        case id, type, certificate, uid, fingerprint, status
        case personId = "person_id"
        case pivGuid = "piv_guid"
        case statusReason = "status_reason"
        case validFromMilliseconds = "valid_from_ms"
        case validUntilMilliseconds = "valid_until_ms"
    }

    /// A PIV card; the fingerprint is computed from `certificate` (DER).
    public static func piv(
        id: String, personId: String, certificate: Data, guid: String?, status: CardStatus = .active
    ) -> CardRecord {
        CardRecord(
            id: id, personId: personId, type: .piv, certificate: certificate, uid: nil, pivGuid: guid?.lowercased(),
            fingerprint: fingerprint(of: certificate), status: status, statusReason: nil,
            validFromMilliseconds: nil, validUntilMilliseconds: nil)
    }

    /// A UID-only card; `uid` is hex in either case and stored in uppercase.
    public static func uid(id: String, personId: String, uid: String, status: CardStatus = .active) -> CardRecord {
        CardRecord(
            id: id, personId: personId, type: .uid, certificate: nil, uid: uid.uppercased(), pivGuid: nil,
            fingerprint: nil, status: status, statusReason: nil, validFromMilliseconds: nil,
            validUntilMilliseconds: nil)
    }

    /// SHA-256 of the certificate DER as lowercase hex.
    public static func fingerprint(of certificate: Data) -> String {
        SHA256.hash(data: certificate).map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}
