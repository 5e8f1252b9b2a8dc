/// An error returned by a PC/SC call, or raised by a simulated reader in its place.
///
/// `code` keeps every value the PC/SC layer returns, named or not; two errors are equal when their codes are.
public struct PCSCError: Error, Sendable, CustomStringConvertible {
    /// A PC/SC result code (`SCARD_E_*`, `SCARD_W_*`, `SCARD_F_*`), as a struct of named constants so that
    /// codes CardGate does not name are kept.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        public static let internalError = Code(rawValue: 0x8010_0001)
        public static let cancelled = Code(rawValue: 0x8010_0002)
        public static let invalidHandle = Code(rawValue: 0x8010_0003)
        public static let invalidParameter = Code(rawValue: 0x8010_0004)
        public static let noMemory = Code(rawValue: 0x8010_0006)
        public static let insufficientBuffer = Code(rawValue: 0x8010_0008)
        public static let unknownReader = Code(rawValue: 0x8010_0009)
        public static let timeout = Code(rawValue: 0x8010_000A)
        public static let sharingViolation = Code(rawValue: 0x8010_000B)
        public static let noSmartcard = Code(rawValue: 0x8010_000C)
        public static let protocolMismatch = Code(rawValue: 0x8010_000F)
        public static let notReady = Code(rawValue: 0x8010_0010)
        public static let invalidValue = Code(rawValue: 0x8010_0011)
        public static let systemCancelled = Code(rawValue: 0x8010_0012)
        public static let communicationError = Code(rawValue: 0x8010_0013)
        public static let unknownError = Code(rawValue: 0x8010_0014)
        public static let notTransacted = Code(rawValue: 0x8010_0016)
        public static let readerUnavailable = Code(rawValue: 0x8010_0017)
        public static let noService = Code(rawValue: 0x8010_001D)
        public static let serviceStopped = Code(rawValue: 0x8010_001E)
        public static let noReadersAvailable = Code(rawValue: 0x8010_002E)
        public static let unsupportedCard = Code(rawValue: 0x8010_0065)
        public static let unresponsiveCard = Code(rawValue: 0x8010_0066)
        public static let unpoweredCard = Code(rawValue: 0x8010_0067)
        public static let resetCard = Code(rawValue: 0x8010_0068)
        public static let removedCard = Code(rawValue: 0x8010_0069)

        /// The symbolic name pcsc-lite uses, where CardGate knows it.
        public var name: String? { Self.names[self] }

        /// What the code means for an operator.
        public var meaning: String {
            switch self {
            case .cancelled: "the wait was cancelled"
            case .timeout: "the card or reader did not answer in time"
            case .sharingViolation: "another application holds the card exclusively"
            case .noSmartcard: "no card in the reader"
            case .unknownReader: "no such reader"
            case .noService: "pcscd is not running"
            case .serviceStopped: "pcscd stopped"
            case .noReadersAvailable: "no readers available"
            case .readerUnavailable: "the reader is unavailable"
            case .removedCard: "the card was removed"
            case .resetCard: "the card was reset"
            case .unresponsiveCard: "the card does not answer"
            case .unpoweredCard: "the card is not powered"
            case .unsupportedCard: "the card's ATR is not supported"
            case .communicationError: "communication with the reader failed"
            case .protocolMismatch: "the card does not speak the requested protocol"
            default: "PC/SC error"
            }
        }

        public var description: String {
            let hex = "0x" + String(rawValue, radix: 16, uppercase: true)
            return name.map { "\($0) (\(hex))" } ?? hex
        }

        private static let names: [Code: String] = [
            .internalError: "SCARD_F_INTERNAL_ERROR", .cancelled: "SCARD_E_CANCELLED",
            .invalidHandle: "SCARD_E_INVALID_HANDLE", .invalidParameter: "SCARD_E_INVALID_PARAMETER",
            .noMemory: "SCARD_E_NO_MEMORY", .insufficientBuffer: "SCARD_E_INSUFFICIENT_BUFFER",
            .unknownReader: "SCARD_E_UNKNOWN_READER", .timeout: "SCARD_E_TIMEOUT",
            .sharingViolation: "SCARD_E_SHARING_VIOLATION", .noSmartcard: "SCARD_E_NO_SMARTCARD",
            .protocolMismatch: "SCARD_E_PROTO_MISMATCH", .notReady: "SCARD_E_NOT_READY",
            .invalidValue: "SCARD_E_INVALID_VALUE", .systemCancelled: "SCARD_E_SYSTEM_CANCELLED",
            .communicationError: "SCARD_F_COMM_ERROR", .unknownError: "SCARD_F_UNKNOWN_ERROR",
            .notTransacted: "SCARD_E_NOT_TRANSACTED", .readerUnavailable: "SCARD_E_READER_UNAVAILABLE",
            .noService: "SCARD_E_NO_SERVICE", .serviceStopped: "SCARD_E_SERVICE_STOPPED",
            .noReadersAvailable: "SCARD_E_NO_READERS_AVAILABLE", .unsupportedCard: "SCARD_W_UNSUPPORTED_CARD",
            .unresponsiveCard: "SCARD_W_UNRESPONSIVE_CARD", .unpoweredCard: "SCARD_W_UNPOWERED_CARD",
            .resetCard: "SCARD_W_RESET_CARD", .removedCard: "SCARD_W_REMOVED_CARD",
        ]
    }

    public var code: Code
    /// The PC/SC function that failed (`SCardTransmit`, …), or the simulated equivalent.
    public var function: String
    /// Where CardGate made the call.
    public var file: String
    public var line: Int

    public init(_ code: Code, function: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.function = function
        self.file = file
        self.line = line
    }

    /// Whether the card left or was reset: the exchange is over and the card must be presented again.
    ///
    /// Besides the removed/reset codes this includes `SCARD_E_NOT_TRANSACTED` from `SCardTransmit`, which is
    /// how pcsc-lite reports a reader that lost contact with the card mid-exchange before its presence poll has
    /// noticed the removal (`CardConnection` waits a moment for that confirmation first).
    public var isCardGone: Bool {
        code == .removedCard || code == .resetCard || code == .noSmartcard
            || (code == .notTransacted && function == "SCardTransmit")
    }

    /// Whether pcscd itself went away and a new context is needed.
    public var isServiceLost: Bool { code == .noService || code == .serviceStopped }

    public var description: String {
        if code == .noService {
            return "\(function): pcscd is not running: start it with `sudo pcscd` (or `make pcscd` in CardGate)"
        }
        return "\(function): \(code.meaning) [\(code)]"
    }
}

extension PCSCError: Equatable {
    public static func == (lhs: PCSCError, rhs: PCSCError) -> Bool { lhs.code == rhs.code }
}
