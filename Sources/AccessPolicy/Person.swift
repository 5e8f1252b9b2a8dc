/// Someone who may hold credentials: staff, a visitor or a contractor.
///
/// Maps to the API's Person `{id, displayName, departmentId?, kind, status, responder?}`; the optional PIN hash
/// is checked through the ``PINVerifier`` the snapshot was built with.
public struct Person: Sendable, Hashable, Identifiable {
    public var id: String
    public var displayName: String
    public var departmentId: String?
    public var kind: PersonKind
    public var status: PersonStatus
    /// Responders (security, first aid, fire wardens) still pass doors of a zone in lockdown.
    public var responder: Bool
    /// An opaque hash of the person's door PIN, verified by the injected ``PINVerifier``; nil when none is set.
    public var pinHash: String?

    public init(
        id: String, displayName: String, departmentId: String? = nil, kind: PersonKind = .staff,
        status: PersonStatus = .active, responder: Bool = false, pinHash: String? = nil
    ) {
        self.id = id
        self.displayName = displayName
        self.departmentId = departmentId
        self.kind = kind
        self.status = status
        self.responder = responder
        self.pinHash = pinHash
    }
}

/// What relation a person has to the office.
public enum PersonKind: String, Sendable, Hashable, CaseIterable, Codable {
    case staff
    case visitor
    case contractor
}

/// Whether a person may use their credentials at all.
public enum PersonStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case active
    case inactive
}

/// A department of the office; departments nest through `parentId`.
///
/// Access levels assigned to a department apply to the people of that department and of every department below it.
public struct Department: Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String
    public var parentId: String?

    public init(id: String, name: String, parentId: String? = nil) {
        self.id = id
        self.name = name
        self.parentId = parentId
    }
}
