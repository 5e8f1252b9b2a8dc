import AccessPolicy
import AccessStore
import Foundation
import Hummingbird

/// The security staff endpoints: the journal, its verification, live events, occupancy and lockdown.
extension GateRoutes {
    func registerSecurity(on group: RouterGroup<GateRequestContext>) {
        group.get("events") { request, context in try await events(request, context) }
        group.get("events/stream") { request, context in try await eventStream(request, context) }
        group.get("journal/verify") { request, context in try await verifyJournal(request, context) }
        group.get("occupancy") { request, context in try await occupancy(request, context) }
        group.get("zones/:zoneId/occupants") { request, context in try await occupants(request, context) }
        group.put("lockdown") { request, context in try await lockdown(request, context) }
    }

    static let eventFilters: Set<String> = [
        "personId", "doorId", "zoneId", "decision", "reason", "type", "from", "to", "limit", "cursor",
    ]

    /// `GET /v1/events` → `{items, nextCursor}`, newest first.
    func events(_ request: Request, _ context: GateRequestContext) async throws -> Response {
        _ = try await require(RoleSet.readers, request, context)
        let query = try Self.journalQuery(request.uri.queryParameters)
        let page: JournalPage
        do {
            page = try await services.recorder.journal.events(query)
        } catch {
            throw APIProblem.unavailable("the journal cannot be read: \(error.code)", code: "journal-unavailable")
        }
        return JSONResponse.raw(.ok, EventRepresentation.page(page))
    }

    /// The journal query of `GET /v1/events`'s parameters; unknown or malformed parameters are a 400.
    static func journalQuery(_ parameters: Parameters) throws -> JournalQuery {
        var query = JournalQuery()
        for (key, value) in parameters {
            let key = String(key)
            let value = String(value)
            guard eventFilters.contains(key) else {
                throw APIProblem.badRequest("unknown query parameter '\(key.prefix(64))'", code: "invalid-query")
            }
            switch key {
            case "personId", "doorId", "zoneId":
                guard isValidId(value) else {
                    throw APIProblem.badRequest("\(key) is not a valid id", code: "invalid-query")
                }
                switch key {
                case "personId": query.personId = value
                case "doorId": query.doorId = value
                default: query.zoneId = value
                }
            case "reason", "type":
                // Codes are snake_case words; a code no event has yet is allowed (it matches nothing).
                guard isCode(value) else {
                    throw APIProblem.badRequest("\(key) must be a snake_case code such as "
                        + (key == "type" ? "access_decision" : "outside_schedule"), code: "invalid-query")
                }
                if key == "reason" { query.reason = value } else { query.type = JournalEventType(rawValue: value) }
            case "decision":
                guard let decision = JournalDecision(rawValue: value) else {
                    throw APIProblem.badRequest("decision must be grant or deny", code: "invalid-query")
                }
                query.decision = decision
            case "from", "to":
                guard let date = EventRepresentation.parseTime(value) else {
                    throw APIProblem.badRequest("\(key) must be an ISO 8601 time", code: "invalid-query")
                }
                guard let milliseconds = Int64(exactly: (date.timeIntervalSince1970 * 1000).rounded(.down)) else {
                    throw APIProblem.badRequest("\(key) is out of range", code: "invalid-query")
                }
                if key == "from" { query.fromMilliseconds = milliseconds } else { query.toMilliseconds = milliseconds }
            case "limit":
                guard let limit = Int(value), (1...JournalQuery.maximumLimit).contains(limit) else {
                    throw APIProblem.badRequest("limit must be an integer from 1 to \(JournalQuery.maximumLimit)",
                        code: "invalid-query")
                }
                query.limit = limit
            default:
                guard let cursor = Int64(value), cursor > 0 else {
                    throw APIProblem.badRequest("cursor must be a nextCursor from an earlier page",
                        code: "invalid-query")
                }
                query.cursor = cursor
            }
        }
        if let from = query.fromMilliseconds, let to = query.toMilliseconds, from > to {
            throw APIProblem.badRequest("from must not be later than to", code: "invalid-query")
        }
        return query
    }

    /// Whether `value` is a code of the journal's form: 1 to 64 lowercase letters, digits and underscores.
    static func isCode(_ value: String) -> Bool {
        (1...64).contains(value.utf8.count)
            && value.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
    }

