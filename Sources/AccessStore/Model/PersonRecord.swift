import GRDB

/// A row of `person`.
public struct PersonRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Hashable, Identifiable {
    public static let databaseTableName = "person"
    public var id: String
    public var displayName: String
    public var departmentId: String?
    public var kind: PersonKind
    public var status: PersonStatus
    public var responder: Bool
    /// A JSON object of identifiers in other systems, as text.
    public var externalIds: String?
    /// The door PIN hash (`PINHasher` format), nil when the person has no PIN.
    public var pinHash: String?

    enum CodingKeys: String, CodingKey {
        case id, kind, status, responder
        case displayName = "display_name"
        case departmentId = "department_id"
        case externalIds = "external_ids"
        case pinHash = "pin_hash"
    }

    public init(
        id: String, displayName: String, departmentId: String? = nil, kind: PersonKind = .staff,
        status: PersonStatus = .active, responder: Bool = false, externalIds: String? = nil,
        pinHash: String? = nil
    ) {
        self.id = id
        self.displayName = displayName
        self.departmentId = departmentId
        self.kind = kind
        self.status = status
        self.responder = responder
        self.externalIds = externalIds
        self.pinHash = pinHash
    }
}
