import AccessPolicy

/// One parsed file: the entities it declares (possibly a part of a site, such as a people file), where each came
/// from, and the errors found while reading it.
public struct SiteFileDocument: Sendable {
    /// The file name used in diagnostics.
    public var file: String
    /// The entities, with defaults where a field was wrong (see `diagnostics`).
    public var model: SiteModel
    /// Whether the file set the site's time zone.
    public var setsTimeZone: Bool
    /// Errors of syntax, types, unknown fields and values, found while reading.
    public var diagnostics: [SiteFileDiagnostic]
    /// Where each entity of `model` is, per collection, in model order.
    var locations: [SiteCollection: [EntityLocation]]

    init(file: String) {
        self.file = file
        model = SiteModel(timeZone: .vietnam)
        setsTimeZone = false
        diagnostics = []
        locations = [:]
    }

    /// The file and line of a problem found by ``AccessPolicy/SiteModel/validate()`` on this document's model.
    /// Nil when the problem is about a field that could not be read (already reported, and given a default).
    func diagnostic(for problem: SiteModelProblem) -> SiteFileDiagnostic? {
        let location = locations[problem.collection].flatMap {
            problem.index < $0.count ? $0[problem.index] : nil
        }
        var line = location?.line
        if let field = problem.field, let location {
            let base = String(field.prefix { $0 != "[" })
            if !location.failedFields.isDisjoint(with: [field, base, "id"]) { return nil }
            line = location.fieldLines[field] ?? location.fieldLines[base] ?? location.line
        }
        let subject = "\(problem.collection.rawValue) \"\(problem.id)\"" + (problem.field.map { " " + $0 } ?? "")
        return SiteFileDiagnostic(file: location?.file ?? file, line: line, message: subject + ": " + problem.message)
    }

    /// Appends another document's entities and errors after this one's.
    mutating func append(_ other: SiteFileDocument) {
        model.departments += other.model.departments
        model.people += other.model.people
        model.credentials += other.model.credentials
        model.zones += other.model.zones
        model.doors += other.model.doors
        model.schedules += other.model.schedules
        model.holidays += other.model.holidays
        model.accessLevels += other.model.accessLevels
        if other.setsTimeZone {
            if setsTimeZone && other.model.timeZone != model.timeZone {
                diagnostics.append(SiteFileDiagnostic(file: other.file, line: nil,
                    message: "time zone differs from the one set in \(file)"))
            }
            model.timeZone = other.model.timeZone
            setsTimeZone = true
        }
        diagnostics += other.diagnostics
        for (collection, list) in other.locations { locations[collection, default: []] += list }
    }
}

/// Where one entity is: its file, the line of its mapping and the line of each field (and list element, as
/// `doorIds[2]`).
struct EntityLocation: Sendable {
    var file: String
    var line: Int
    var fieldLines: [String: Int]
    var failedFields: Set<String> = []
}
