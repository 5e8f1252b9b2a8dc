/// An open connection to one card: the interface every card application (PIV, UID reading) is written
/// against, implemented by the PC/SC `CardConnection` and by the simulator's mock reader.
public protocol CardChannel: Sendable {
    /// The answer-to-reset of the connected card.
    var atr: [UInt8] { get }

    /// Sends raw command bytes and returns the raw response bytes, with no chaining or retries.
    /// - Throws: `PCSCError` (for example `.removedCard`, `.resetCard`, `.timeout`).
    func transmit(raw command: [UInt8]) async throws -> [UInt8]

    /// Begins a transaction: no other application talks to the card until it ends.
    func beginTransaction() async throws
    /// Ends the transaction begun last.
    func endTransaction(disposition: CardDisposition) async throws
    /// Closes the connection; the channel is unusable afterwards.
    func disconnect(disposition: CardDisposition) async throws
}

extension CardChannel {
    /// Runs `body` inside a transaction that always ends, even when `body` throws.
    public func withTransaction<Result: Sendable>(
        disposition: CardDisposition = .leave,
        _ body: () async throws -> Result
    ) async throws -> Result {
        try await beginTransaction()
        do {
            let result = try await body()
            try await endTransaction(disposition: disposition)
            return result
        } catch {
            try? await endTransaction(disposition: disposition)
            throw error
        }
    }

    /// Sends a command and returns the complete response: `61xx` answers are followed by GET RESPONSE
    /// until the card has sent everything, and a `6Cxx` answer is resent once with the Le the card asked for.
    ///
    /// This is the one place in CardGate that implements response chaining; every card application uses it.
    /// - Parameter maxResponseLength: a card asking for GET RESPONSE beyond this many bytes (or for more rounds
    ///   than that many bytes could need) is broken or hostile; the exchange fails with
    ///   `APDUError.chainingLimitExceeded` instead of looping.
    public func send(_ command: CommandAPDU, maxResponseLength: Int = 1 << 20) async throws -> ResponseAPDU {
        var response = try ResponseAPDU(bytes: try await transmit(raw: command.encoded()))
        if let exact = response.statusWord.exactLe {
            response = try ResponseAPDU(bytes: try await transmit(raw: command.with(le: exact).encoded()))
        }
        var data = response.data
        var rounds = 0
        while let remaining = response.statusWord.bytesRemaining {
            rounds += 1
            guard rounds <= maxResponseLength / 256 + 1 else { throw APDUError.chainingLimitExceeded(data.count) }
            let getResponse = try CommandAPDU(cla: command.cla & 0x03, ins: 0xC0, p1: 0, p2: 0, le: remaining)
            response = try ResponseAPDU(bytes: try await transmit(raw: getResponse.encoded()))
            if let exact = response.statusWord.exactLe {
                response = try ResponseAPDU(bytes: try await transmit(raw: getResponse.with(le: exact).encoded()))
            }
            data.append(contentsOf: response.data)
            guard data.count <= maxResponseLength else { throw APDUError.chainingLimitExceeded(data.count) }
        }
        return ResponseAPDU(data: data, statusWord: response.statusWord)
    }

    /// Reads the card's UID through the PC/SC pseudo-APDU `FF CA 00 00 00` that contactless readers
    /// answer for the card in their field.
    /// - Throws: `CardCommandError` when the reader or card refuses.
    public func readUID() async throws -> [UInt8] {
        let command = try CommandAPDU(cla: 0xFF, ins: 0xCA, p1: 0, p2: 0, le: 256)
        let response = try await send(command)
        guard response.statusWord.isSuccess, !response.data.isEmpty else {
            throw CardCommandError(command: "GET UID", statusWord: response.statusWord)
        }
        return response.data
    }
}

/// A command that the card answered with a status word other than success.
public struct CardCommandError: Error, Hashable, Sendable, CustomStringConvertible {
    public var command: String
    public var statusWord: StatusWord

    public init(command: String, statusWord: StatusWord) {
        self.command = command
        self.statusWord = statusWord
    }

    public var description: String { "\(command) failed: \(statusWord)" }
}
