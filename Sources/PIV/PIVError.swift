import SmartCard

/// Why a PIV operation failed: a status word from the card with its PIV meaning, or a card answer that
/// CardGate could not accept.
public enum PIVError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The card refused a command with a status word; `command` names the command.
    case card(PIVStatus, command: String)
    /// The card's answer is not what the standard allows (wrong tags, lengths, encodings).
    case malformedResponse(String)
    /// A data object is not valid (FASC-N parity, CHUID fields, certificate DER).
    case invalidObject(PIVObjectTag, String)
    /// The card holds a compressed certificate that could not be inflated.
    case decompressionFailed(String)
    /// The card application is not PIV (SELECT failed or the answer is not a PIV template).
    case notPIVCard(String)
    /// An algorithm CardGate cannot use for this operation.
    case unsupportedAlgorithm(PIVAlgorithm)
    /// The card failed the management key's mutual authentication: it does not hold the same key.
    case managementKeyMismatch
    /// A caller-supplied value is not acceptable (PIN format, key length, data size).
    case invalidArgument(String)
    /// A command could not be encoded.
    case apdu(APDUError)

    /// Whether this is a wrong PIN with tries left, and how many.
    public var pinTriesLeft: Int? {
        if case .card(.verificationFailed(let left), _) = self { return left }
        return nil
    }

    public var description: String {
        switch self {
        case .card(let status, let command): "\(command): \(status)"
        case .malformedResponse(let why): "malformed card answer: \(why)"
        case .invalidObject(let tag, let why): "invalid PIV object \(tag): \(why)"
        case .decompressionFailed(let why): "compressed certificate could not be inflated: \(why)"
        case .notPIVCard(let why): "not a PIV card: \(why)"
        case .unsupportedAlgorithm(let algorithm): "unsupported algorithm \(algorithm)"
        case .managementKeyMismatch: "the card did not prove knowledge of the management key"
        case .invalidArgument(let why): why
        case .apdu(let error): error.description
        }
    }

    /// Converts a TLV decoding error into a malformed-answer error.
    static func tlv(_ error: TLVError, in context: String) -> PIVError {
        .malformedResponse("\(context): \(error)")
    }
}

/// A PIV status word with its meaning in SP 800-73-5 part 2 (the status words of each command).
public enum PIVStatus: Hashable, Sendable, CustomStringConvertible {
    /// `6982`: PIN not verified, management key not authenticated, or key unusable over this interface.
    case securityStatusNotSatisfied
    /// `63Cx`: wrong PIN, PUK or reference data, `x` tries left.
    case verificationFailed(triesLeft: Int)
    /// `6983`: the PIN or PUK is blocked.
    case blocked
    /// `6A82`: the data object or application does not exist.
    case notFound
    /// `6A80`: wrong data in the command (bad template, wrong PIN format, wrong algorithm for the key).
    case incorrectData
    /// `6700`: wrong command length.
    case wrongLength
    /// `6A86` or `6B00`: wrong P1 or P2.
    case incorrectParameters
    /// `6A88`: the key reference or reference data does not exist.
    case referenceNotFound
    /// `6A84`: not enough memory for the object.
    case notEnoughMemory
    /// `6985` or `6986`: conditions of use not satisfied, command not allowed.
    case conditionsNotSatisfied
    /// `6D00`, `6E00`, `6A81`: instruction, class or function not supported.
    case notSupported
    /// `6883`, `6884`: a command chain was broken or is not supported.
    case chainingError
    /// Any other status word, kept as it came.
    case other(StatusWord)

    public init(_ statusWord: StatusWord) {
        if let left = statusWord.triesLeft {
            self = .verificationFailed(triesLeft: left)
            return
        }
        switch statusWord {
        case .securityStatusNotSatisfied: self = .securityStatusNotSatisfied
        case .authenticationMethodBlocked: self = .blocked
        case .fileNotFound: self = .notFound
        case .incorrectDataParameters: self = .incorrectData
        case .wrongLength: self = .wrongLength
        case .incorrectP1P2, .wrongParameters: self = .incorrectParameters
        case .referenceDataNotFound: self = .referenceNotFound
        case .notEnoughMemory: self = .notEnoughMemory
        case .conditionsOfUseNotSatisfied, .commandNotAllowed: self = .conditionsNotSatisfied
        case .instructionNotSupported, .classNotSupported, .functionNotSupported: self = .notSupported
        case .lastCommandOfChainExpected, .commandChainingNotSupported: self = .chainingError
        default: self = .other(statusWord)
        }
    }

    public var description: String {
        switch self {
        case .securityStatusNotSatisfied:
            "security status not satisfied (PIN or management key needed, or key not usable here) [6982]"
        case .verificationFailed(let left): "verification failed, \(left) tries left [63C\(String(left, radix: 16))]"
        case .blocked: "PIN or PUK blocked [6983]"
        case .notFound: "data object or application not found [6A82]"
        case .incorrectData: "incorrect data in the command [6A80]"
        case .wrongLength: "wrong length [6700]"
        case .incorrectParameters: "incorrect parameters P1-P2 [6A86]"
        case .referenceNotFound: "key or reference data not found [6A88]"
        case .notEnoughMemory: "not enough memory on the card [6A84]"
        case .conditionsNotSatisfied: "conditions of use not satisfied [6985]"
        case .notSupported: "instruction not supported [6D00]"
        case .chainingError: "command chaining error [6883]"
        case .other(let statusWord): statusWord.description
        }
    }
}
