import AccessStore
import Foundation
import Hummingbird

/// Authenticates every request under `/v1` by its bearer token and puts the ``Caller`` in the context.
///
/// A missing, malformed, unknown or revoked token is answered 401 and journaled as a `token_failure` event; the
/// address's failures are counted by the ``FailureLimiter``, and an address over its allowance waits before its
/// token is even checked.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = GateRequestContext
    let services: GateServices

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let address = context.peerKey
        let wait = services.limiter.delay(for: address)
        if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
        guard let header = request.headers[.authorization] else {
            throw await failure("missing bearer token", request: request, address: address)
        }
        let scheme = header.prefix(7)
        guard scheme.lowercased() == "bearer " else {
            throw await failure("the Authorization header is not a bearer token", request: request, address: address)
        }
        let secret = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        guard let caller = try await services.tokens.authenticate(secret) else {
            throw await failure("invalid or revoked token", request: request, address: address)
        }
        var context = context
        context.caller = caller
        return try await next(request, context)
    }

    private func failure(_ detail: String, request: Request, address: String) async -> APIProblem {
        services.limiter.recordFailure(of: address)
        await GateRoutes.journalAuthFailure(services, reason: "unauthorized", detail: detail, actor: nil,
            request: request, address: address)
        return .unauthorized(detail)
    }
}
