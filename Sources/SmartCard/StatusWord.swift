/// The two status bytes SW1 SW2 that end every response APDU (ISO/IEC 7816-4).
///
/// A `RawRepresentable` struct rather than an enum, so status words that CardGate does not name are kept
/// as they came from the card, not lost.
public struct StatusWord: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(sw1: UInt8, sw2: UInt8) { self.rawValue = UInt16(sw1) << 8 | UInt16(sw2) }

    public var sw1: UInt8 { UInt8(rawValue >> 8) }
    public var sw2: UInt8 { UInt8(rawValue & 0xFF) }

    public static let success = StatusWord(rawValue: 0x9000)
    public static let warningNoInformation = StatusWord(rawValue: 0x6200)
    public static let endOfFileReached = StatusWord(rawValue: 0x6282)
    public static let memoryFailure = StatusWord(rawValue: 0x6581)
    public static let wrongLength = StatusWord(rawValue: 0x6700)
    public static let logicalChannelNotSupported = StatusWord(rawValue: 0x6881)
    public static let secureMessagingNotSupported = StatusWord(rawValue: 0x6882)
    public static let lastCommandOfChainExpected = StatusWord(rawValue: 0x6883)
    public static let commandChainingNotSupported = StatusWord(rawValue: 0x6884)
    public static let securityStatusNotSatisfied = StatusWord(rawValue: 0x6982)
    public static let authenticationMethodBlocked = StatusWord(rawValue: 0x6983)
    public static let referenceDataNotUsable = StatusWord(rawValue: 0x6984)
    public static let conditionsOfUseNotSatisfied = StatusWord(rawValue: 0x6985)
    public static let commandNotAllowed = StatusWord(rawValue: 0x6986)
    public static let incorrectDataParameters = StatusWord(rawValue: 0x6A80)
    public static let functionNotSupported = StatusWord(rawValue: 0x6A81)
    public static let fileNotFound = StatusWord(rawValue: 0x6A82)
    public static let notEnoughMemory = StatusWord(rawValue: 0x6A84)
    public static let incorrectP1P2 = StatusWord(rawValue: 0x6A86)
    public static let referenceDataNotFound = StatusWord(rawValue: 0x6A88)
    public static let wrongParameters = StatusWord(rawValue: 0x6B00)
    public static let instructionNotSupported = StatusWord(rawValue: 0x6D00)
    public static let classNotSupported = StatusWord(rawValue: 0x6E00)
    public static let noPreciseDiagnosis = StatusWord(rawValue: 0x6F00)

    /// `61xx`: more response bytes are waiting; fetch them with GET RESPONSE.
    public static func bytesRemaining(_ count: UInt8) -> StatusWord { StatusWord(sw1: 0x61, sw2: count) }
    /// `6Cxx`: wrong Le; resend the same command with Le = xx.
    public static func wrongLe(exact count: UInt8) -> StatusWord { StatusWord(sw1: 0x6C, sw2: count) }
    /// `63Cx`: verification failed, `x` tries left.
    public static func verificationFailed(triesLeft: Int) -> StatusWord {
        StatusWord(sw1: 0x63, sw2: 0xC0 | UInt8(clamping: min(max(triesLeft, 0), 15)))
    }

    public var isSuccess: Bool { self == .success }

    /// The two bytes SW1 SW2.
    public var bytes: [UInt8] { [sw1, sw2] }

    /// Number of bytes the card still holds when this is `61xx` (`00` means 256 or more).
    public var bytesRemaining: Int? {
        guard sw1 == 0x61 else { return nil }
        return sw2 == 0 ? 256 : Int(sw2)
    }

    /// The exact Le the card asks for when this is `6Cxx` (`00` means 256).
    public var exactLe: Int? {
        guard sw1 == 0x6C else { return nil }
        return sw2 == 0 ? 256 : Int(sw2)
    }

    /// Tries left when this is `63Cx` (verification failed).
    public var triesLeft: Int? {
        guard sw1 == 0x63, sw2 & 0xF0 == 0xC0 else { return nil }
        return Int(sw2 & 0x0F)
    }

    /// What the status word means, in words an operator understands.
    public var meaning: String {
        if let remaining = bytesRemaining { return "\(remaining) more response bytes available" }
        if let exact = exactLe { return "wrong Le; the card expects Le = \(exact)" }
        if let tries = triesLeft { return "verification failed, \(tries) tries left" }
        switch self {
        case .success: return "success"
        case .warningNoInformation: return "warning: state of non-volatile memory unchanged"
        case .endOfFileReached: return "end of file reached before reading Le bytes"
        case .memoryFailure: return "memory failure"
        case .wrongLength: return "wrong length"
        case .logicalChannelNotSupported: return "logical channel not supported"
        case .secureMessagingNotSupported: return "secure messaging not supported"
        case .lastCommandOfChainExpected: return "last command of the chain expected"
        case .commandChainingNotSupported: return "command chaining not supported"
        case .securityStatusNotSatisfied: return "security status not satisfied"
        case .authenticationMethodBlocked: return "authentication method blocked"
        case .referenceDataNotUsable: return "reference data not usable"
        case .conditionsOfUseNotSatisfied: return "conditions of use not satisfied"
        case .commandNotAllowed: return "command not allowed"
        case .incorrectDataParameters: return "incorrect parameters in the command data field"
        case .functionNotSupported: return "function not supported"
        case .fileNotFound: return "file or application not found"
        case .notEnoughMemory: return "not enough memory space"
        case .incorrectP1P2: return "incorrect parameters P1-P2"
        case .referenceDataNotFound: return "referenced data or reference data not found"
        case .wrongParameters: return "wrong parameters P1-P2"
        case .instructionNotSupported: return "instruction code not supported or invalid"
        case .classNotSupported: return "class not supported"
        case .noPreciseDiagnosis: return "no precise diagnosis"
        default:
            switch sw1 {
            case 0x62, 0x63: return "warning"
            case 0x64, 0x65: return "execution error"
            case 0x67...0x6F: return "checking error"
            default: return "unknown status"
            }
        }
    }

    public var description: String {
        let hex = String(rawValue, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - hex.count) + hex + " (\(meaning))"
    }
}
