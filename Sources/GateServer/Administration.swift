import AccessPolicy
import AccessStore
import Foundation
import HTTPTypes
import Hummingbird

/// What the administration endpoints work with: the catalog that reads the model, the editor that changes it,
/// and the wait until the policy in force shows a change.
///
/// A change is answered only once the store-backed policy has been rebuilt with it, so the next tap after the
/// answer is decided by the changed model. With a policy loaded from site files (``StaticPolicySource``) the store
/// still changes, but the policy in force does not.
final class Administration: Sendable {
    let catalog: AdminCatalog
    let editor: AdminEditor
    let recorder: EventRecorder
    let policies: any PolicySource
    /// How long an answer waits for the policy rebuild before it goes out anyway.
    let propagationTimeout: Duration

    init(services: GateServices, propagationTimeout: Duration = .seconds(30)) {
        catalog = AdminCatalog(store: services.store)
        editor = AdminEditor(store: services.store, journal: services.recorder.journal.journalWriter)
        recorder = services.recorder
        policies = services.authority.policies
        self.propagationTimeout = propagationTimeout
    }

    /// Makes the edit, wakes the live streams with its event and waits until the policy in force shows it.
    ///
    /// - Returns: the committed edit, and whether the policy in force has it (`false`: the change is stored and
    ///   journaled, but the rebuild failed, ran past ``propagationTimeout`` or the policy does not follow the
    ///   store, so taps are still decided by the previous policy; the answer says so in ``policyStateField``).
    func apply(_ edit: AdminEdit, caller: Caller) async throws -> (result: AdminEditResult, inForce: Bool) {
        let result: AdminEditResult
        do {
            result = try await editor.apply(edit, actor: caller.tokenId)
        } catch {
            throw Self.problem(error)
        }
        recorder.announce(result.event)
        let change = result.change
        let inForce = await waitForPolicy { change.isReflected(in: $0) }
        return (result, inForce)
    }

    /// The response header that tells whether a committed change is in force: `in-force` or `pending`.
    static let policyStateField = HTTPField.Name("CardGate-Policy-State")!

    /// `response` with ``policyStateField`` set.
    static func marked(_ response: Response, inForce: Bool) -> Response {
        var response = response
        response.headers[policyStateField] = inForce ? "in-force" : "pending"
        return response
    }

    /// Whether the policy in force was read after every model change observed so far, so is the store's model
    /// (waiting for a rebuild as ``waitForPolicy(_:)`` does): for answers that may have changed
    /// nothing, since an earlier change may still not be in force. When the policy lags and no rebuild may be
    /// coming (the last one failed), one is requested, so that a retried request can bring the change into force.
    func storeModelInForce() async -> Bool {
        guard let source = policies as? StorePolicySource else { return false }
        let provider = source.provider
        if provider.currentWithChangesRead.changesRead < provider.observedChanges {
            provider.requestRebuild()
        }
        return await waitForPolicy { _ in true }
    }

    /// Waits until the store-backed policy's model satisfies `isCurrent`, at most ``propagationTimeout``; false
    /// when it did not: the time ran out, a rebuild failed (the previous policy stays in force), or the policy does
    /// not follow the store.
    func waitForPolicy(_ isCurrent: @escaping @Sendable (SiteModel) -> Bool) async -> Bool {
        guard let source = policies as? StorePolicySource else { return false }
        let provider = source.provider
        // Only a snapshot read after every change committed so far counts: a rebuild that began before this
        // change (say A, then this change undoing A) may publish a model that looks current but is not.
        let required = provider.observedChanges
        @Sendable func inForce() -> Bool {
            let (snapshot, changesRead) = provider.currentWithChangesRead
            return changesRead >= required && isCurrent(snapshot.model)
        }
        // Subscribe first, then look: a rebuild finishing in between is then seen either way.
        let updates = provider.updates()
        if inForce() { return true }
        let timeout = propagationTimeout
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await update in updates {
                    switch update {
                    case .rebuilt: if inForce() { return true }
                    case .failed: return false
                    }
                }
                return false
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// The HTTP problem of a refused edit.
    static func problem(_ error: AdminEditError) -> APIProblem {
        switch error {
        case .notFound:
            return .notFound(error.description)
        case .alreadyExists:
            return APIProblem(.conflict, code: "already-exists", detail: error.description)
        case .changedConcurrently:
            return APIProblem(.conflict, code: "changed-concurrently", detail: error.description)
        case .invalid(let problems):
            return APIProblem(.unprocessableContent, code: "invalid-model",
                detail: "the change would make the access policy invalid: " + error.description,
                extensions: ["errors": .strings(problems.map(\.description))])
        case .stillReferenced(_, _, let references):
            return APIProblem(.conflict, code: "still-referenced", detail: error.description,
                extensions: ["errors": .strings(references)])
        case .store(let storeError):
            if storeError.code == .constraintViolated || storeError.code == .invalidInput {
                return APIProblem(.unprocessableContent, code: "refused-by-store",
                    detail: "the store refused the change: \(storeError.message)")
            }
            return .unavailable("the store cannot be written: \(storeError.code)", code: "store-unavailable")
        }
    }
}