    /// `GET /v1/journal/verify` → the verification of the whole journal.
    func verifyJournal(_ request: Request, _ context: GateRequestContext) async throws -> Response {
        _ = try await require(RoleSet.readers, request, context)
        let store = services.store
        // Checkpoints count only when signed with the daemon's own key: a key someone added to the database, with
        // checkpoints re-signed over a rewritten chain, is then caught. (Without a key, the recorded ones.)
        let trustedKeys = services.recorder.journal.journalWriter.key.map { Set([$0.publicKey]) }
        // One verification at a time, on two readers, so that a caller cannot occupy every read connection the
        // taps' token checks and the event queries need.
        guard services.verifications.begin() else {
            throw APIProblem.unavailable("a verification of the journal is already running; retry when it ends",
                code: "verification-running")
        }
        let verifications = services.verifications
        let witnessPath = services.configuration.witnessPath
        let result: Result<JournalVerification, APIProblem> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let result = Self.verification(trustedKeys: trustedKeys, witnessPath: witnessPath, store: store)
                // Ended before the answer goes out, so that a caller's next request does not find it still running.
                verifications.end()
                continuation.resume(returning: result)
            }
        }
        let verification = try result.get()
        var object: [String: Any] = [
            "intact": verification.isIntact, "eventsChecked": verification.eventsChecked,
            "checkpointsChecked": verification.checkpointsChecked, "unsignedEvents": verification.unsignedEvents,
            "keyTrust": verification.keyTrust.rawValue, "witnessedCheckpoints": verification.witnessedCheckpoints,
        ]
        object["firstSequence"] = verification.firstSequence ?? NSNull()
        object["lastSequence"] = verification.lastSequence ?? NSNull()
        if let damage = verification.damage {
            object["damage"] = ["sequence": damage.sequence, "kind": damage.kind.rawValue, "detail": damage.detail]
        }
        return JSONResponse.raw(.ok, EventRepresentation.data(object))
    }

    /// The whole journal verified against the witness, or the problem to answer: a witness that cannot be read or
    /// is not what the daemon writes (edited, a torn last line) is said to be so, never taken for "intact".
    private static func verification(trustedKeys: Set<Data>?, witnessPath: String, store: AccessStore)
        -> Result<JournalVerification, APIProblem>
    {
        let witness: [JournalCheckpoint]
        do {
            witness = try JournalWitness.read(at: witnessPath)
        } catch {
            return .failure(.unavailable("the witness cannot be used: \(error.message)", code: "witness-unreadable"))
        }
        do {
            return .success(
                try JournalVerifier(trustedKeys: trustedKeys, parallelism: 2, witness: witness).verify(store.writer))
        } catch where error.code == .invalidInput {
            // A witnessed checkpoint that would show damage is not signed with the journal's key.
            return .failure(.unavailable("the witness cannot be used: \(error.message)", code: "witness-unreadable"))
        } catch {
            return .failure(.unavailable("the journal cannot be read: \(error.code)", code: "journal-unavailable"))
        }
    }

    /// `GET /v1/occupancy` → `{items: [{zoneId, count}], lockdownZones}`.
    func occupancy(_ request: Request, _ context: GateRequestContext) async throws -> Response {
        _ = try await require(RoleSet.readers, request, context)
        let state = services.authority.siteState
        // Encoded from a struct: JSONSerialization of the same dictionaries cost 1.4-1.7 ms at the reference site.
        return try JSONResponse.make(.ok, OccupancyAnswer(
            items: state.occupancy.sorted { $0.key < $1.key }.map { .init(zoneId: $0.key, count: $0.value) },
            lockdownZones: state.lockdownZones.sorted()))
    }

    /// `GET /v1/zones/{zoneId}/occupants` → `{items: [{personId, since}]}`.
    func occupants(_ request: Request, _ context: GateRequestContext) async throws -> Response {
        _ = try await require(RoleSet.readers, request, context)
        let zoneId = try Self.pathId("zoneId", context)
        try requireZone(zoneId)
        let items = services.authority.siteState.presence.filter { $0.value.zoneId == zoneId }
            .sorted { $0.key < $1.key }
            .map { ["personId": $0.key, "since": EventRepresentation.timeFormat.format($0.value.since)] }
        return JSONResponse.raw(.ok, EventRepresentation.data(["items": items]))
    }

    /// Throws 404 when `zoneId` is not in the policy in force, and 503 when no policy is loaded (as the taps get).
    private func requireZone(_ zoneId: String) throws {
        guard let policy = services.authority.policies.currentPolicy() else {
            throw APIProblem.unavailable("no access policy is loaded", code: "policy-unavailable")
        }
        guard policy.zoneIds.contains(zoneId) else {
            throw APIProblem.notFound("zone '\(zoneId)' is not in the access policy")
        }
    }

    /// `PUT /v1/lockdown` with `{zoneId, locked}` → `{lockdownZones}`, journaled as a `lockdown` event
    /// and stored (``SiteLockdown``) in one transaction, then put in force.
    func lockdown(_ request: Request, _ context: GateRequestContext) async throws -> Response {
        let caller = try await require(RoleSet.operators, request, context)
        let body = try await JSONBody.decode(LockdownBody.self, request: request,
            limit: services.configuration.maximumBodySize,
            within: services.configuration.requestBodyTimeout)
        try requireZone(body.zoneId)
        let details = EventRepresentation.data(["locked": body.locked])
        let recorded: (event: JournalEvent, zones: Set<String>)
        do {
            // The event and the stored state in one transaction, so the lockdown outlives a restart.
            recorded = try await services.store.setLockdown(zoneId: body.zoneId, locked: body.locked,
                actor: caller.tokenId, details: String(decoding: details, as: UTF8.self),
                journal: services.recorder.journal.journalWriter)
        } catch {
            throw APIProblem.unavailable("the journal could not record the lockdown", code: "journal-unavailable")
        }
        services.recorder.announce(recorded.event)
        let zones = services.authority.applyLockdown(recorded.zones, asOf: recorded.event.sequence)
        return JSONResponse.raw(.ok, EventRepresentation.data(["lockdownZones": zones.sorted()]))
    }
}

/// `{zoneId, locked}`.
struct LockdownBody: Decodable {
    var zoneId: String
    var locked: Bool

    enum CodingKeys: String, CodingKey { case zoneId, locked }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownFields(allowed: ["zoneId", "locked"])
        let container = try decoder.container(keyedBy: CodingKeys.self)
        zoneId = try container.decode(String.self, forKey: .zoneId)
        locked = try container.decode(Bool.self, forKey: .locked)
        guard GateRoutes.isValidId(zoneId) else { throw APIProblem.badRequest("zoneId is not a valid id") }
    }
}

/// The answer of `GET /v1/occupancy`.
struct OccupancyAnswer: Encodable {
    struct Zone: Encodable {
        var zoneId: String
        var count: Int
    }

    var items: [Zone]
    var lockdownZones: [String]
}
