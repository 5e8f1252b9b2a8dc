import Credentials

/// Why the daemon could not issue a challenge.
public enum ChallengeRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// No policy is loaded, so no door is known.
    case policyUnavailable
    /// The door is not in the policy in force.
    case unknownDoor(String)
    /// Too many unused challenges are outstanding.
    case challengeLimit(ChallengeIssueError)

    public var description: String {
        switch self {
        case .policyUnavailable: "no access policy is loaded"
        case .unknownDoor(let id): "door '\(id)' is not in the access policy"
        case .challengeLimit(let error): "\(error)"
        }
    }
}
