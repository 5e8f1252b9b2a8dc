import AccessPolicy
import Foundation
import GRDB

/// Applies a ``AccessPolicy/SiteModel`` to the store: the collections of its scope become exactly the model's
/// (rows added, changed or removed), in one savepoint, with one administrative journal event.
///
/// All or nothing: the resulting model (the scope's collections from `model`, the rest as stored) is validated
/// first, and any problem or database refusal rolls the savepoint back and throws a ``SiteApplyError`` naming
/// the record. Only changed rows are written, so an apply of an unchanged file changes no model row (and wakes no
/// ``ModelChangeObservation``); the journal event is written either way.
///
/// A person's PIN hash is kept when the applied person has none (people files rarely carry PINs), and columns
/// the model does not hold are kept: a person's external ids, a card's certificate and GUID (while its
/// fingerprint is unchanged) and its status reason (while its status is unchanged).
public struct SiteApplier: Sendable {
    public var scope: SiteApplyScope
    /// Who applies the site (a token id or a user name), recorded as the event's `actor`.
    public var actor: String
    public var journal: JournalWriter

    public init(scope: SiteApplyScope, actor: String, journal: JournalWriter) {
        self.scope = scope
        self.actor = actor
        self.journal = journal
    }

    /// Applies `model` inside the caller's transaction (in a savepoint, so a failure leaves the transaction as
    /// it was).
    public func apply(_ model: SiteModel, in db: Database) throws(SiteApplyError) -> SiteApplyReport {
        do {
            var report: SiteApplyReport?
            try db.inSavepoint {
                report = try applyInSavepoint(model, in: db)
                return .commit
            }
            guard let report else { throw SiteApplyError(problems: [], storeError: nil) }
            return report
        } catch let error as SiteApplyError {
            throw error
        } catch {
            throw SiteApplyError(problems: [], storeError: AccessStoreError(error))
        }
    }

    /// The stored model with the scope's collections taken from `model`.
    func merged(_ model: SiteModel, into current: SiteModel) -> SiteModel {
        var merged = current
        let covered = scope.collections
        if scope.timeZone { merged.timeZone = model.timeZone }
        if covered.contains(.departments) { merged.departments = model.departments }
        if covered.contains(.people) {
            let pins = Dictionary(current.people.map { ($0.id, $0.pinHash) }, uniquingKeysWith: { first, _ in first })
            merged.people = model.people.map { person in
                var person = person
                if person.pinHash == nil { person.pinHash = pins[person.id] ?? nil }
                return person
            }
        }
        if covered.contains(.credentials) { merged.credentials = model.credentials }
        if covered.contains(.zones) { merged.zones = model.zones }
        if covered.contains(.doors) { merged.doors = model.doors }
        if covered.contains(.schedules) { merged.schedules = model.schedules }
        if covered.contains(.holidays) { merged.holidays = model.holidays }
        if covered.contains(.accessLevels) { merged.accessLevels = model.accessLevels }
        return merged
    }

