import AccessPolicy
import AccessStore
import Credentials
import DoorAgent
import Foundation
import Logging
import SmartCard
import Synchronization

/// The daemon's own authority: ``CredentialVerifier``, then the ``PolicySnapshot`` in force against the
/// ``SiteState``, then the journal; the answer is built only from the committed event.
///
/// It is the `AccessAuthority` of the daemon's local doors (in-process door agents) and what the HTTP routes call
/// for remote gate controllers, whose own agents reach it through `HTTPAccessAuthority`: one seam, two transports.
///
/// ## State and failures
///
/// The state change a decision makes (presence, occupancy, pending two-person taps) is applied under the state lock
/// together with the evaluation, so concurrent taps see each other; their events are then group-committed. The
/// change is a ``StateReservation`` until its event is committed: if the journal append fails, the tap is denied
/// (the door stays closed) and the change is undone, so the site state never counts a passage the journal lacks.
public final class LocalAccessAuthority: Sendable {
    public let verifier: CredentialVerifier
    public let policies: any PolicySource
    public let recorder: EventRecorder
    private let clock: @Sendable () -> Date
    private let state: Mutex<SiteState>
    /// The sequence of the newest `lockdown` event applied to ``siteState``; taken before `state`, never inside it.
    private let lockdownSequence = Mutex<Int64>(0)
    private let logger: Logger

    /// - Parameter lockdownZones: the zones locked down at start, as stored (``SiteLockdown``).
    public init(
        verifier: CredentialVerifier, policies: any PolicySource, recorder: EventRecorder,
        clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "cardgated.access"),
        lockdownZones: Set<String> = []
    ) {
        self.verifier = verifier
        self.policies = policies
        self.recorder = recorder
        self.clock = clock
        self.logger = logger
        self.state = Mutex(SiteState(lockdownZones: lockdownZones))
    }

    /// A fresh challenge for a PIV card at `doorId`.
    public func issueChallenge(doorId: String) async throws(ChallengeRefusal) -> ChallengeIssuer.Issued {
        guard let policy = policies.currentPolicy() else { throw .policyUnavailable }
        guard policy.doors[doorId] != nil else { throw .unknownDoor(doorId) }
        do {
            return try verifier.challenges.issue(doorId: doorId, at: clock())
        } catch {
            throw .challengeLimit(error)
        }
    }

    /// Decides one tap, journals it and returns the outcome; never throws, every failure is a deny.
    public func decide(_ attempt: AccessAttempt) async -> AccessOutcome {
        let now = clock()
        guard let policy = policies.currentPolicy() else {
            return await journaled(.deny(.unknownDoor, doorId: attempt.doorId), attempt, policy: nil,
                detail: "no access policy is loaded", policyMissing: true)
        }
        guard policy.doors[attempt.doorId] != nil else {
            return await journaled(.deny(.unknownDoor, doorId: attempt.doorId), attempt, policy: policy,
                detail: "door is not in the access policy", inputProblem: "door '\(attempt.doorId)' is unknown")
        }
        let verification: CredentialVerification
        if let tap = attempt.cardTap {
            verification = await verifier.verify(tap, doorId: attempt.doorId, at: now)
        } else if let credential = attempt.credential {
            verification = await verifier.verify(credential, doorId: attempt.doorId, at: now)
        } else {
            let problem = attempt.inputProblem ?? "no credential"
            return await journaled(.deny(.unknownCredential, doorId: attempt.doorId), attempt, policy: policy,
                detail: problem, inputProblem: problem)
        }
        let verified: VerifiedCredential
        switch verification {
        case .denied(let denial):
            return await journaled(denial.decision, attempt, policy: policy, detail: denial.detail,
                inputProblem: Self.isMalformed(denial.failure) ? denial.detail : nil)
        case .verified(let credential):
            verified = credential
        }
        let accessRequest = verified.accessRequest(doorId: attempt.doorId, time: now, pin: attempt.pin,
            direction: attempt.direction)
        let (decision, reservation) = state.withLock { state -> (Decision, StateReservation?) in
            let evaluation = policy.snapshot.evaluate(accessRequest, in: state)
            let reservation = evaluation.change.map { StateReservation(applying: $0, to: &state) }
            return (evaluation.decision, reservation)
        }
        let outcome = await journaled(decision, attempt, policy: policy, assurance: verified.assurance)
        if outcome.event == nil, let reservation {
            state.withLock { reservation.undo(in: &$0) }
        }
        return outcome
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
        _ decision: Decision, _ attempt: AccessAttempt, policy: CompiledPolicy?,
        assurance: AccessPolicy.Assurance? = nil, detail: String? = nil, policyMissing: Bool = false,
        inputProblem: String? = nil
    ) async -> AccessOutcome {
        let details = AccessEventDetails(direction: attempt.direction.rawValue, assurance: assurance?.rawValue,
            levelId: decision.levelId, advisory: decision.advisory?.rawValue, detail: detail)
        let event = NewJournalEvent(type: .accessDecision, doorId: attempt.doorId,
            zoneId: policy?.zoneEntered(doorId: attempt.doorId, direction: attempt.direction),
            personId: decision.personId, cardId: decision.credentialId,
            decision: decision.isGranted ? .grant : .deny, reason: decision.reason.rawValue, actor: attempt.actor,
            details: details.json)
        let name = decision.personId.flatMap { policy?.displayNames[$0] }
        do {
            let committed = try await recorder.record(event)
            // Every decision is in the journal, durably, and in the live event stream; the log repeats it only
            // at debug level (at info, the line and its write cost each tap about a tenth of its CPU).
            logger.debug("access decision", metadata: [
                "door": "\(attempt.doorId)", "decision": "\(decision.outcome.rawValue)",
                "reason": "\(decision.reason.rawValue)", "person": "\(decision.personId ?? "-")",
                "event": "\(committed.sequence)", "actor": "\(attempt.actor ?? "-")",
            ])
            return AccessOutcome(decision: decision, event: committed, policyMissing: policyMissing,
                inputProblem: inputProblem, detail: detail, personName: name)
        } catch {
            logger.error("journal append failed; tap denied", metadata: [
                "door": "\(attempt.doorId)", "reason": "\(decision.reason.rawValue)", "error": "\(error)",
            ])
            // Fail closed: the door stays shut. The reason stays the policy's, which may be a grant code.
            var denied = decision
            denied.outcome = .deny
            denied.unlockSeconds = nil
            return AccessOutcome(decision: denied, event: nil, journalFailure: "\(error)",
                policyMissing: policyMissing, inputProblem: inputProblem, detail: detail, personName: name)
        }
    }

    // MARK: Site state for security staff

    /// Puts the zones locked down as of the committed `lockdown` event `sequence` in force; returns the zones locked
    /// down afterwards.
    ///
    /// The store (``SiteLockdown``) is the record; this is its copy for the decisions. Lockdown changes commit one
    /// after the other but may arrive here in another order: a set older than the one in force is ignored, so the
    /// copy always ends as the newest committed state.
    @discardableResult
    public func applyLockdown(_ zones: Set<String>, asOf sequence: Int64) -> Set<String> {
        lockdownSequence.withLock { applied in
            guard sequence > applied else { return state.withLock { $0.lockdownZones } }
            applied = sequence
            return state.withLock { state in
                state.lockdownZones = zones
                return zones
            }
        }
    }

    /// A copy of the current site state.
    public var siteState: SiteState { state.withLock { $0 } }
}

