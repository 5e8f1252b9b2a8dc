import AccessPolicy

/// What an edit changed: the entity as now stored (nil after a delete), its journal event, and the change as the
/// policy model sees it (to tell when the policy in force has taken it up).
public struct AdminEditResult: Sendable {
    public var entity: AdminEntity?
    public var event: JournalEvent
    public var change: AdminModelChange
}
