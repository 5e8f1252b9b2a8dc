extension SiteModel {
    /// How a model differs from another, as far as checking and compiling it again is concerned.
    public enum Difference: Sendable, Hashable {
        /// Equal models.
        case nothing
        /// The credentials alone differ.
        case credentials
        /// The people alone differ, with the same ids in the same order.
        case peopleKeepingIds
        /// Anything else.
        case more
    }

    /// How `changed` differs from this model. Cheap when the two share their unchanged collections (a model read
    /// from the store again, or changed by one administrative edit): arrays holding the same storage compare equal
    /// at once.
    public func difference(to changed: SiteModel) -> Difference {
        var rest = self
        rest.credentials = changed.credentials
        rest.people = changed.people
        guard rest == changed else { return .more }
        switch (people != changed.people, credentials != changed.credentials) {
        case (false, false): return .nothing
        case (false, true): return .credentials
        case (true, false):
            return people.elementsEqual(changed.people) { $0.id == $1.id } ? .peopleKeepingIds : .more
        case (true, true): return .more
        }
    }

    /// The problems of `changed` that this model does not have, compared without their positions (an insertion
    /// moves them). Where the two differ in their credentials alone, or their people alone, only that part is
    /// checked in both: the problems of the rest are the same in both models.
    public func problemsIntroduced(by changed: SiteModel) -> [SiteModelProblem] {
        let problems: (SiteModel) -> [SiteModelProblem]
        switch difference(to: changed) {
        case .nothing: return []
        case .credentials: problems = { $0.validateCredentials() }
        case .peopleKeepingIds: problems = { $0.validatePeopleKeepingIds() }
        case .more: problems = { $0.validate() }
        }
        let after = problems(changed)
        guard !after.isEmpty else { return [] }
        func key(_ problem: SiteModelProblem) -> String {
            "\(problem.collection.rawValue)|\(problem.id)|\(problem.field ?? "")|\(problem.message)"
        }
        let before = Set(problems(self).map(key))
        return after.filter { !before.contains(key($0)) }
    }
}
