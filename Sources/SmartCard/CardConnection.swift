internal import CPCSCLite
import Foundation
import Synchronization

/// A connection to the card in one PC/SC reader (`SCardConnect` … `SCardDisconnect`).
///
/// Each connection holds its own `PCSCContext`, which lives as long as the connection. Every PC/SC call runs on
/// the connection's own serial queue (a dedicated thread, not the Swift concurrency pool). A card removed or
/// reset during an exchange surfaces as `PCSCError` `.removedCard` / `.resetCard`; a card that does not answer
/// within `exchangeTimeout` fails with `.timeout` and leaves the connection unusable (the blocked call is
/// abandoned on its thread), so a mute card never hangs the caller.
public final class CardConnection: CardChannel {
    private struct State {
        var atr: [UInt8]
        var activeProtocol: CardProtocols
        var open = true
        var abandoned = false
    }

    /// pcsc-lite's largest extended response: 64 KiB of data plus header, lengths and status word
    /// (`MAX_BUFFER_SIZE_EXTENDED`, a macro Swift cannot import).
    static let maxResponseBytes = 4 + 3 + (1 << 16) + 3 + 2

    public let reader: String
    public let exchangeTimeout: Duration
    private let context: PCSCContext
    private let handle: SCARDHANDLE
    private let queue: DispatchQueue
    private let state: Mutex<State>

    public var atr: [UInt8] { state.withLock { $0.atr } }
    public var activeProtocol: CardProtocols { state.withLock { $0.activeProtocol } }

    private init(reader: String, context: PCSCContext, handle: SCARDHANDLE, protocol active: CardProtocols,
                 atr: [UInt8], queue: DispatchQueue, exchangeTimeout: Duration) {
        self.reader = reader
        self.context = context
        self.handle = handle
        self.queue = queue
        self.exchangeTimeout = exchangeTimeout
        self.state = Mutex(State(atr: atr, activeProtocol: active))
    }

    deinit {
        if state.withLock({ $0.open && !$0.abandoned }) { _ = SCardDisconnect(handle, DWORD(SCARD_LEAVE_CARD)) }
    }

    /// Connects to the card in `reader` (`SCardConnect`, then `SCardStatus` for the ATR).
    /// - Throws: `PCSCError`: `.noService`, `.unknownReader`, `.noSmartcard`, `.sharingViolation`, …
    public static func connect(
        reader: String, share: ShareMode = .shared, protocols: CardProtocols = .any,
        exchangeTimeout: Duration = .seconds(5)
    ) async throws -> CardConnection {
        let queue = DispatchQueue(label: "cardgate.card-connection")
        return try await BlockingCall.run(on: queue, timeout: exchangeTimeout) { () throws(PCSCError) in
            let context = try PCSCContext()
            var handle: SCARDHANDLE = 0
            var active: DWORD = 0
            try PCSCCall.check(
                SCardConnect(context.handle, reader, share.rawValue, protocols.pcscMask, &handle, &active),
                "SCardConnect")
            let atr = try cardATR(handle)
            return CardConnection(reader: reader, context: context, handle: handle,
                                  protocol: CardProtocols(pcscMask: active), atr: atr, queue: queue,
                                  exchangeTimeout: exchangeTimeout)
        }
    }

    private static func cardATR(_ handle: SCARDHANDLE) throws(PCSCError) -> [UInt8] {
        var atr = [UInt8](repeating: 0, count: Int(MAX_ATR_SIZE))
        var atrLength = DWORD(atr.count)
        var readerLength: DWORD = 0
        var cardState: DWORD = 0
        var active: DWORD = 0
        try PCSCCall.check(SCardStatus(handle, nil, &readerLength, &cardState, &active, &atr, &atrLength),
                           "SCardStatus")
        return Array(atr.prefix(Int(atrLength)))
    }

    /// Runs one PC/SC call on the connection's queue, failing fast on a closed or abandoned connection.
    private func call<T: Sendable>(_ function: String, _ body: @escaping @Sendable () throws(PCSCError) -> T)
        async throws -> T
    {
        let usable = state.withLock { $0.open && !$0.abandoned }
        guard usable else { throw PCSCError(.invalidHandle, function: function) }
        do {
            return try await BlockingCall.run(on: queue, timeout: exchangeTimeout, body)
        } catch let error as PCSCError where error.code == .timeout {
            state.withLock { $0.abandoned = true }
            throw PCSCError(.timeout, function: function)
        }
    }

