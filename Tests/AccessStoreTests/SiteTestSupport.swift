import AccessPolicy
import AccessStore
import GRDB
import Foundation
import SiteFile

/// The example site of `Config/`, as files and as a model.
enum ExampleSite {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func source(_ name: String) throws -> SiteFile.Source {
        let path = root.appendingPathComponent("Config/" + name).path
        return SiteFile.Source(name: path, text: try String(contentsOfFile: path, encoding: .utf8))
    }

    /// The site and people files loaded together.
    static func model() throws -> SiteModel {
        try SiteFile.load([try source("site.example.yaml"), try source("people.example.yaml")])
    }

    /// A migrated in-memory store with the example site applied.
    static func store(actor: String = "test") async throws -> AccessStore {
        let store = try AccessStore.inMemory()
        _ = try await store.apply(try model(), scope: .all, actor: actor, journal: JournalWriter(key: nil))
        return store
    }

    /// `"2025-03-03 09:00"` in site time (UTC+7).
    static func time(_ text: String) -> Date {
        let parts = text.split(separator: " ")
        guard parts.count == 2, let date = LocalDate(String(parts[0])), let clock = TimeOfDay(String(parts[1])) else {
            preconditionFailure("test time \(text)")
        }
        return SiteTimeZone.vietnam.instant(of: date, at: clock)
    }

    /// The model with every collection (and every level's doors and holders) in id order, for comparisons.
    static func normalized(_ model: SiteModel) -> SiteModel {
        var model = model
        model.departments.sort { $0.id < $1.id }
        model.people.sort { $0.id < $1.id }
        model.credentials.sort { $0.id < $1.id }
        model.zones.sort { $0.id < $1.id }
        model.doors.sort { $0.id < $1.id }
        model.schedules.sort { $0.id < $1.id }
        model.holidays.sort { $0.id < $1.id }
        model.accessLevels.sort { $0.id < $1.id }
        for index in model.accessLevels.indices {
            model.accessLevels[index].doorIds.sort()
            model.accessLevels[index].assignments.sort { "\($0.holder)" < "\($1.holder)" }
        }
        return model
    }

    /// The number of journal events.
    static func journalCount(_ store: AccessStore) throws -> Int {
        try store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM journal_event") ?? 0 }
    }
}
