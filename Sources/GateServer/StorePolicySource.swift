import AccessStore
import Synchronization

/// The policy of the store's own model, rebuilt by a ``PolicySnapshotProvider`` whenever the model changes.
///
/// Each version is compiled as soon as the provider publishes it, and the previous one is dropped then: a compiled
/// policy holds its snapshot, and at a large site a snapshot is well over 100 MB, so keeping the previous one until
/// the next tap would hold two through every quiet hour after a change. The first tap after a change then does not
/// wait for the compilation either.
public final class StorePolicySource: PolicySource {
    public let provider: PolicySnapshotProvider
    private let latest = LatestPolicy()
    private let follower: Task<Void, Never>

    public init(provider: PolicySnapshotProvider) {
        self.provider = provider
        let latest = self.latest
        let updates = provider.updates()
        follower = Task {
            for await update in updates {
                guard case .rebuilt(let snapshot, let version) = update else { continue }
                latest.offer(CompiledPolicy(snapshot: snapshot, previous: latest.kept), version: version)
                // The previous policy's memory is free now; give it back to the system.
                FreedMemory.release()
            }
        }
    }

    deinit { follower.cancel() }

    public func currentPolicy() -> CompiledPolicy? {
        let (snapshot, version) = provider.currentWithVersion
        return latest.policy(version: version) { previous in CompiledPolicy(snapshot: snapshot, previous: previous) }
    }
}

/// The compiled policy of the newest version seen, and only that one.
private final class LatestPolicy: Sendable {
    private let state = Mutex<(version: Int, policy: CompiledPolicy)?>(nil)

    /// The policy kept now, if any.
    var kept: CompiledPolicy? { state.withLock { $0?.policy } }

    /// Keeps `policy` unless a newer version is already kept.
    func offer(_ policy: CompiledPolicy, version: Int) {
        // The replaced policy is released after the lock is let go.
        let replaced = state.withLock { state -> CompiledPolicy? in
            if let kept = state, kept.version >= version { return nil }
            defer { state = (version, policy) }
            return state?.policy
        }
        _ = replaced
    }

    /// The kept policy if it is of `version` or newer; otherwise the one `compile` makes (given the kept one, whose
    /// look-ups it may share), which is then kept. Taps arriving together wait for one compilation instead of each
    /// making their own.
    func policy(version: Int, compile: (CompiledPolicy?) -> CompiledPolicy) -> CompiledPolicy {
        state.withLock { state in
            if let kept = state, kept.version >= version { return kept.policy }
            let policy = compile(state?.policy)
            state = (version, policy)
            return policy
        }
    }
}
