/// Enumerations of the policy model, stored as the snake_case strings of the HTTP API.
/// The schema checks each column against exactly these values.
public enum PersonKind: String, Codable, Sendable, CaseIterable { case staff, visitor, contractor }
public enum PersonStatus: String, Codable, Sendable, CaseIterable { case active, inactive }
public enum CardType: String, Codable, Sendable, CaseIterable { case piv, uid }
public enum CardStatus: String, Codable, Sendable, CaseIterable { case active, suspended, revoked, lost }
public enum AntiPassback: String, Codable, Sendable, CaseIterable { case none, soft, hard }
public enum DoorMode: String, Codable, Sendable, CaseIterable {
    case normal
    case freeAccess = "free_access"
    case locked
    case cardAndPin = "card_and_pin"
}
public enum Assurance: String, Codable, Sendable, CaseIterable {
    case uid
    case pkiCak = "pki_cak"
    case pkiAuthPin = "pki_auth_pin"
}
public enum HolidayPolicy: String, Codable, Sendable, CaseIterable {
    case closed, ignore
    case holidayIntervals = "holiday_intervals"
}
public enum HolidayKind: String, Codable, Sendable, CaseIterable { case solar, lunar, once }
public enum TokenRole: String, Codable, Sendable, CaseIterable { case controller, security, auditor, admin }
