import AccessPolicy
import GRDB

/// Reads the stored policy model as an AccessPolicy ``AccessPolicy/SiteModel``.
///
/// The functions take a `Database` so that callers choose the transaction; the `AccessStore` methods
/// (`siteModel()`, `currentSiteModel(readingWholeModel:)`, `policySnapshot(pinVerifier:previous:readingWholeModel:)`,
/// `apply(_:scope:actor:journal:)`) wrap them or build on them.
public enum SiteModelStore {
    /// The whole stored model (every collection sorted by id).
    public static func load(_ db: Database) throws(AccessStoreError) -> SiteModel {
        do {
            return try SiteModelRows.readModel(db, parts: SiteModelPart.all, over: SiteModel())
        } catch {
            throw AccessStoreError(error)
        }
    }

    /// The stored model, reading only the parts whose tables changed since `earlier` was read (all of them without
    /// `earlier`, or in a database that does not keep revisions); the other parts are `earlier`'s collections,
    /// shared, not copied. The revisions are read in the caller's transaction with the parts, so the result is the
    /// model as stored at one moment.
    public static func load(_ db: Database, reusing earlier: StoredSiteModel?) throws(AccessStoreError)
        -> StoredSiteModel
    {
        do {
            let revisions = try SiteModelRevisions.read(db)
            var parts = SiteModelPart.all
            if let earlier, let now = revisions, let then = earlier.revisions {
                parts = now.partsChanged(since: then)
            }
            let base = parts == SiteModelPart.all ? SiteModel() : earlier?.model ?? SiteModel()
            let model = try SiteModelRows.readModel(db, parts: parts, over: base)
            return StoredSiteModel(model: model, revisions: revisions, partsRead: parts)
        } catch {
            throw AccessStoreError(error)
        }
    }
}

extension AccessStore {
    /// The whole stored model, read in one transaction.
    public func siteModel() async throws(AccessStoreError) -> SiteModel {
        do {
            return try await writer.read { db in try SiteModelStore.load(db) }
        } catch {
            throw AccessStoreError(error)
        }
    }

    /// The stored model now, read from the newest model this store read before: only the parts changed since
    /// then are read from the database (``SiteModelStore/load(_:reusing:)``). The policy rebuild and the
    /// administration editor both read the model here, so that the daemon holds one copy of it, shared.
    ///
    /// - Parameter readingWholeModel: read every part, as after a commit of a connection that might have written
    ///   with its triggers turned off.
    public func currentSiteModel(readingWholeModel: Bool = false) async throws(AccessStoreError) -> StoredSiteModel {
        let earlier = readingWholeModel ? nil : siteModels.newest
        do {
            let stored = try await writer.read { db in try SiteModelStore.load(db, reusing: earlier) }
            siteModels.keep(stored)
            return stored
        } catch {
            throw AccessStoreError(error)
        }
    }

    /// The current model compiled, compiling again only what changed since `previous` was compiled where that can
    /// be told (`PolicySnapshot.init(model:pinVerifier:previous:)`).
    public func policySnapshot(
        pinVerifier: any PINVerifier, previous: PolicySnapshot? = nil, readingWholeModel: Bool = false
    ) async throws(PolicySnapshotError) -> PolicySnapshot {
        let stored: StoredSiteModel
        do {
            stored = try await currentSiteModel(readingWholeModel: readingWholeModel)
        } catch {
            throw .store(error)
        }
        do {
            return try PolicySnapshot(model: stored.model, pinVerifier: pinVerifier, previous: previous)
        } catch {
            throw .invalidModel(error)
        }
    }

    /// Applies `model` to the collections of `scope` in one transaction, journaled with `actor` (see
    /// ``SiteApplier``); on any error nothing is changed.
    public func apply(
        _ model: SiteModel, scope: SiteApplyScope, actor: String, journal: JournalWriter
    ) async throws(SiteApplyError) -> SiteApplyReport {
        let applier = SiteApplier(scope: scope, actor: actor, journal: journal)
        let result: Result<SiteApplyReport, SiteApplyError>
        do {
            // A failed apply rolls its savepoint back, journal event included; the empty transaction commits.
            result = try await writer.write { db in
                Result { () throws(SiteApplyError) in try applier.apply(model, in: db) }
            }
        } catch {
            throw SiteApplyError(problems: [], storeError: AccessStoreError(error))
        }
        return try result.get()
    }
}
