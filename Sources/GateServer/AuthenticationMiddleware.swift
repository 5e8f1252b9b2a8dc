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
        guard let secret = Self.bearerSecret(header) else {
            throw await failure("the Authorization header is not a bearer token", request: request, address: address)
        }
        let found: Caller?
        do {
            found = try await services.tokens.authenticate(secret)
        } catch {
            // The token store cannot be read: nothing is allowed (a tap is not decided), and the caller is told
            // the service is unavailable, not that the server failed.
            services.logger.error("cannot check a bearer token", metadata: ["error": "\(error)"])
            throw APIProblem.unavailable("the token store cannot be read; retry", code: "store-unavailable")
        }
        guard let caller = found else {
            throw await failure("invalid or revoked token", request: request, address: address)
        }
        var context = context
        context.caller = caller
        return try await next(request, context)
    }

    /// The token of a `Bearer <token>` header (scheme in any case, spaces and tabs around the token ignored), or
    /// nil for another scheme. Works on the UTF-8 bytes: this runs for every request.
    static func bearerSecret(_ header: String) -> String? {
        let bytes = header.utf8
        guard bytes.count >= 7 else { return nil }
        // ASCII letters compare case-insensitively (setting bit 5 lowers them); the space must be a space.
        guard zip(bytes.prefix(6), "bearer".utf8).allSatisfy({ ($0 | 0x20) == $1 }),
            bytes.dropFirst(6).first == 0x20
        else { return nil }
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = bytes.dropFirst(7).firstIndex(where: { !isBlank($0) }),
            let last = bytes.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(Substring(header.utf8[first...last]))
    }

    private func failure(_ detail: String, request: Request, address: String) async -> APIProblem {
        services.limiter.recordFailure(of: address)
        await GateRoutes.journalAuthFailure(services, reason: "unauthorized", detail: detail, actor: nil,
            request: request, address: address)
        return .unauthorized(detail)
    }
}
