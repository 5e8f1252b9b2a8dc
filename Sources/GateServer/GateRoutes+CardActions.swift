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
        let id = try Self.pathId("cardId", context)
        let caller = try await require(RoleSet.administrators, request, context)
        let buffer = try await JSONBody.bytes(of: request, limit: services.configuration.maximumBodySize)
        let reason = buffer.readableBytes == 0 ? nil : try JSONBody.decode(CardActionBody.self, from: buffer).get().reason
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
        let result = try await admin.apply(edit, caller: caller)
        return try JSONResponse.make(.ok, try CardResource(entity: result.entity ?? .card(record)))
    }
}

/// A card state change, named as in its path.
enum CardAction: String, CaseIterable, Sendable {
    case suspend
    case reactivate
    case revoke
    case reportLost = "report-lost"

    /// The status the card gets.
    var target: CardStatus {
        switch self {
        case .suspend: .suspended
        case .reactivate: .active
        case .revoke: .revoked
        case .reportLost: .lost
        }
    }

    /// The statuses it may come from. Revocation is final; a lost card that turns up may be reactivated.
    var allowedFrom: Set<CardStatus> {
        switch self {
        case .suspend: [.active]
        case .reactivate: [.suspended, .lost]
        case .revoke: [.active, .suspended, .lost]
        case .reportLost: [.active, .suspended]
        }
    }

    /// The journal reason of the change.
    var journalReason: String {
        switch self {
        case .suspend: "card_suspended"
        case .reactivate: "card_reactivated"
        case .revoke: "card_revoked"
        case .reportLost: "card_reported_lost"
        }
    }

    /// Why the change is refused from `status`.
    func refusal(from status: CardStatus) -> String {
        if status == target { return "it is already \(status.rawValue)" }
        if status == .revoked { return "a revoked card stays revoked; enrol a new card" }
        return "\(rawValue) applies only to \(allowedFrom.map(\.rawValue).sorted().joined(separator: " or ")) cards"
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