    /// Sends raw command bytes and returns the raw response (`SCardTransmit`).
    public func transmit(raw command: [UInt8]) async throws -> [UInt8] {
        let active = activeProtocol
        let handle = self.handle
        return try await call("SCardTransmit") { () throws(PCSCError) in
            var sendPCI = SCARD_IO_REQUEST(dwProtocol: DWORD(active.pcscMask),
                                           cbPciLength: DWORD(MemoryLayout<SCARD_IO_REQUEST>.size))
            var response = [UInt8](repeating: 0, count: CardConnection.maxResponseBytes)
            var responseLength = DWORD(response.count)
            try PCSCCall.check(
                SCardTransmit(handle, &sendPCI, command, DWORD(command.count), nil, &response, &responseLength),
                "SCardTransmit")
            return Array(response.prefix(Int(responseLength)))
        }
    }

    /// `SCardBeginTransaction`.
    public func beginTransaction() async throws {
        let handle = self.handle
        try await call("SCardBeginTransaction") { () throws(PCSCError) in
            try PCSCCall.check(SCardBeginTransaction(handle), "SCardBeginTransaction")
        }
    }

    /// `SCardEndTransaction`.
    public func endTransaction(disposition: CardDisposition) async throws {
        let handle = self.handle
        try await call("SCardEndTransaction") { () throws(PCSCError) in
            try PCSCCall.check(SCardEndTransaction(handle, disposition.pcscValue), "SCardEndTransaction")
        }
    }

    /// Re-establishes the connection after a reset or to change the share mode (`SCardReconnect`).
    public func reconnect(share: ShareMode = .shared, protocols: CardProtocols = .any,
                          initialization: CardDisposition = .leave) async throws {
        let handle = self.handle
        let (active, atr) = try await call("SCardReconnect") { () throws(PCSCError) in
            var active: DWORD = 0
            try PCSCCall.check(
                SCardReconnect(handle, share.rawValue, protocols.pcscMask, initialization.pcscValue, &active),
                "SCardReconnect")
            return (CardProtocols(pcscMask: active), try CardConnection.cardATR(handle))
        }
        state.withLock {
            $0.activeProtocol = active
            $0.atr = atr
        }
    }

    /// Closes the connection (`SCardDisconnect`); the connection is unusable afterwards.
    public func disconnect(disposition: CardDisposition) async throws {
        let handle = self.handle
        try await call("SCardDisconnect") { () throws(PCSCError) in
            try PCSCCall.check(SCardDisconnect(handle, disposition.pcscValue), "SCardDisconnect")
        }
        state.withLock { $0.open = false }
    }
}

extension ShareMode {
    var rawValue: DWORD {
        switch self {
        case .shared: DWORD(SCARD_SHARE_SHARED)
        case .exclusive: DWORD(SCARD_SHARE_EXCLUSIVE)
        case .direct: DWORD(SCARD_SHARE_DIRECT)
        }
    }
}

extension CardDisposition {
    var pcscValue: DWORD {
        switch self {
        case .leave: DWORD(SCARD_LEAVE_CARD)
        case .reset: DWORD(SCARD_RESET_CARD)
        case .unpower: DWORD(SCARD_UNPOWER_CARD)
        case .eject: DWORD(SCARD_EJECT_CARD)
        }
    }
}

extension CardProtocols {
    var pcscMask: DWORD {
        var mask: DWORD = 0
        if contains(.t0) { mask |= DWORD(SCARD_PROTOCOL_T0) }
        if contains(.t1) { mask |= DWORD(SCARD_PROTOCOL_T1) }
        if contains(.raw) { mask |= DWORD(SCARD_PROTOCOL_RAW) }
        return mask
    }

    init(pcscMask: DWORD) {
        var protocols: CardProtocols = []
        if pcscMask & DWORD(SCARD_PROTOCOL_T0) != 0 { protocols.insert(.t0) }
        if pcscMask & DWORD(SCARD_PROTOCOL_T1) != 0 { protocols.insert(.t1) }
        if pcscMask & DWORD(SCARD_PROTOCOL_RAW) != 0 { protocols.insert(.raw) }
        self = protocols
    }
}
