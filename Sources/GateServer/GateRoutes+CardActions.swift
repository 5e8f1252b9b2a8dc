import AccessStore
import Foundation
import Hummingbird

/// The card state changes: `POST /v1/cards/{cardId}/suspend|reactivate|revoke|report-lost` with `{reason?}`.
extension GateRoutes {
    func registerCardActions(admin: Administration, on group: RouterGroup<GateRequestContext>) {
        for action in CardAction.allCases {
            group.post(RouterPath("cards/:cardId/\(action.rawValue)")) { request, context in
                try await changeCardStatus(action, request, context, admin: admin)
            }
        }
    }

    /// Moves the card to the action's status if its current status allows it (409 otherwise), recording the
    /// reason given; → 200 with the card.
    func changeCardStatus(
        _ action: CardAction, _ request: Request, _ context: GateRequestContext, admin: Administration
    ) async throws -> Response {
        let caller = try await require(RoleSet.administrators, request, context)
        let id = try Self.pathId("cardId", context)
        let buffer = try await JSONBody.bytes(of: request, limit: services.configuration.maximumBodySize,
            within: services.configuration.requestBodyTimeout)
        let reason =
            buffer.readableBytes == 0 ? nil : try JSONBody.decode(CardActionBody.self, from: buffer).get().reason
        let (previous, card) = try await Self.stored(CardResource.self, id: id, admin: admin)
        guard case .card(var record) = previous else { throw CardResource.wrongEntity(previous) }
        guard action.allowedFrom.contains(card.status) else {
            throw APIProblem(.conflict, code: "invalid-transition",
                detail: "card '\(id)' is \(card.status.rawValue): \(action.refusal(from: card.status))")
        }
        record.status = action.target
        record.statusReason = reason
        var notes = ["from": card.status.rawValue, "to": action.target.rawValue]
        if let reason { notes["reason"] = reason }
        let edit = AdminEdit(.update(.card(record), previous: previous), reason: action.journalReason,
            fields: ["status"], notes: notes)
        let (result, inForce) = try await admin.apply(edit, caller: caller)
        let changed = try CardResource(entity: result.entity ?? .card(record))
        return Administration.marked(try JSONResponse.make(.ok, changed), inForce: inForce)
    }
}

/// `{reason?}`.
struct CardActionBody: Decodable {
    var reason: String?

    init(from decoder: any Decoder) throws {
        let fields = try AdminFields(decoder, allowed: ["reason"])
        reason = try fields.string("reason", maximumLength: 500)
    }
}
