import AccessPolicy
import AccessStore
import Foundation
import Hummingbird

/// Token administration: `POST /v1/tokens`, `DELETE /v1/tokens/{id}`.
extension GateRoutes {
    func registerTokens(on group: RouterGroup<GateRequestContext>) {
        group.post("tokens") { request, context in try await createToken(request, context) }
        group.delete("tokens/:tokenId") { request, context in try await revokeToken(request, context) }
    }

    /// `POST /v1/tokens` with `{role, doorIds?, name?}` → 201 `{id, token}`; the token is shown only here.
    func createToken(_ request: Request, _ context: GateRequestContext) async throws -> Response {
        let caller = try await require(RoleSet.administrators, request, context)
        let body = try await JSONBody.decode(TokenBody.self, request: request,
            limit: services.configuration.maximumBodySize,
            within: services.configuration.requestBodyTimeout)
        let audit = TokenAudit(journal: services.recorder.journal.journalWriter, actor: caller.tokenId)
        let created = try await Self.storeUnavailableOnFailure {
            try await services.tokens.create(role: body.role, doorIds: body.doorIds ?? [], name: body.name,
                audit: audit)
        }
        if let event = created.event { services.recorder.announce(event) }
        return try JSONResponse.make(.created, ["id": created.id, "token": created.secret])
    }

    /// `DELETE /v1/tokens/{id}` → 204; 404 for an unknown token.
    func revokeToken(_ request: Request, _ context: GateRequestContext) async throws -> Response {
        let caller = try await require(RoleSet.administrators, request, context)
        let id = try Self.pathId("tokenId", context)
        let audit = TokenAudit(journal: services.recorder.journal.journalWriter, actor: caller.tokenId)
        let revoked = try await Self.storeUnavailableOnFailure {
            try await services.tokens.revoke(id: id, audit: audit)
        }
        guard revoked.found else { throw APIProblem.notFound("no token '\(id)'") }
        if let event = revoked.event { services.recorder.announce(event) }
        return Response(status: .noContent)
    }
}

/// `{role, doorIds?, name?}`.
struct TokenBody: Decodable {
    var role: TokenRole
    var doorIds: [String]?
    var name: String?

    enum CodingKeys: String, CodingKey { case role, doorIds, name }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownFields(allowed: ["role", "doorIds", "name"])
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let role = try container.decode(String.self, forKey: .role)
        guard let parsed = TokenRole(rawValue: role) else {
            throw APIProblem.badRequest("role must be controller, security, auditor or admin", code: "invalid-body")
        }
        self.role = parsed
        doorIds = try container.decodeIfPresent([String].self, forKey: .doorIds)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        if let doorIds, let bad = doorIds.first(where: { !GateRoutes.isValidId($0) }) {
            throw APIProblem.badRequest("door id '\(bad.prefix(64))' is not a valid id", code: "invalid-body")
        }
        var seen = Set<String>()
        if let repeated = doorIds?.first(where: { !seen.insert($0).inserted }) {
            throw APIProblem.badRequest("door id '\(repeated)' appears more than once", code: "invalid-body")
        }
        if let name, !(1...200).contains(name.count) || name.containsControlCharacters {
            throw APIProblem.badRequest("name must be 1 to 200 characters without control characters",
                code: "invalid-body")
        }
    }
}

extension GateRoutes {
    /// Runs `operation`; an error that is not already an API problem (the store could not be read or written)
    /// becomes a 503 instead of a 500.
    static func storeUnavailableOnFailure<T>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let problem as APIProblem {
            throw problem
        } catch {
            throw APIProblem.unavailable("the token store cannot be read or written; retry", code: "store-unavailable")
        }
    }
}
