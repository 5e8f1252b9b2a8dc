import AccessPolicy

/// Why an administrative change was not made; nothing was written.
public enum AdminEditError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No entity has the id.
    case notFound(SiteCollection, id: String)
    /// A created entity's id is taken.
    case alreadyExists(SiteCollection, id: String)
    /// The entity changed since the version the update was made from.
    case changedConcurrently(SiteCollection, id: String)
    /// The model after the change would not be valid: every problem, each naming its record.
    case invalid([SiteModelProblem])
    /// A deleted entity is still referred to: by the records named.
    case stillReferenced(SiteCollection, id: String, by: [String])
    /// The store failed or refused the write.
    case store(AccessStoreError)

    public var description: String {
        switch self {
        case .notFound(let collection, let id):
            "no \(AdminEntity.noun(of: collection, spaced: true)) '\(id)'"
        case .alreadyExists(let collection, let id):
            "\(AdminEntity.noun(of: collection, spaced: true)) '\(id)' already exists"
        case .changedConcurrently(let collection, let id):
            "\(AdminEntity.noun(of: collection, spaced: true)) '\(id)' was changed by "
                + "someone else meanwhile; read it again and retry"
        case .invalid(let problems):
            problems.map(\.description).joined(separator: "; ")
        case .stillReferenced(let collection, let id, let references):
            "\(AdminEntity.noun(of: collection, spaced: true)) '\(id)' is still "
                + "referenced: " + references.joined(separator: "; ")
        case .store(let error):
            error.description
        }
    }
}