/// The door agents' seam: the daemon's local doors ask the authority in-process, in the shapes of the HTTP API.
extension LocalAccessAuthority: AccessAuthority {
    public func challenge(door: String) async throws -> IssuedChallenge {
        let issued = try await issueChallenge(doorId: door)
        return IssuedChallenge(challenge: issued.text, expiresAt: issued.expiresAt)
    }

    /// Decides a local door's tap; a journal or policy failure throws (the agent keeps the door shut), as the HTTP
    /// API answers 503.
    public func requestAccess(door: String, _ request: TapRequest) async throws -> AccessAnswer {
        let tap: CardTap = switch request.credential {
        case .piv(let certificate, let challenge, let signature):
            .piv(certificate: certificate, challenge: challenge, signature: signature)
        case .uid(let uid):
            .uid(uid.hexString())
        }
        let direction: Direction = request.direction == .out ? .out : .in
        let outcome = await decide(AccessAttempt(doorId: door, credential: nil, pin: request.pin,
            direction: direction, actor: "local:\(door)", cardTap: tap))
        if let failure = outcome.journalFailure { throw LocalAuthorityError.journalUnavailable(failure) }
        if outcome.policyMissing { throw LocalAuthorityError.policyUnavailable }
        let decision = outcome.decision
        return AccessAnswer(decision: decision.isGranted ? .grant : .deny, reason: decision.reason.rawValue,
            eventId: outcome.event.map { String($0.sequence) },
            unlockSeconds: decision.isGranted ? decision.unlockSeconds : nil,
            person: decision.personId.map { AccessAnswer.PersonSummary(id: $0, displayName: outcome.personName) })
    }
}

/// Why the in-process authority gave a local door no decision (the door stays shut).
public enum LocalAuthorityError: Error, Sendable, Hashable, CustomStringConvertible {
    case journalUnavailable(String)
    case policyUnavailable

    public var description: String {
        switch self {
        case .journalUnavailable(let why): "the journal could not record the decision: \(why)"
        case .policyUnavailable: "no access policy is loaded"
        }
    }
}

/// The `details` object of an access decision event.
struct AccessEventDetails {
    var direction: String
    var assurance: String?
    var levelId: String?
    var advisory: String?
    var detail: String?

    var json: String {
        var details = EventDetails()
        details["direction"] = direction
        details["assurance"] = assurance
        details["levelId"] = levelId
        details["advisory"] = advisory
        details["detail"] = detail
        return details.json
    }
}
