import GRDB

/// Tells a listener after every committed transaction that changed a policy model table
/// (`StoreSchema.modelTables`), so the owner can rebuild its policy snapshot. Journal appends made through this
/// store do not trigger it. The observation lasts until `cancel()` or until the value is released.
///
/// Another process that writes to the same database file (`cardgate site apply --db` beside a running daemon, or
/// an administrator's `sqlite3`) is not seen table by table: SQLite only tells a connection that *some* other
/// connection committed (`PRAGMA data_version`). With a `foreignPollInterval`, the observation asks the store's
/// writer connection for it that often and reports any change as a model change. A rebuild for a foreign journal
/// write costs time, while a missed foreign model change would leave, say, a revoked card opening doors.
public final class ModelChangeObservation: Sendable {
    private let cancellable: AnyDatabaseCancellable
    private let foreignPoller: Task<Void, Never>?

    /// Starts observing `store`; `onChange` runs on the database writer's queue or the poller's task, so it should
    /// only schedule work, and `onError` is called if the observation of this store's commits fails. A commit of
    /// another connection calls `onForeignChange` instead when there is one (its tables are not known).
    ///
    /// A poll that fails (the writer cannot be used, which also fails every journal append and so every tap) is
    /// not reported: the next poll that succeeds compares with the last value read and catches up.
    /// - Parameter foreignPollInterval: how often to look for commits of other connections; nil for never.
    public init(
        store: AccessStore, foreignPollInterval: Duration? = .seconds(1),
        onError: @escaping @Sendable (AccessStoreError) -> Void = { _ in },
        onForeignChange: (@Sendable () -> Void)? = nil,
        onChange: @escaping @Sendable () -> Void
    ) {
        let tables = StoreSchema.modelTables.map { Table($0) }
        cancellable = DatabaseRegionObservation(tracking: tables).start(
            in: store.writer, onError: { onError(AccessStoreError($0)) }, onChange: { _ in onChange() })
        guard let interval = foreignPollInterval else {
            foreignPoller = nil
            return
        }
        precondition(interval > .zero, "the foreign poll interval must be positive")
        // The first value is read now, before the owner reads the model, so that a foreign commit in between is
        // seen by the first poll.
        let writer = store.writer
        let baseline = try? writer.unsafeReentrantWrite(Self.dataVersion)
        foreignPoller = Task {
            var seen = baseline
            while true {
                do {
                    try await Task.sleep(for: interval)
                    let version = try await writer.writeWithoutTransaction(Self.dataVersion)
                    if version != seen { (onForeignChange ?? onChange)() }
                    seen = version
                } catch is CancellationError {
                    return
                } catch {
                    continue
                }
            }
        }
    }

    deinit {
        foreignPoller?.cancel()
    }

    public func cancel() {
        cancellable.cancel()
        foreignPoller?.cancel()
    }

    /// A number that changes when another connection has committed (asked on the writer, whose own commits do not
    /// change it).
    @Sendable private static func dataVersion(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0
    }
}
