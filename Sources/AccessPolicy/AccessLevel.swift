/// A set of doors open on a schedule, assigned to people and departments.
///
/// Maps to the API's AccessLevel `{id, name, doorIds, scheduleId, personIds?, departmentIds?, validFrom?,
/// validUntil?}`; here each assignment may also carry its own validity window (an API assignment through
/// `personIds`/`departmentIds` has none). Levels combine as a union: a person passes if any level they hold, valid
/// now, includes the door and its schedule is open now.
public struct AccessLevel: Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String
    public var doorIds: [String]
    public var scheduleId: String
    public var assignments: [LevelAssignment]
    /// When the level as a whole is in force.
    public var validity: ValidityWindow

    public init(
        id: String, name: String, doorIds: [String], scheduleId: String, assignments: [LevelAssignment] = [],
        validity: ValidityWindow = .always
    ) {
        self.id = id
        self.name = name
        self.doorIds = doorIds
        self.scheduleId = scheduleId
        self.assignments = assignments
        self.validity = validity
    }

    /// The people the level is assigned to directly.
    public var personIds: [String] {
        assignments.compactMap { if case .person(let id) = $0.holder { id } else { nil } }
    }

    /// The departments the level is assigned to.
    public var departmentIds: [String] {
        assignments.compactMap { if case .department(let id) = $0.holder { id } else { nil } }
    }
}

/// The assignment of an access level to one person or one department (and the departments below it).
public struct LevelAssignment: Sendable, Hashable {
    public var holder: Holder
    public var validity: ValidityWindow

    public init(_ holder: Holder, validity: ValidityWindow = .always) {
        self.holder = holder
        self.validity = validity
    }

    /// Who holds the level.
    public enum Holder: Sendable, Hashable {
        case person(String)
        case department(String)
    }
}
