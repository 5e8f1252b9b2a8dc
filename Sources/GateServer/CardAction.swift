import AccessStore

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
