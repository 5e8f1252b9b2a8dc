import AccessPolicy
import Synchronization

/// Holds the current compiled ``AccessPolicy/PolicySnapshot`` of a store and rebuilds it whenever the model
/// tables change (through ``ModelChangeObservation``), telling subscribers each time.
///
/// Fail safe: a rebuild that cannot read or compile the model keeps the previous snapshot and reports the error
/// (``lastError``, a `.failed` update); the provider never holds an empty or partial snapshot. Readers take
/// ``current`` under a lock held only to copy the value, never while a rebuild runs. Rebuilds run one at a time
/// on one task and coalesce: changes committed while a rebuild runs cause one more rebuild.
public final class PolicySnapshotProvider: Sendable {
    private let core: Core
    private let observation: ModelChangeObservation
    private let triggers: AsyncStream<Void>.Continuation
    private let worker: Task<Void, Never>

    /// Builds the first snapshot and starts following the store.
    ///
    /// - Throws: why the first snapshot could not be built; there is no earlier one to keep.
    public init(store: AccessStore, pinVerifier: any PINVerifier = PINHasher()) async throws(PolicySnapshotError) {
        let (stream, triggers) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        // Observe before the first read, so that no change between the two is missed.
        let errors = ErrorRelay()
        let changes = ChangeCounter()
        let observation = ModelChangeObservation(
            store: store, onError: { error in errors.report(error) },
            onForeignChange: {
                changes.foreign.store(true, ordering: .sequentiallyConsistent)
                changes.value.add(1, ordering: .sequentiallyConsistent)
                triggers.yield()
            },
            onChange: {
                changes.value.add(1, ordering: .sequentiallyConsistent)
                triggers.yield()
            })
        let first = try await store.policySnapshot(pinVerifier: pinVerifier, previous: nil)
        // Counted as having read no change: one observed before the first read rebuilds once more.
        let core = Core(store: store, pinVerifier: pinVerifier, snapshot: first, changes: changes)
        errors.attach(core)
        self.core = core
        self.observation = observation
        self.triggers = triggers
        self.worker = Task {
            for await _ in stream { await core.rebuild() }
        }
    }

    deinit {
        observation.cancel()
        triggers.finish()
        core.finishSubscribers()
    }

    /// The current snapshot.
    public var current: PolicySnapshot { core.state.withLock { $0.snapshot } }

    /// The number of the current snapshot: 1 for the first, one more for every successful rebuild.
    public var version: Int { core.state.withLock { $0.version } }

    /// The error of the latest rebuild if it failed; nil once a rebuild succeeds.
    public var lastError: PolicySnapshotError? { core.state.withLock { $0.lastError } }

    /// The current snapshot and its version, read together.
    public var currentWithVersion: (snapshot: PolicySnapshot, version: Int) {
        core.state.withLock { ($0.snapshot, $0.version) }
    }

    /// How many committed model changes the provider has been told of so far. A change made through this store
    /// is counted by the time its write returns; one by another process within the poll interval.
    public var observedChanges: Int { core.changes.value.load(ordering: .sequentiallyConsistent) }

    /// The current snapshot and how many observed changes it was read after: a snapshot whose rebuild began before
    /// a change was committed may lack it even when it happens to look as the change would make it.
    public var currentWithChangesRead: (snapshot: PolicySnapshot, changesRead: Int) {
        core.state.withLock { ($0.snapshot, $0.changesRead) }
    }

    /// Updates from now on. A subscriber that falls behind sees only the newest update.
    public func updates() -> AsyncStream<PolicySnapshotUpdate> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: PolicySnapshotUpdate.self, bufferingPolicy: .bufferingNewest(1))
        let core = core
        let id = core.state.withLock { state in
            state.nextSubscriber += 1
            state.subscribers[state.nextSubscriber] = continuation
            return state.nextSubscriber
        }
        continuation.onTermination = { _ in
            _ = core.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Rebuilds once more even though no change was observed, e.g. after a rebuild failed on a passing store error
    /// (a rebuild is otherwise started only by the next change).
    public func requestRebuild() {
        triggers.yield()
    }

    /// Stops following the store; the current snapshot stays readable.
    public func stop() {
        observation.cancel()
        triggers.finish()
        worker.cancel()
        core.finishSubscribers()
    }
}

extension PolicySnapshotProvider {
    struct State {
        var snapshot: PolicySnapshot
        var version = 1
        /// ``PolicySnapshotProvider/observedChanges`` when the current snapshot's read began.
        var changesRead = 0
        var lastError: PolicySnapshotError?
        var subscribers: [Int: AsyncStream<PolicySnapshotUpdate>.Continuation] = [:]
        var nextSubscriber = 0
    }

    /// The state shared by the provider, its rebuild task and the observation's error callback.
    final class Core: Sendable {
        let state: Mutex<State>
        let store: AccessStore
        let pinVerifier: any PINVerifier
        let changes: ChangeCounter

        init(store: AccessStore, pinVerifier: any PINVerifier, snapshot: PolicySnapshot, changes: ChangeCounter) {
            self.store = store
            self.pinVerifier = pinVerifier
            self.changes = changes
            self.state = Mutex(State(snapshot: snapshot))
        }

        /// Reads and compiles what changed in the model (the whole model after another process's commit, which
        /// may have written without the triggers that mark changed tables); publishes the new snapshot or keeps
        /// the old one and reports why.
        func rebuild() async {
            let changesBefore = changes.value.load(ordering: .sequentiallyConsistent)
            let foreign = changes.foreign.exchange(false, ordering: .sequentiallyConsistent)
            do {
                let previous = state.withLock { $0.snapshot }
                let snapshot = try await store.policySnapshot(
                    pinVerifier: pinVerifier, previous: previous, readingWholeModel: foreign)
                publish { state in
                    state.snapshot = snapshot
                    state.changesRead = changesBefore
                    state.version += 1
                    state.lastError = nil
                    return .rebuilt(snapshot, version: state.version)
                }
            } catch {
                // The next rebuild must read the whole model again, since this one may not have got as far.
                if foreign { changes.foreign.store(true, ordering: .sequentiallyConsistent) }
                fail(error)
            }
        }

        func fail(_ error: PolicySnapshotError) {
            publish { state in
                state.lastError = error
                return .failed(error, keptVersion: state.version)
            }
        }

        /// Changes the state under the lock and tells the subscribers outside it.
        private func publish(_ change: (inout State) -> PolicySnapshotUpdate) {
            let (update, subscribers) = state.withLock { state in
                (change(&state), Array(state.subscribers.values))
            }
            for subscriber in subscribers { subscriber.yield(update) }
        }

        func finishSubscribers() {
            let subscribers = state.withLock { state in
                defer { state.subscribers = [:] }
                return Array(state.subscribers.values)
            }
            for subscriber in subscribers { subscriber.finish() }
        }
    }

    /// Model changes observed, counted by the observation and read by rebuilds and waiters.
    final class ChangeCounter: Sendable {
        let value = Atomic<Int>(0)
        /// Another process committed since the last rebuild began.
        let foreign = Atomic<Bool>(false)
    }

    /// Passes observation errors to the core once it exists (the observation starts before the first snapshot).
    final class ErrorRelay: Sendable {
        private let core = Mutex<Core?>(nil)

        func attach(_ core: Core) { self.core.withLock { $0 = core } }

        func report(_ error: AccessStoreError) {
            core.withLock { $0 }?.fail(.store(error))
        }
    }
}
