import GRDB

/// Tells a listener after every committed transaction that changed a policy model table
/// (`StoreSchema.modelTables`), so the owner can rebuild its policy snapshot. Journal appends do not
/// trigger it. The observation lasts until `cancel()` or until the value is released.
public final class ModelChangeObservation: Sendable {
    private let cancellable: AnyDatabaseCancellable

    /// Starts observing `store`; `onChange` runs on the database writer's queue, so it should only
    /// schedule work, and `onError` is called if the observation fails.
    public init(
        store: AccessStore, onError: @escaping @Sendable (AccessStoreError) -> Void = { _ in },
        onChange: @escaping @Sendable () -> Void
    ) {
        let tables = StoreSchema.modelTables.map { Table($0) }
        cancellable = DatabaseRegionObservation(tracking: tables).start(
            in: store.writer, onError: { onError(AccessStoreError($0)) }, onChange: { _ in onChange() })
    }

    public func cancel() {
        cancellable.cancel()
    }
}
