import AccessStore
import Synchronization

/// The policy of the store's own model, rebuilt by a ``PolicySnapshotProvider`` whenever the model changes.
public final class StorePolicySource: PolicySource {
    public let provider: PolicySnapshotProvider
    /// The compiled policy of the provider's latest version, made once per version.
    private let cache = Mutex<(version: Int, policy: CompiledPolicy)?>(nil)

    public init(provider: PolicySnapshotProvider) {
        self.provider = provider
    }

    public func currentPolicy() -> CompiledPolicy? {
        let (snapshot, version) = provider.currentWithVersion
        return cache.withLock { cache in
            if let cached = cache, cached.version == version { return cached.policy }
            let policy = CompiledPolicy(snapshot: snapshot)
            cache = (version, policy)
            return policy
        }
    }
}
