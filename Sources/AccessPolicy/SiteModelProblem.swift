/// One thing wrong with a ``SiteModel``, located by collection, position and field so that the site-file parser,
/// the store and the API can point at its source.
public struct SiteModelProblem: Sendable, Hashable, CustomStringConvertible {
    /// The collection of the entity at fault.
    public var collection: SiteCollection
    /// The position of the entity in its collection.
    public var index: Int
    /// The entity's id (possibly the duplicated one).
    public var id: String
    /// The field at fault as an API field path (`toZoneId`, `doorIds[2]`, `intervals[1]`); nil for the entity.
    public var field: String?
    /// What is wrong, in English.
    public var message: String

    public init(collection: SiteCollection, index: Int, id: String, field: String?, message: String) {
        self.collection = collection
        self.index = index
        self.id = id
        self.field = field
        self.message = message
    }

    /// `doors[3] "lobby-1" toZoneId: unknown zone "lobyy"`.
    public var description: String {
        collection.rawValue + "[\(index)] \"\(id)\"" + (field.map { " " + $0 } ?? "") + ": " + message
    }
}

/// The collections of a ``SiteModel``, named as in the site file and the API paths.
public enum SiteCollection: String, Sendable, Hashable, CaseIterable {
    case departments
    case people
    case credentials
    case zones
    case doors
    case schedules
    case holidays
    case accessLevels
}

/// A ``SiteModel`` that cannot be compiled: every problem found, in model order.
public struct SiteValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var problems: [SiteModelProblem]

    public init(problems: [SiteModelProblem]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
