import AccessPolicy

/// Why no policy snapshot could be built from the store.
public enum PolicySnapshotError: Error, Sendable, CustomStringConvertible {
    /// The model could not be read.
    case store(AccessStoreError)
    /// The stored model does not compile: every problem found.
    case invalidModel(SiteValidationError)

    public var description: String {
        switch self {
        case .store(let error): "the policy model could not be read: \(error)"
        case .invalidModel(let error): "the stored policy model is invalid:\n\(error)"
        }
    }
}
