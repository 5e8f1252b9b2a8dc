import AccessPolicy
import Foundation
import GRDB
import Synchronization

/// Makes one administrative change of the policy model at a time: validated against the whole model, written in
/// one transaction together with one `admin_change` journal event naming the actor, touching only the rows of the
/// entity changed.
///
/// The model is read and validated outside the write transaction, so card taps (whose journal appends share the
/// writer) are not held up by a large model; the write then happens only if no model change was committed in
/// between (``AdminModelRevision``), and otherwise the edit starts again. Edits of one editor take turns
/// (``AdminTurns``). The model comes from ``AccessStore/currentSiteModel()``, which the policy rebuild reads too:
/// an edit reads from the database only the parts changed since either of them last read, and the daemon holds
/// one copy of the model, not one for the policy and one for the editor.
public final class AdminEditor: Sendable {
    public let store: AccessStore
    public let journal: JournalWriter
    private let revision: AdminModelRevision
    private let turns = AdminTurns()
    /// How many times an edit is tried when other changes keep arriving between its read and its write.
    static let attempts = 4

    public init(store: AccessStore, journal: JournalWriter) {
        self.store = store
        self.journal = journal
        self.revision = AdminModelRevision(store: store)
    }

    /// Makes `edit` on behalf of `actor` (a token id), or throws why nothing was changed.
    public func apply(_ edit: AdminEdit, actor: String) async throws(AdminEditError) -> AdminEditResult {
        await turns.begin()
        defer { turns.finish() }
        for _ in 0..<Self.attempts {
            let (mark, model) = try await currentModel()
            let change = try Self.check(edit, against: model)
            let outcome: AdminWriteOutcome
            do {
                let revision = self.revision
                let journal = self.journal
                outcome = try await store.writer.writeWithoutTransaction { db -> AdminWriteOutcome in
                    var outcome = AdminWriteOutcome.stale
                    try db.inTransaction {
                        guard try revision.mark(db) == mark else { return .rollback }
                        outcome = try Self.write(edit, actor: actor, journal: journal, in: db)
                        return outcome.isWritten ? .commit : .rollback
                    }
                    return outcome
                }
            } catch {
                throw .store(AccessStoreError(error))
            }
            switch outcome {
            case .stale:
                continue
            case .refused(let error):
                throw error
            case .written(let entity, let event):
                return AdminEditResult(entity: entity, event: event, change: change)
            }
        }
        throw .store(AccessStoreError(.busy, "the policy model kept changing during the edit; retry"))
    }

    /// The revision now and the model at that revision or later (a later one makes the write find the revision
    /// moved, and the edit start again).
    private func currentModel() async throws(AdminEditError) -> (AdminModelRevision.Mark, SiteModel) {
        let mark: AdminModelRevision.Mark
        do {
            let revision = self.revision
            mark = try await store.writer.writeWithoutTransaction { db in try revision.mark(db) }
        } catch {
            throw .store(AccessStoreError(error))
        }
        do {
            return (mark, try await store.currentSiteModel().model)
        } catch {
            throw .store(error)
        }
    }

    /// Checks the edit against `model`: the id is taken or known as the action needs, and the model after the
    /// change has no problem it did not have before. Returns the change.
    static func check(_ edit: AdminEdit, against model: SiteModel) throws(AdminEditError) -> AdminModelChange {
        let (collection, id) = edit.target
        let change: AdminModelChange
        do {
            switch edit.action {
            case .create(let entity), .update(let entity, _): change = try entity.modelChange()
            case .delete: change = AdminModelChange(collection: collection, id: id, written: nil)
            }
        } catch {
            throw .store(error)
        }
        let exists = !AdminModelChange(collection: collection, id: id, written: nil).isReflected(in: model)
        switch edit.action {
        case .create: if exists { throw .alreadyExists(collection, id: id) }
        case .update, .delete: if !exists { throw .notFound(collection, id: id) }
        }
        var next = model
        change.apply(to: &next)
        // Problems the stored model already had are not this edit's doing (and must not block fixing them).
        let introduced = model.problemsIntroduced(by: next)
        guard !introduced.isEmpty else { return change }
        if case .delete = edit.action {
            throw .stillReferenced(collection, id: id, by: introduced.map(\.description))
        }
        throw .invalid(introduced)
    }

