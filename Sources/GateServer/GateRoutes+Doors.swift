import AccessPolicy
import AccessStore
import Credentials
import Foundation
import Hummingbird

/// The gate-controller endpoints.
extension GateRoutes {
    func registerDoors(on group: RouterGroup<GateRequestContext>) {
        group.post("doors/:doorId/challenges") { request, context in
            try await issueChallenge(request, context)
        }
        group.post("doors/:doorId/access") { request, context in
            try await access(request, context)
        }
        group.post("doors/:doorId/status") { request, context in
            try await doorStatus(request, context)
        }
    }

    /// `POST /v1/doors/{doorId}/challenges` → 201 `{challenge, expiresAt}`.
    func issueChallenge(_ request: Request, _ context: GateRequestContext) async throws -> Response {
        let (_, doorId) = try await requireController(request, context)
        let issued: ChallengeIssuer.Issued
        do {
            issued = try await services.authority.issueChallenge(doorId: doorId)
        } catch {
            switch error {
            case .policyUnavailable: throw APIProblem.unavailable(error.description, code: "policy-unavailable")
            case .unknownDoor: throw APIProblem.notFound(error.description)
            case .challengeLimit:
                throw APIProblem(.tooManyRequests, code: "challenge-limit", detail: error.description)
            }
        }
        return try JSONResponse.make(.created, ChallengeBody(challenge: issued.text,
            expiresAt: EventRepresentation.timeFormat.format(issued.expiresAt)))
    }

    /// `POST /v1/doors/{doorId}/access` → 200 `{decision, reason, eventId, unlockSeconds?, person?}` once the event
    /// is committed; a malformed request → 4xx problem carrying the journaled deny; a journal or policy failure →
    /// 503 problem with `decision: "deny"`.
    func access(_ request: Request, _ context: GateRequestContext) async throws -> Response {
        let started = ContinuousClock.now
        let (caller, doorId) = try await requireController(request, context)
        let tap: AccessAttempt
        do {
            let buffer = try await JSONBody.bytes(of: request, limit: services.configuration.maximumBodySize,
                within: services.configuration.requestBodyTimeout)
            switch AccessRequestBody.decode(buffer) {
            case .success(let body):
                tap = AccessAttempt(doorId: doorId, credential: body.credential, pin: body.pin,
                    direction: body.direction, actor: caller.tokenId)
            case .failure(let problem):
                tap = AccessAttempt(doorId: doorId, credential: nil, actor: caller.tokenId,
                    inputProblem: problem.detail)
            }
        } catch let problem as APIProblem {
            // The body could not be read (too large, too slow, broken off): a deny like any malformed request.
            tap = AccessAttempt(doorId: doorId, credential: nil, actor: caller.tokenId, inputProblem: problem.detail)
            let outcome = await decide(tap, started: started)
            throw Self.unavailability(outcome) ?? Self.problem(problem, outcome)
        }
        let outcome = await decide(tap, started: started)
        if let unavailable = Self.unavailability(outcome) { throw unavailable }
        if let problem = outcome.inputProblem {
            let base: APIProblem = outcome.decision.reason == .unknownDoor
                ? .notFound(problem) : .badRequest(problem, code: "invalid-access-request")
            throw Self.problem(base, outcome)
        }
        guard let event = outcome.event else {
            throw Self.problem(.unavailable("the decision was not journaled", code: "journal-unavailable"), outcome)
        }
        let person = outcome.decision.personId.map { PersonBody(id: $0, displayName: outcome.personName) }
        let answer = AccessAnswerBody(decision: outcome.decision.outcome.rawValue,
            reason: outcome.decision.reason.rawValue, eventId: String(event.sequence),
            unlockSeconds: outcome.decision.isGranted ? outcome.decision.unlockSeconds : nil, person: person)
        return JSONResponse.raw(.ok, answer.json)
    }

    /// Decides `tap` and counts the decision in the metrics.
    private func decide(_ tap: AccessAttempt, started: ContinuousClock.Instant) async -> AccessOutcome {
        let outcome = await services.authority.decide(tap)
        services.metrics.recordDecision(outcome: outcome.decision.outcome.rawValue,
            reason: outcome.decision.reason.rawValue, seconds: started.duration(to: .now).secondsValue)
        return outcome
    }

