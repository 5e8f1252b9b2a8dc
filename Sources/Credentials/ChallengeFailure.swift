/// Why a presented challenge was refused (`challenge_invalid`).
public enum ChallengeFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not unpadded base64url of 32 bytes.
    case malformed(WireDecodingError)
    /// Never issued by this authority, or forgotten long ago.
    case unknown
    /// Issued, but presented after its expiry.
    case expired
    /// Already presented once.
    case reused
    /// Issued for another door.
    case otherDoor

    public var description: String {
        switch self {
        case .malformed(let error): "malformed challenge: \(error)"
        case .unknown: "challenge was not issued by this authority"
        case .expired: "challenge expired"
        case .reused: "challenge was already used"
        case .otherDoor: "challenge was issued for another door"
        }
    }
}

/// Why no challenge could be issued.
public enum ChallengeIssueError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The door already has the configured maximum of unused, unexpired challenges.
    case doorLimitReached(limit: Int)
    /// The authority as a whole has the configured maximum of unused, unexpired challenges.
    case totalLimitReached(limit: Int)

    public var description: String {
        switch self {
        case .doorLimitReached(let limit): "the door has \(limit) outstanding challenges"
        case .totalLimitReached(let limit): "the authority has \(limit) outstanding challenges"
        }
    }
}