    private func applyInSavepoint(_ model: SiteModel, in db: Database) throws -> SiteApplyReport {
        let old = try SiteModelRows.fetch(db)
        let current = try old.model()
        let merged = merged(model, into: current)
        let problems = merged.validate()
        guard problems.isEmpty else { throw SiteApplyError(problems: problems) }
        let desired = carryingStoredColumns(try SiteModelRows(model: merged), from: old)

        // References are checked once everything is written (RESTRICT deletes still fail at once, hence the
        // order of removals below).
        try db.execute(sql: "PRAGMA defer_foreign_keys = ON")
        let sync = TableSync(db: db, merged: merged, current: current)
        let departments = try sync.upsert(old.departments, desired.departments, .departments)
        let zones = try sync.upsert(old.zones, desired.zones, .zones)
        let people = try sync.upsert(old.people, desired.people, .people)
        let cards = try sync.upsert(old.cards, desired.cards, .credentials)
        let doors = try sync.upsert(old.doors, desired.doors, .doors)
        var schedules = try sync.upsert(old.schedules, desired.schedules, .schedules)
        try sync.children(
            old.intervals, desired.intervals, parents: desired.schedules.map(\.id), .schedules,
            change: &schedules, delete: ["DELETE FROM schedule_interval WHERE schedule_id = ?"]
        ) { try $0.insert(db) }
        let holidays = try sync.upsert(old.holidays, desired.holidays, .holidays)
        var levels = try sync.upsert(old.levels, desired.levels, .accessLevels)
        try sync.children(
            old.levelDoors, desired.levelDoors, parents: desired.levels.map(\.id), .accessLevels,
            change: &levels, delete: ["DELETE FROM access_level_door WHERE access_level_id = ?"]
        ) { try $0.insert(db) }
        try sync.children(
            old.assignments, desired.assignments, parents: desired.levels.map(\.id), .accessLevels,
            change: &levels,
            delete: [
                "DELETE FROM access_level_person WHERE access_level_id = ?",
                "DELETE FROM access_level_department WHERE access_level_id = ?",
            ]
        ) { try $0.save(db) }

        try sync.remove(levels.removed, from: "access_level", .accessLevels)
        try sync.remove(cards.removed, from: "card", .credentials)
        try sync.refuseRemovingBoundDoors(doors.removed)
        try sync.remove(doors.removed, from: "door", .doors)
        try sync.remove(people.removed, from: "person", .people)
        try sync.remove(schedules.removed, from: "schedule", .schedules)
        try sync.remove(holidays.removed, from: "holiday", .holidays)
        try sync.remove(zones.removed, from: "zone", .zones, selfReference: "parent_id")
        try sync.remove(departments.removed, from: "department", .departments, selfReference: "parent_id")

        let timeZoneChanged = desired.setting != old.setting
        if timeZoneChanged, let setting = desired.setting { try setting.save(db) }
        try Self.checkReferences(db)

        let changes: [(SiteCollection, TableSync.Change)] = [
            (.departments, departments), (.people, people), (.credentials, cards), (.zones, zones),
            (.doors, doors), (.schedules, schedules), (.holidays, holidays), (.accessLevels, levels),
        ]
        var added: [SiteCollection: Int] = [:]
        var changed: [SiteCollection: Int] = [:]
        var removed: [SiteCollection: Int] = [:]
        for (collection, change) in changes {
            if !change.added.isEmpty { added[collection] = change.added.count }
            if !change.changed.isEmpty { changed[collection] = change.changed.count }
            if !change.removed.isEmpty { removed[collection] = change.removed.count }
        }
        let details = try Self.details(
            scope: scope, added: added, changed: changed, removed: removed,
            timeZone: timeZoneChanged ? merged.timeZone.identifier : nil)
        let events = try journal.append(
            [NewJournalEvent(type: .adminChange, actor: actor, details: details)], in: db)
        guard let event = events.first else {
            throw AccessStoreError(.databaseError, "the journal did not return the site apply event")
        }
        return SiteApplyReport(
            added: added, changed: changed, removed: removed, timeZoneChanged: timeZoneChanged, event: event)
    }

