import AccessPolicy
import AccessStore
import Credentials
import Foundation
import Synchronization

/// The daemon's own authority: ``CredentialVerifier``, then the ``PolicySnapshot`` in force against the
/// ``SiteState``, then the journal; the answer is built only from the committed event.
///
/// ## State and failures
///
/// The state change a decision makes (presence, occupancy, pending two-person taps) is applied under the state lock
/// together with the evaluation, so concurrent taps see each other; their events are then group-committed. If the
/// journal append fails, the tap is denied (the door stays closed) but the change stays recorded: occupancy may
/// over-count, which errs on the closed side.
public final class LocalAccessAuthority: AccessAuthority {
    public let verifier: CredentialVerifier
    public let policies: any PolicySource
    public let recorder: EventRecorder
    private let clock: @Sendable () -> Date
    private let state = Mutex(SiteState())

    public init(
        verifier: CredentialVerifier, policies: any PolicySource, recorder: EventRecorder,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.verifier = verifier
        self.policies = policies
        self.recorder = recorder
        self.clock = clock
    }

    public func issueChallenge(doorId: String) async throws(AuthorityError) -> ChallengeIssuer.Issued {
        guard let policy = policies.currentPolicy() else { throw .policyUnavailable }
        guard policy.doors[doorId] != nil else { throw .unknownDoor(doorId) }
        do {
            return try verifier.challenges.issue(doorId: doorId, at: clock())
        } catch {
            throw .challengeLimit(error)
        }
    }

    public func decide(_ request: TapRequest) async -> TapOutcome {
        let now = clock()
        guard let policy = policies.currentPolicy() else {
            return await journaled(.deny(.unknownDoor, doorId: request.doorId), request, policy: nil,
                detail: "no access policy is loaded", policyMissing: true)
        }
        guard policy.doors[request.doorId] != nil else {
            return await journaled(.deny(.unknownDoor, doorId: request.doorId), request, policy: policy,
                detail: "door is not in the access policy", inputProblem: "door '\(request.doorId)' is unknown")
        }
        guard let credential = request.credential else {
            let problem = request.inputProblem ?? "no credential"
            return await journaled(.deny(.unknownCredential, doorId: request.doorId), request, policy: policy,
                detail: problem, inputProblem: problem)
        }
        let verified: VerifiedCredential
        switch await verifier.verify(credential, doorId: request.doorId, at: now) {
        case .denied(let denial):
            return await journaled(denial.decision, request, policy: policy, detail: denial.detail,
                inputProblem: Self.isMalformed(denial.failure) ? denial.detail : nil)
        case .verified(let credential):
            verified = credential
        }
        let accessRequest = verified.accessRequest(doorId: request.doorId, time: now, pin: request.pin,
            direction: request.direction)
        let decision = state.withLock { state -> Decision in
            let evaluation = policy.snapshot.evaluate(accessRequest, in: state)
            if let change = evaluation.change { state.apply(change) }
            return evaluation.decision
        }
        return await journaled(decision, request, policy: policy, assurance: verified.assurance)
    }

    /// Failures of the wire encoding, which make the request malformed rather than the card refused.
    static func isMalformed(_ failure: CredentialFailure) -> Bool {
        switch failure {
        case .challenge(.malformed), .certificate(.undecodable), .certificate(.notACertificate),
            .signature(.undecodable), .uid:
            true
        default:
            false
        }
    }

    /// Journals the decision and builds the outcome from the committed event; a grant whose event could not be
    /// committed becomes a deny.
    private func journaled(
        _ decision: Decision, _ request: TapRequest, policy: CompiledPolicy?, assurance: AccessPolicy.Assurance? = nil,
        detail: String? = nil, policyMissing: Bool = false, inputProblem: String? = nil
    ) async -> TapOutcome {
        let details = AccessEventDetails(direction: request.direction.rawValue, assurance: assurance?.rawValue,
            levelId: decision.levelId, advisory: decision.advisory?.rawValue, detail: detail)
        let event = NewJournalEvent(type: .accessDecision, doorId: request.doorId,
            zoneId: policy?.zoneEntered(doorId: request.doorId, direction: request.direction),
            personId: decision.personId, cardId: decision.credentialId,
            decision: decision.isGranted ? .grant : .deny, reason: decision.reason.rawValue, actor: request.actor,
            details: details.json)
        let name = decision.personId.flatMap { policy?.displayNames[$0] }
        do {
            let committed = try await recorder.record(event)
            return TapOutcome(decision: decision, event: committed, policyMissing: policyMissing,
                inputProblem: inputProblem, detail: detail, personName: name)
        } catch {
            // Fail closed: the door stays shut. The reason stays the policy's, which may be a grant code.
            var denied = decision
            denied.outcome = .deny
            denied.unlockSeconds = nil
            return TapOutcome(decision: denied, event: nil, journalFailure: "\(error)",
                policyMissing: policyMissing, inputProblem: inputProblem, detail: detail, personName: name)
        }
    }

    // MARK: Site state for security staff

    /// Locks `zoneId` down or lifts its lockdown; returns the zones locked down afterwards.
    public func setLockdown(zoneId: String, locked: Bool) -> Set<String> {
        state.withLock { state in
            if locked { state.lockdownZones.insert(zoneId) } else { state.lockdownZones.remove(zoneId) }
            return state.lockdownZones
        }
    }

    /// A copy of the current site state.
    public var siteState: SiteState { state.withLock { $0 } }
}

/// The `details` object of an access decision event.
struct AccessEventDetails: Encodable {
    var direction: String
    var assurance: String?
    var levelId: String?
    var advisory: String?
    var detail: String?

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
