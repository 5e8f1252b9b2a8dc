import Foundation

/// One card presented at one door, after the caller has done what only it can (read the card, verify the
/// challenge signature and the certificate chain) and established an ``Assurance``.
public struct AccessRequest: Sendable, Hashable {
    public var doorId: String
    public var credential: CredentialKey
    /// What the caller actually proved; the engine caps it by what the credential kind can give.
    public var assurance: Assurance
    /// A PIN typed at the door's keypad, for `card_and_pin` doors.
    public var pin: String?
    public var direction: Direction
    public var time: Date

    public init(
        doorId: String, credential: CredentialKey, assurance: Assurance, pin: String? = nil,
        direction: Direction = .in, time: Date
    ) {
        self.doorId = doorId
        self.credential = credential
        self.assurance = assurance
        self.pin = pin
        self.direction = direction
        self.time = time
    }
}

/// Checks a PIN typed at a door against the person's stored PIN hash.
///
/// The engine has no hash function of its own (Foundation offers none on Linux); the store supplies a verifier
/// that knows its hash scheme. It must be pure and should compare in constant time.
public protocol PINVerifier: Sendable {
    /// Whether `pin` matches `hash`.
    func verify(pin: String, hash: String) -> Bool
}

/// The default verifier: accepts no PIN, so `card_and_pin` doors stay closed until a real verifier is supplied.
public struct RejectingPINVerifier: PINVerifier {
    public init() {}

    public func verify(pin: String, hash: String) -> Bool { false }
}
