import AccessPolicy

/// Why an apply changed nothing: the problems of the resulting model, or the record the database refused.
///
/// Every problem names its collection, position and id (and the field, when known), so the caller can point
/// at the offending record; `storeError` is the database's own error when it refused a write.
public struct SiteApplyError: Error, Sendable, CustomStringConvertible {
    public var problems: [SiteModelProblem]
    public var storeError: AccessStoreError?

    public init(problems: [SiteModelProblem], storeError: AccessStoreError? = nil) {
        self.problems = problems
        self.storeError = storeError
    }

    /// One line per problem; the store error alone when no record is known.
    public var description: String {
        if problems.isEmpty { return storeError.map(\.description) ?? "the site could not be applied" }
        return problems.map(\.description).joined(separator: "\n")
    }
}
