import GRDB
import Synchronization

/// Tells whether the policy model changed between two moments: a count of committed model changes made through
/// this process's connection, and SQLite's `data_version`, which moves when another connection (another process)
/// commits.
///
/// ``AdminEditor`` reads the model outside the write transaction, so that card taps are not held up while a large
/// model is read and validated, and writes only if the revision is still the one it read at.
final class AdminModelRevision: Sendable {
    /// A revision: equal values mean no model change was committed in between.
    struct Mark: Sendable, Hashable {
        var localChanges: Int
        var dataVersion: Int64
    }

    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    private let counter: Counter
    private let observation: ModelChangeObservation

    init(store: AccessStore) {
        let counter = Counter()
        self.counter = counter
        // A failed observation counts as a change, so that no edit trusts a model read across it.
        // No foreign poll: `mark` reads `data_version` itself.
        observation = ModelChangeObservation(
            store: store, foreignPollInterval: nil, onError: { _ in counter.value.add(1, ordering: .sequentiallyConsistent) },
            onChange: { counter.value.add(1, ordering: .sequentiallyConsistent) })
    }

    deinit { observation.cancel() }

    /// The revision now, read on the writer connection (inside a write or from the writer's queue).
    func mark(_ db: Database) throws -> Mark {
        let version = try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0
        return Mark(localChanges: counter.value.load(ordering: .sequentiallyConsistent), dataVersion: version)
    }
}
