import AccessPolicy
import Credentials
import Foundation

/// One tap as the daemon receives it, from a gate controller over HTTP or from one of its own local doors.
///
/// The door-side seam is DoorAgent's `AccessAuthority`; ``LocalAccessAuthority`` conforms to it and, for the HTTP
/// routes, offers ``LocalAccessAuthority/decide(_:)`` with this richer request and outcome.
public struct AccessAttempt: Sendable, Hashable {
    public var doorId: String
    /// The credential presented; nil when the request could not be decoded (see ``inputProblem``) or when
    /// ``cardTap`` carries it.
    public var credential: WireCredential?
    /// The credential already decoded, as a local door's reader delivers it; used instead of ``credential``.
    public var cardTap: CardTap?
    public var pin: String?
    public var direction: Direction
    /// Who presented it (the controller's token id, or `local:<door>`), for the journal.
    public var actor: String?
    /// Why the request is malformed; such a request is journaled as a deny and answered with a 4xx.
    public var inputProblem: String?

    public init(
        doorId: String, credential: WireCredential?, pin: String? = nil, direction: Direction = .in,
        actor: String? = nil, inputProblem: String? = nil, cardTap: CardTap? = nil
    ) {
        self.doorId = doorId
        self.credential = credential
        self.cardTap = cardTap
        self.pin = pin
        self.direction = direction
        self.actor = actor
        self.inputProblem = inputProblem
    }
}