    /// The 503 of a decision that could not be journaled or had no policy to go by, nil otherwise.
    static func unavailability(_ outcome: AccessOutcome) -> APIProblem? {
        if outcome.journalFailure != nil {
            // LocalAccessAuthority has logged the failure with the door and the reason.
            return problem(.unavailable("the journal could not record the decision, so the door stays closed",
                code: "journal-unavailable"), outcome)
        }
        if outcome.policyMissing {
            return problem(.unavailable("no access policy is loaded, so the door stays closed",
                code: "policy-unavailable"), outcome)
        }
        return nil
    }

    /// `problem` with the deny and its event as extension members.
    static func problem(_ problem: APIProblem, _ outcome: AccessOutcome) -> APIProblem {
        var problem = problem
        problem.extensions["decision"] = .string(Decision.Outcome.deny.rawValue)
        if !outcome.decision.reason.isGrant { problem.extensions["reason"] = .string(outcome.decision.reason.rawValue) }
        if let event = outcome.event { problem.extensions["eventId"] = .string(String(event.sequence)) }
        return problem
    }

    /// `POST /v1/doors/{doorId}/status` with `{state}` → 201 `{eventId}`.
    func doorStatus(_ request: Request, _ context: GateRequestContext) async throws -> Response {
        let (caller, doorId) = try await requireController(request, context)
        let body = try await JSONBody.decode(DoorStatusBody.self, request: request,
            limit: services.configuration.maximumBodySize,
            within: services.configuration.requestBodyTimeout)
        let alarm = ["forced_open", "held_open", "tamper"].contains(body.state)
        var details = EventDetails()
        details["state"] = body.state
        let event = NewJournalEvent(type: alarm ? .alarm : .doorStatus, doorId: doorId,
            reason: alarm ? body.state : nil, actor: caller.tokenId, details: details.json)
        do {
            let committed = try await services.recorder.record(event)
            return try JSONResponse.make(.created, ["eventId": String(committed.sequence)])
        } catch {
            throw APIProblem.unavailable("the journal could not record the door status", code: "journal-unavailable")
        }
    }
}

struct ChallengeBody: Encodable {
    var challenge: String
    var expiresAt: String
}

struct PersonBody: Encodable {
    var id: String
    var displayName: String?
}

struct AccessAnswerBody: Encodable {
    var decision: String
    var reason: String
    var eventId: String
    var unlockSeconds: Int?
    var person: PersonBody?

    /// The answer as JSON with sorted keys, as ``JSONResponse/make(_:_:)`` would encode it, written directly: every
    /// tap is answered with one.
    var json: Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(160)
        func member(_ key: String, first: Bool = false) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            EventDetails.appendString(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
        }
        bytes.append(UInt8(ascii: "{"))
        member("decision", first: true)
        EventDetails.appendString(decision, to: &bytes)
        member("eventId")
        EventDetails.appendString(eventId, to: &bytes)
        if let person {
            member("person")
            bytes.append(UInt8(ascii: "{"))
            if let displayName = person.displayName {
                member("displayName", first: true)
                EventDetails.appendString(displayName, to: &bytes)
                member("id")
            } else {
                member("id", first: true)
            }
            EventDetails.appendString(person.id, to: &bytes)
            bytes.append(UInt8(ascii: "}"))
        }
        member("reason")
        EventDetails.appendString(reason, to: &bytes)
        if let unlockSeconds {
            member("unlockSeconds")
            bytes.append(contentsOf: String(unlockSeconds).utf8)
        }
        bytes.append(UInt8(ascii: "}"))
        return Data(bytes)
    }
}

/// `{state: closed|open|forced_open|held_open|tamper}`.
struct DoorStatusBody: Decodable {
    static let states: Set<String> = ["closed", "open", "forced_open", "held_open", "tamper"]
    var state: String

    enum CodingKeys: String, CodingKey { case state }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownFields(allowed: ["state"])
        state = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .state)
        guard Self.states.contains(state) else {
            throw APIProblem.badRequest("state must be one of \(Self.states.sorted().joined(separator: ", "))",
                code: "invalid-body")
        }
    }
}
