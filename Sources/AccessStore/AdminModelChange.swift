import AccessPolicy

/// An administrative change as the policy model sees it: an entity that must be in the model exactly as written,
/// or an id that must be gone from its collection.
public struct AdminModelChange: Sendable, Hashable {
    public var collection: SiteCollection
    public var id: String
    /// A model holding only the written entity; nil when the entity was removed.
    var written: SiteModel?

    /// Whether `model` shows this change: the entity as written, or no entity with the removed id.
    public func isReflected(in model: SiteModel) -> Bool {
        func check<Element: Identifiable & Equatable>(_ all: [Element], _ mine: [Element]) -> Bool
        where Element.ID == String {
            let current = all.first { $0.id == id }
            return current == mine.first
        }
        let mine = written ?? SiteModel()
        switch collection {
        case .departments: return check(model.departments, mine.departments)
        case .people: return check(model.people, mine.people)
        case .credentials: return check(model.credentials, mine.credentials)
        case .zones: return check(model.zones, mine.zones)
        case .doors: return check(model.doors, mine.doors)
        case .schedules: return check(model.schedules, mine.schedules)
        case .holidays: return check(model.holidays, mine.holidays)
        case .accessLevels: return check(model.accessLevels, mine.accessLevels)
        }
    }

    /// Applies the change to `model`: the written entity replaces the one with its id (or is appended), or the
    /// removed id's entity is taken out.
    func apply(to model: inout SiteModel) {
        func place<Element: Identifiable>(_ mine: [Element], in all: inout [Element]) where Element.ID == String {
            let index = all.firstIndex { $0.id == id }
            if let element = mine.first {
                if let index { all[index] = element } else { all.append(element) }
            } else if let index {
                all.remove(at: index)
            }
        }
        let mine = written ?? SiteModel()
        switch collection {
        case .departments: place(mine.departments, in: &model.departments)
        case .people: place(mine.people, in: &model.people)
        case .credentials: place(mine.credentials, in: &model.credentials)
        case .zones: place(mine.zones, in: &model.zones)
        case .doors: place(mine.doors, in: &model.doors)
        case .schedules: place(mine.schedules, in: &model.schedules)
        case .holidays: place(mine.holidays, in: &model.holidays)
        case .accessLevels: place(mine.accessLevels, in: &model.accessLevels)
        }
    }
}
