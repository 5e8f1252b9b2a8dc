/// Why a door was opened or not: one stable snake_case code per decision, part of the HTTP API and the journal.
///
/// ## Precedence
///
/// A request can fail several checks at once; the decision names the **first** failed check in this order
/// (``denialPrecedence``), so the same request always gets the same reason:
///
/// 1. `unknown_door`: the door is not in the snapshot.
/// 2. `challenge_invalid`, `signature_invalid`, `certificate_invalid`: the caller's cryptographic checks of a PIV
///    card, made before the engine is asked (see ``Decision/deny(_:doorId:personId:credentialId:)``).
/// 3. `unknown_credential`: no enrolled card has the presented key.
/// 4. `credential_suspended`, `credential_revoked`, `credential_lost`: the card's status (a card has one status).
/// 5. `credential_not_yet_valid`, `credential_expired`: the card's validity window.
/// 6. `person_inactive`.
/// 7. `lockdown`: a zone on either side of the door (or a zone above it) is locked down and the person is not a
///    responder. It comes before the door's mode so that lockdown also closes free-access doors.
/// 8. `door_locked`: the door's mode (or its current override) is `locked`.
///    A `free_access` door grants here (`granted_free_access`): no level, schedule or assurance is needed.
/// 9. `assurance_too_low`: the assurance established (capped by what the card kind can give) is below the door's.
/// 10. `pin_required`, `pin_invalid`: a `card_and_pin` door without PKI-with-PIN assurance needs a PIN that the
///     injected ``PINVerifier`` accepts for the person.
/// 11. `no_access_level`: no level of the person (directly or through a department), valid now, has the door.
/// 12. `outside_schedule`: some level has the door but none of their schedules is open now.
/// 13. `anti_passback`: the person's recorded zone is not the one this passage leaves (hard mode; soft mode grants
///     and adds `anti_passback` as the decision's advisory).
/// 14. `occupancy_full`: the zone entered is at its maximum occupancy.
/// 15. `escort_required`: a visitor at a door that needs an escort, with no staff member through it within the
///     window.
/// 16. `two_person_pending`: the first of two people at a two-person door; a different person must follow within
///     the window (`granted_two_person`).
///
/// Grants: `granted`, `granted_free_access`, `granted_two_person`, `granted_escorted`.
public enum DecisionReason: String, Sendable, Hashable, CaseIterable, Codable {
    case granted
    case grantedFreeAccess = "granted_free_access"
    case grantedTwoPerson = "granted_two_person"
    case grantedEscorted = "granted_escorted"
    case unknownDoor = "unknown_door"
    case unknownCredential = "unknown_credential"
    case credentialSuspended = "credential_suspended"
    case credentialRevoked = "credential_revoked"
    case credentialLost = "credential_lost"
    case credentialExpired = "credential_expired"
    case credentialNotYetValid = "credential_not_yet_valid"
    case personInactive = "person_inactive"
    case challengeInvalid = "challenge_invalid"
    case signatureInvalid = "signature_invalid"
    case certificateInvalid = "certificate_invalid"
    case assuranceTooLow = "assurance_too_low"
    case pinRequired = "pin_required"
    case pinInvalid = "pin_invalid"
    case doorLocked = "door_locked"
    case lockdown
    case noAccessLevel = "no_access_level"
    case outsideSchedule = "outside_schedule"
    case antiPassback = "anti_passback"
    case occupancyFull = "occupancy_full"
    case escortRequired = "escort_required"
    case twoPersonPending = "two_person_pending"

    /// Whether the code is one of the four grants.
    public var isGrant: Bool {
        switch self {
        case .granted, .grantedFreeAccess, .grantedTwoPerson, .grantedEscorted: true
        default: false
        }
    }

    /// The deny reasons in the order they are checked (earlier wins); reasons on one line of the list above share
    /// a rank because they cannot occur together.
    public static let denialPrecedence: [[DecisionReason]] = [
        [.unknownDoor],
        [.challengeInvalid, .signatureInvalid, .certificateInvalid],
        [.unknownCredential],
        [.credentialSuspended, .credentialRevoked, .credentialLost],
        [.credentialNotYetValid, .credentialExpired],
        [.personInactive],
        [.lockdown],
        [.doorLocked],
        [.assuranceTooLow],
        [.pinRequired, .pinInvalid],
        [.noAccessLevel],
        [.outsideSchedule],
        [.antiPassback],
        [.occupancyFull],
        [.escortRequired],
        [.twoPersonPending],
    ]

    /// The rank of a deny reason in ``denialPrecedence`` (0 first); nil for grants.
    public var precedenceRank: Int? { Self.denialPrecedence.firstIndex { $0.contains(self) } }

    /// The check this reason reports on.
    public var check: PolicyCheck {
        switch self {
        case .granted, .grantedTwoPerson, .grantedEscorted, .grantedFreeAccess: .none
        case .unknownDoor: .door
        case .challengeInvalid, .signatureInvalid, .certificateInvalid: .cryptography
        case .unknownCredential, .credentialSuspended, .credentialRevoked, .credentialLost, .credentialExpired,
            .credentialNotYetValid:
            .credential
        case .personInactive: .person
        case .lockdown: .lockdown
        case .doorLocked: .doorMode
        case .assuranceTooLow: .assurance
        case .pinRequired, .pinInvalid: .pin
        case .noAccessLevel: .accessLevel
        case .outsideSchedule: .schedule
        case .antiPassback: .antiPassback
        case .occupancyFull: .occupancy
        case .escortRequired: .escort
        case .twoPersonPending: .twoPerson
        }
    }
}

/// The checks of the engine, in the order of ``DecisionReason/denialPrecedence``.
public enum PolicyCheck: String, Sendable, Hashable, CaseIterable, Codable {
    case none
    case door
    case cryptography
    case credential
    case person
    case lockdown
    case doorMode = "door_mode"
    case assurance
    case pin
    case accessLevel = "access_level"
    case schedule
    case antiPassback = "anti_passback"
    case occupancy
    case escort
    case twoPerson = "two_person"
}
