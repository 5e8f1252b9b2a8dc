import AccessPolicy
import GRDB

/// Reads the stored policy model as an AccessPolicy ``AccessPolicy/SiteModel`` and compiles it.
///
/// The functions take a `Database` so that callers choose the transaction; the `AccessStore` methods
/// (`siteModel()`, `policySnapshot(pinVerifier:)`, `apply(_:scope:actor:journal:)`) wrap them.
public enum SiteModelStore {
    /// The whole stored model (every collection sorted by id).
    public static func load(_ db: Database) throws(AccessStoreError) -> SiteModel {
        let rows: SiteModelRows
        do {
            rows = try SiteModelRows.fetch(db)
        } catch {
            throw AccessStoreError(error)
        }
        return try rows.model()
    }

    /// The stored model compiled, or why not; never a partial snapshot.
    public static func snapshot(_ db: Database, pinVerifier: any PINVerifier) throws(PolicySnapshotError)
        -> PolicySnapshot
    {
        let model: SiteModel
        do {
            model = try load(db)
        } catch {
            throw .store(error)
        }
        do {
            return try PolicySnapshot(model: model, pinVerifier: pinVerifier)
        } catch {
            throw .invalidModel(error)
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

    /// The stored model compiled into a snapshot, read in one transaction.
    public func policySnapshot(pinVerifier: any PINVerifier) async throws(PolicySnapshotError) -> PolicySnapshot {
        let result: Result<PolicySnapshot, PolicySnapshotError>
        do {
            result = try await writer.read { db in
                Result { () throws(PolicySnapshotError) in try SiteModelStore.snapshot(db, pinVerifier: pinVerifier) }
            }
        } catch {
            throw .store(AccessStoreError(error))
        }
        return try result.get()
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
