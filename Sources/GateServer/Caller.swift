import AccessStore

/// The holder of a valid bearer token, as the routes see it.
public struct Caller: Sendable, Hashable {
    /// The token's id (never its secret): the `actor` of the events it causes.
    public var tokenId: String
    public var role: TokenRole
    /// For a controller, the doors it may act for; empty for other roles.
    public var doorIds: Set<String>

    public init(tokenId: String, role: TokenRole, doorIds: Set<String> = []) {
        self.tokenId = tokenId
        self.role = role
        self.doorIds = doorIds
    }

    /// Whether the caller may act as a gate controller for `doorId`.
    public func controls(_ doorId: String) -> Bool { role == .controller && doorIds.contains(doorId) }
}

/// Which roles an endpoint admits.
enum RoleSet {
    /// Security staff, auditors and administrators: reading the journal and occupancy.
    static let readers: Set<TokenRole> = [.security, .auditor, .admin]
    /// Security staff and administrators: changing the site's state (lockdown).
    static let operators: Set<TokenRole> = [.security, .admin]
    /// Administrators only.
    static let administrators: Set<TokenRole> = [.admin]
}