    /// `desired` with the stored columns the model does not hold, copied from `old`.
    private func carryingStoredColumns(_ desired: SiteModelRows, from old: SiteModelRows) -> SiteModelRows {
        var desired = desired
        if !scope.timeZone { desired.setting = old.setting }
        let people = Dictionary(old.people.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for index in desired.people.indices {
            desired.people[index].externalIds = people[desired.people[index].id]?.externalIds
        }
        let cards = Dictionary(old.cards.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for index in desired.cards.indices {
            guard let previous = cards[desired.cards[index].id] else { continue }
            var card = desired.cards[index]
            if previous.type == card.type && previous.fingerprint == card.fingerprint {
                card.certificate = previous.certificate
                if card.pivGuid == nil { card.pivGuid = previous.pivGuid }
            }
            if previous.status == card.status { card.statusReason = previous.statusReason }
            desired.cards[index] = card
        }
        return desired
    }

    /// Refuses the apply if any row refers to a missing row (deferred foreign keys are checked at commit only).
    private static func checkReferences(_ db: Database) throws {
        guard let row = try Row.fetchOne(db, sql: "PRAGMA foreign_key_check") else { return }
        let table: String = row[0]
        let parent: String = row[2]
        throw SiteApplyError(
            problems: [],
            storeError: AccessStoreError(.constraintViolated, "a row of \(table) refers to a missing \(parent)"))
    }

    /// The event's details: the scope and the counts of changes, as a JSON object with sorted keys.
    private static func details(
        scope: SiteApplyScope, added: [SiteCollection: Int], changed: [SiteCollection: Int],
        removed: [SiteCollection: Int], timeZone: String?
    ) throws -> String {
        func object(_ counts: [SiteCollection: Int]) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
        }
        var details: [String: Any] = [
            "action": "site_apply", "scope": scope.collections.map(\.rawValue).sorted(),
            "added": object(added), "changed": object(changed), "removed": object(removed),
        ]
        if let timeZone { details["timeZone"] = timeZone }
        let data = try JSONSerialization.data(withJSONObject: details, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}

/// Writes the difference between stored and desired rows of one table at a time, naming the record the database
/// refuses.
private struct TableSync {
    /// Ids added, changed and removed in one collection.
    struct Change {
        var added: Set<String> = []
        var changed: Set<String> = []
        var removed: [String] = []
    }

    let db: Database
    /// Positions for problems: desired records are found in the merged model, removed ones in the stored model.
    let mergedIndex: [SiteCollection: [String: Int]]
    let currentIndex: [SiteCollection: [String: Int]]

    init(db: Database, merged: SiteModel, current: SiteModel) {
        self.db = db
        mergedIndex = Self.positions(merged)
        currentIndex = Self.positions(current)
    }

    private static func positions(_ model: SiteModel) -> [SiteCollection: [String: Int]] {
        func index(_ ids: [String]) -> [String: Int] {
            Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        }
        return [
            .departments: index(model.departments.map(\.id)), .people: index(model.people.map(\.id)),
            .credentials: index(model.credentials.map(\.id)), .zones: index(model.zones.map(\.id)),
            .doors: index(model.doors.map(\.id)), .schedules: index(model.schedules.map(\.id)),
            .holidays: index(model.holidays.map(\.id)), .accessLevels: index(model.accessLevels.map(\.id)),
        ]
    }

    /// Inserts new records and updates changed ones; returns what changed and the ids to remove.
    func upsert<Record: PersistableRecord & Identifiable & Equatable>(
        _ old: [Record], _ new: [Record], _ collection: SiteCollection
    ) throws -> Change where Record.ID == String {
        let stored = Dictionary(old.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var change = Change()
        for record in new {
            if let previous = stored[record.id] {
                guard previous != record else { continue }
                try named(collection, record.id) { try record.update(db) }
                change.changed.insert(record.id)
            } else {
                try named(collection, record.id) { try record.insert(db) }
                change.added.insert(record.id)
            }
        }
        let kept = Set(new.map(\.id))
        change.removed = old.map(\.id).filter { !kept.contains($0) }
        return change
    }

    /// Replaces the child rows of every parent whose children differ, marking the parent changed.
    func children<Child: Equatable>(
        _ old: [String: [Child]], _ new: [String: [Child]], parents: [String], _ collection: SiteCollection,
        change: inout Change, delete: [String], insert: (Child) throws -> Void
    ) throws {
        for parent in parents {
            let before = old[parent] ?? []
            let after = new[parent] ?? []
            guard before != after else { continue }
            try named(collection, parent) {
                if !before.isEmpty {
                    for sql in delete { try db.execute(sql: sql, arguments: [parent]) }
                }
                for child in after { try insert(child) }
            }
            if !change.added.contains(parent) { change.changed.insert(parent) }
        }
    }

    /// Deletes rows by id; with `selfReference`, first detaches them from each other so that a parent and its
    /// child can go together.
    func remove(_ ids: [String], from table: String, _ collection: SiteCollection, selfReference: String? = nil)
        throws
    {
        if let selfReference {
            for id in ids {
                try named(collection, id, removed: true) {
                    try db.execute(sql: "UPDATE \(table) SET \(selfReference) = NULL WHERE id = ?", arguments: [id])
                }
            }
        }
        for id in ids {
            try named(collection, id, removed: true) {
                try db.execute(sql: "DELETE FROM \(table) WHERE id = ?", arguments: [id])
            }
        }
    }

    /// Refuses to remove doors that controller tokens in use are bound to: removing one would unbind the token
    /// silently (as `DELETE /v1/doors/{id}` refuses too).
    func refuseRemovingBoundDoors(_ ids: [String]) throws {
        var problems: [SiteModelProblem] = []
        for id in ids {
            let tokens = try DoorTokenBindings.activeTokens(boundTo: id, in: db)
            guard !tokens.isEmpty else { continue }
            let names = tokens.map { "'\($0)'" }.joined(separator: ", ")
            problems.append(SiteModelProblem(
                collection: .doors, index: currentIndex[.doors]?[id] ?? 0, id: id, field: nil,
                message: "cannot be removed: controller token \(names) is bound to it (revoke the token first)"))
        }
        if !problems.isEmpty { throw SiteApplyError(problems: problems) }
    }

    private func named(_ collection: SiteCollection, _ id: String, removed: Bool = false, _ body: () throws -> Void)
        throws
    {
        do {
            try body()
        } catch let error as DatabaseError {
            let index = (removed ? currentIndex : mergedIndex)[collection]?[id] ?? 0
            let action = removed ? "cannot be removed: " : ""
            throw SiteApplyError(
                problems: [
                    SiteModelProblem(
                        collection: collection, index: index, id: id, field: nil,
                        message: action + (error.message ?? "\(error.resultCode)"))
                ],
                storeError: AccessStoreError(error))
        }
    }
}
