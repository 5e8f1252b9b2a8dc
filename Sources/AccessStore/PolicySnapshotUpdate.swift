import AccessPolicy

/// What a ``PolicySnapshotProvider`` tells its subscribers after a rebuild.
public enum PolicySnapshotUpdate: Sendable {
    /// The model changed and compiled: this snapshot is now current.
    case rebuilt(PolicySnapshot, version: Int)
    /// The model changed but could not be read or compiled: the snapshot of `keptVersion` stays current.
    case failed(PolicySnapshotError, keptVersion: Int)
}
