import SmartCard
import Synchronization

/// A card channel that counts the APDUs and bytes passing through another channel, and the time spent
/// waiting for the card, so the cost of an exchange (for example one PKI-CAK) can be reported.
public final class CountingCardChannel: CardChannel {
    /// Totals since creation or the last `reset()`.
    public struct Counts: Hashable, Sendable, CustomStringConvertible {
        /// Command APDUs sent (GET RESPONSE included).
        public var commands = 0
        /// Bytes of command APDUs sent.
        public var bytesSent = 0
        /// Bytes of response APDUs received (status words included).
        public var bytesReceived = 0
        /// Time spent inside the wrapped channel's `transmit`, that is, on the card side of the interface.
        public var transmitDuration = Duration.zero

        public init() {}

        public var description: String {
            "\(commands) APDUs, \(bytesSent) bytes sent, \(bytesReceived) bytes received, "
                + "\(bytesSent + bytesReceived) bytes in all"
        }
    }

    public let base: any CardChannel
    private let state = Mutex(Counts())
    /// Every command and response, when `recording` was set.
    private let log = Mutex<[(command: [UInt8], response: [UInt8])]>([])
    private let recording: Bool

    public init(_ base: any CardChannel, recording: Bool = false) {
        self.base = base
        self.recording = recording
    }

    public var atr: [UInt8] { base.atr }

    /// The totals so far.
    public var counts: Counts { state.withLock { $0 } }

    /// The exchanges recorded so far (empty unless `recording`).
    public var exchanges: [(command: [UInt8], response: [UInt8])] { log.withLock { $0 } }

    /// Clears the totals and the log.
    public func reset() {
        state.withLock { $0 = Counts() }
        log.withLock { $0.removeAll() }
    }

    public func transmit(raw command: [UInt8]) async throws -> [UInt8] {
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await base.transmit(raw: command)
        let elapsed = clock.now - start
        state.withLock {
            $0.commands += 1
            $0.bytesSent += command.count
            $0.bytesReceived += response.count
            $0.transmitDuration += elapsed
        }
        if recording { log.withLock { $0.append((command, response)) } }
        return response
    }

    public func beginTransaction() async throws { try await base.beginTransaction() }
    public func endTransaction(disposition: CardDisposition) async throws {
        try await base.endTransaction(disposition: disposition)
    }
    public func disconnect(disposition: CardDisposition) async throws {
        try await base.disconnect(disposition: disposition)
    }
}
