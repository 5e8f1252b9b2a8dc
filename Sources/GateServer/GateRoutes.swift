import AccessStore
import Foundation
import Hummingbird

/// CardGate's HTTP API v1 on a router: the gate-controller, security, token, administration and operations
/// endpoints.
struct GateRoutes: Sendable {
    let services: GateServices

    func register(on router: Router<GateRequestContext>) {
        registerOperations(on: router)
        let v1 = router.group("v1").add(middleware: AuthenticationMiddleware(services: services))
        registerDoors(on: v1)
        registerSecurity(on: v1)
        registerTokens(on: v1)
        registerAdministration(on: v1)
    }

    // MARK: Authorization

    /// The caller, if its role is one of `roles`; otherwise a journaled 403.
    func require(_ roles: Set<TokenRole>, _ request: Request, _ context: GateRequestContext) async throws -> Caller {
        guard let caller = context.caller else { throw APIProblem.unauthorized("missing bearer token") }
        guard roles.contains(caller.role) else {
            let allowed = roles.map(\.rawValue).sorted().joined(separator: ", ")
            throw await forbidden("the \(caller.role.rawValue) role may not do this (allowed: \(allowed))", caller,
                request, context)
        }
        return caller
    }

    /// The controller caller and the door of the path's `doorId`, once the caller is a controller bound to it;
    /// otherwise 401 or a journaled 403. A malformed door id is a door no controller is bound to: it too is a
    /// journaled 403, so that every refused request of a gate controller leaves an event.
    func requireController(_ request: Request, _ context: GateRequestContext) async throws
        -> (caller: Caller, doorId: String)
    {
        let caller = try await require([.controller], request, context)
        let requested = context.parameters.get("doorId") ?? ""
        guard caller.controls(requested) else {
            let shown = requested.utf8.count > 128
                ? String(decoding: requested.utf8.prefix(128), as: UTF8.self) + "…" : requested
            throw await forbidden("this controller token is not bound to door '\(shown)'", caller, request, context)
        }
        // Bound doors have valid ids; checked anyway, as every path id is.
        return (caller, try Self.pathId("doorId", context))
    }

    private func forbidden(
        _ detail: String, _ caller: Caller, _ request: Request, _ context: GateRequestContext
    ) async -> APIProblem {
        await Self.journalAuthFailure(services, reason: "forbidden", detail: detail, actor: caller.tokenId,
            request: request, address: context.peerKey)
        return .forbidden(detail)
    }

    /// Journals a `token_failure` event; a journal failure is logged by the caller's absence of an event only,
    /// since the request is refused either way.
    static func journalAuthFailure(
        _ services: GateServices, reason: String, detail: String, actor: String?, request: Request, address: String
    ) async {
        var details = EventDetails()
        details["address"] = address
        details["method"] = request.method.rawValue
        details["path"] = String(request.uri.path.prefix(256))
        details["detail"] = detail
        _ = try? await services.recorder.record(
            NewJournalEvent(type: .tokenFailure, reason: reason, actor: actor, details: details.json))
    }

    // MARK: Parameters

    /// A path id (door, zone, token): 1 to 128 of `A-Z a-z 0-9 . _ ~ -`, not `.` or `..`.
    static func pathId(_ name: String, _ context: GateRequestContext) throws -> String {
        guard let value = context.parameters.get(name), isValidId(value) else {
            throw APIProblem.badRequest("\(name) must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_', '~', '-'",
                code: "invalid-id")
        }
        return value
    }

    static func isValidId(_ value: String) -> Bool {
        (1...128).contains(value.utf8.count) && value != "." && value != ".."
            && value.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
                    UInt8(ascii: "-"):
                    true
                default: false
                }
            }
    }
}