    /// Writes the edit's rows and its journal event in the caller's transaction.
    static func write(_ edit: AdminEdit, actor: String, journal: JournalWriter, in db: Database) throws
        -> AdminWriteOutcome
    {
        let (collection, id) = edit.target
        let stored = try AdminEntity.fetch(collection, id: id, in: db)
        switch edit.action {
        case .create(let entity):
            guard stored == nil else { return .refused(.alreadyExists(collection, id: id)) }
            try insert(entity.normalized, in: db)
        case .update(let entity, let previous):
            guard let stored else { return .refused(.notFound(collection, id: id)) }
            guard stored == previous.normalized else { return .refused(.changedConcurrently(collection, id: id)) }
            try update(entity.normalized, stored: stored, in: db)
        case .delete:
            guard let stored else { return .refused(.notFound(collection, id: id)) }
            if case .door = stored {
                let tokens = try DoorTokenBindings.activeTokens(boundTo: id, in: db)
                if !tokens.isEmpty {
                    return .refused(.stillReferenced(collection, id: id,
                        by: tokens.map { "controller token '\($0)' is bound to it (revoke the token first)" }))
                }
            }
            try db.execute(sql: "DELETE FROM \(AdminEntity.table(of: collection)) WHERE id = ?", arguments: [id])
        }
        let written = try AdminEntity.fetch(collection, id: id, in: db)
        let event = try journalEvent(edit, entity: written ?? stored, actor: actor)
        guard let committed = try journal.append([event], in: db).first else {
            throw AccessStoreError(.databaseError, "the journal did not return the event of the change")
        }
        return .written(written, committed)
    }

    private static func insert(_ entity: AdminEntity, in db: Database) throws {
        switch entity {
        case .department(let record): try record.insert(db)
        case .person(let record): try record.insert(db)
        case .card(let record): try record.insert(db)
        case .zone(let record): try record.insert(db)
        case .door(let record): try record.insert(db)
        case .holiday(let record): try record.insert(db)
        case .schedule(let record, let intervals):
            try record.insert(db)
            for interval in intervals { try interval.insert(db) }
        case .accessLevel(let record, let doorIds, let holders):
            try record.insert(db)
            for door in doorIds { try AccessLevelDoorRecord(accessLevelId: record.id, doorId: door).insert(db) }
            for holder in holders { try holder.save(db) }
        }
    }

    /// Updates the entity's row when it changed, and replaces its child rows when they changed.
    private static func update(_ entity: AdminEntity, stored: AdminEntity, in db: Database) throws {
        switch (entity, stored) {
        case (.department(let new), .department(let old)): if new != old { try new.update(db) }
        case (.person(let new), .person(let old)): if new != old { try new.update(db) }
        case (.card(let new), .card(let old)): if new != old { try new.update(db) }
        case (.zone(let new), .zone(let old)): if new != old { try new.update(db) }
        case (.door(let new), .door(let old)): if new != old { try new.update(db) }
        case (.holiday(let new), .holiday(let old)): if new != old { try new.update(db) }
        case (.schedule(let new, let intervals), .schedule(let old, let oldIntervals)):
            if new != old { try new.update(db) }
            if intervals != oldIntervals {
                try db.execute(sql: "DELETE FROM schedule_interval WHERE schedule_id = ?", arguments: [new.id])
                for interval in intervals { try interval.insert(db) }
            }
        case (.accessLevel(let new, let doorIds, let holders), .accessLevel(let old, let oldDoorIds, let oldHolders)):
            if new != old { try new.update(db) }
            if doorIds != oldDoorIds {
                try db.execute(sql: "DELETE FROM access_level_door WHERE access_level_id = ?", arguments: [new.id])
                for door in doorIds { try AccessLevelDoorRecord(accessLevelId: new.id, doorId: door).insert(db) }
            }
            if holders != oldHolders {
                try db.execute(sql: "DELETE FROM access_level_person WHERE access_level_id = ?", arguments: [new.id])
                try db.execute(sql: "DELETE FROM access_level_department WHERE access_level_id = ?",
                    arguments: [new.id])
                for holder in holders { try holder.save(db) }
            }
        default:
            throw AccessStoreError(.invalidInput, "an update must keep the kind of the entity")
        }
    }

    /// The `admin_change` event of an edit: reason `<noun>_<verb>` unless given, the entity's door, zone, person
    /// and card, and details `{action, collection, id, fields, …notes}`.
    static func journalEvent(_ edit: AdminEdit, entity: AdminEntity?, actor: String) throws -> NewJournalEvent {
        let (collection, id) = edit.target
        var event = NewJournalEvent(type: .adminChange,
            reason: edit.reason ?? AdminEntity.noun(of: collection) + "_" + edit.verb, actor: actor)
        switch entity {
        case .door(let record): event.doorId = record.id
        case .zone(let record): event.zoneId = record.id
        case .person(let record): event.personId = record.id
        case .card(let record):
            event.cardId = record.id
            event.personId = record.personId
        default: break
        }
        var details: [String: Any] = edit.notes
        details["action"] = edit.verb
        details["collection"] = collection.rawValue
        details["id"] = id
        details["fields"] = edit.fields.sorted()
        let data = try JSONSerialization.data(withJSONObject: details, options: [.sortedKeys, .withoutEscapingSlashes])
        event.details = String(decoding: data, as: UTF8.self)
        return event
    }
}

/// The end of one write attempt.
enum AdminWriteOutcome: Sendable {
    /// The model changed since it was read: read again.
    case stale
    case refused(AdminEditError)
    /// Written and committed.
    case written(AdminEntity?, JournalEvent)

    var isWritten: Bool {
        if case .written = self { true } else { false }
    }
}
