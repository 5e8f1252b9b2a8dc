import Foundation
import PIV
import SmartCard
import Synchronization

/// A PIV card in software (SP 800-73-5 part 2): on-card key generation, data objects, PIN and PUK with retry
/// counters, the access rules of each key, a contactless mode, command chaining in and response chaining out.
///
/// Its state lives in a `Mutex`, so it can be shared between the task serving it to pcscd and the test or
/// command that inspects it.
public final class SimulatedPIVCard: SimulatedCard {
    /// The card's ATR: T=1, with "CardGate PIV" as proprietary historical bytes and a correct TCK.
    public static let defaultATR: [UInt8] = {
        let historical = Array("CardGate PIV".utf8)
        let body: [UInt8] = [0x80 | UInt8(historical.count), 0x80, 0x01] + historical
        return [0x3B] + body + [body.reduce(0, ^)]
    }()

    /// Largest command chain the card accepts (a certificate object plus its PUT DATA wrapping).
    static let maxChainLength = PIVApplet.maxObjectSize + 64

    public let atr: [UInt8]
    private let state: Mutex<Transport>

    /// The transport state around the applet: a command chain being received, an answer being sent.
    struct Transport: Sendable {
        var applet: PIVApplet
        var chain: (ins: UInt8, p1: UInt8, p2: UInt8, data: [UInt8])?
        var pendingResponse: [UInt8] = []
    }

    /// - Parameters:
    ///   - image: the card's persistent content; a factory-blank card by default.
    ///   - contactless: whether the card is presented over a contactless interface.
    public init(image: PIVCardImage = .blank(), contactless: Bool = false, atr: [UInt8] = SimulatedPIVCard.defaultATR) {
        self.atr = atr
        self.state = Mutex(Transport(applet: PIVApplet(image: image, contactless: contactless)))
    }

    /// Loads a card from a JSON image file.
    public convenience init(contentsOf url: URL, contactless: Bool = false) throws {
        self.init(image: try PIVCardImage.load(from: url), contactless: contactless)
    }

    /// A snapshot of the card's persistent content (keys included).
    public var image: PIVCardImage { state.withLock { $0.applet.image } }

    /// Saves the card's persistent content as JSON (owner-only permissions).
    public func save(to url: URL) throws { try image.save(to: url) }

    /// Whether the card is in a contactless field, where only the Card Authentication key may be used.
    public var isContactless: Bool {
        get { state.withLock { $0.applet.contactless } }
        set { state.withLock { $0.applet.contactless = newValue } }
    }

    public func reset() {
        state.withLock {
            $0.applet.reset()
            $0.chain = nil
            $0.pendingResponse = []
        }
    }

    public func respond(to command: [UInt8]) -> [UInt8] {
        state.withLock { Self.respond(to: command, in: &$0) }
    }

    static func respond(to bytes: [UInt8], in state: inout Transport) -> [UInt8] {
        guard let command = try? CommandAPDU(bytes: bytes) else {
            state.chain = nil
            state.pendingResponse = []
            return StatusWord.wrongLength.bytes
        }
        if command.ins == 0xC0 && command.cla & 0x10 == 0 {
            guard command.p1 == 0, command.p2 == 0 else { return StatusWord.incorrectP1P2.bytes }
            guard !state.pendingResponse.isEmpty else { return StatusWord.conditionsOfUseNotSatisfied.bytes }
            return nextChunk(of: &state.pendingResponse, le: command.le)
        }
        state.pendingResponse = []
        guard command.cla & ~0x10 == 0 else {
            state.chain = nil
            return (command.cla & 0x0C != 0 ? StatusWord.secureMessagingNotSupported : .classNotSupported).bytes
        }
        var data = command.data
        if let chain = state.chain {
            guard chain.ins == command.ins, chain.p1 == command.p1, chain.p2 == command.p2 else {
                state.chain = nil
                return StatusWord.lastCommandOfChainExpected.bytes
            }
            data = chain.data + data
        }
        guard data.count <= maxChainLength else {
            state.chain = nil
            return StatusWord.wrongLength.bytes
        }
        if command.cla & 0x10 != 0 {
            guard [0x87, 0xDB, 0x47, 0x24, 0x2C].contains(command.ins) else {
                state.chain = nil
                return StatusWord.commandChainingNotSupported.bytes
            }
            state.chain = (command.ins, command.p1, command.p2, data)
            return StatusWord.success.bytes
        }
        state.chain = nil
        let answer = state.applet.process(ins: command.ins, p1: command.p1, p2: command.p2, data: data)
        guard answer.status.isSuccess, !answer.data.isEmpty else { return answer.status.bytes }
        state.pendingResponse = answer.data
        return nextChunk(of: &state.pendingResponse, le: command.le)
    }

    /// Sends up to `le` bytes of the pending answer, ending with `61xx` while more remain. A command without
    /// Le gets up to 256 bytes, as PIV cards answer SELECT and GENERAL AUTHENTICATE sent without Le.
    static func nextChunk(of pending: inout [UInt8], le: Int?) -> [UInt8] {
        let count = min(le ?? 256, pending.count)
        var out = Array(pending[..<count])
        pending.removeFirst(count)
        if pending.isEmpty {
            out += StatusWord.success.bytes
        } else {
            out += StatusWord.bytesRemaining(pending.count >= 256 ? 0 : UInt8(pending.count)).bytes
        }
        return out
    }
}
