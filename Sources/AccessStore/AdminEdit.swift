import AccessPolicy

/// One administrative change of the policy model: create, update or delete one entity, with what the journal
/// should say about it.
public struct AdminEdit: Sendable, Hashable {
    /// What to do.
    public enum Action: Sendable, Hashable {
        /// Adds an entity whose id is not taken.
        case create(AdminEntity)
        /// Replaces an entity that must still be exactly `previous` (the version the change was made from), so
        /// that two administrators editing at once do not silently undo each other.
        case update(AdminEntity, previous: AdminEntity)
        /// Removes an entity that nothing refers to any more.
        case delete(SiteCollection, id: String)
    }

    public var action: Action
    /// The event's reason code; nil: `<noun>_created`, `<noun>_updated` or `<noun>_deleted`.
    public var reason: String?
    /// The API fields the change sets, recorded in the event's details.
    public var fields: [String]
    /// Further facts for the event's details (a card's old and new status, the reason given).
    public var notes: [String: String]

    public init(_ action: Action, reason: String? = nil, fields: [String] = [], notes: [String: String] = [:]) {
        self.action = action
        self.reason = reason
        self.fields = fields
        self.notes = notes
    }

    /// The collection and id the edit is about.
    public var target: (collection: SiteCollection, id: String) {
        switch action {
        case .create(let entity), .update(let entity, _): (entity.collection, entity.id)
        case .delete(let collection, let id): (collection, id)
        }
    }

    /// `created`, `updated` or `deleted`.
    var verb: String {
        switch action {
        case .create: "created"
        case .update: "updated"
        case .delete: "deleted"
        }
    }
}
