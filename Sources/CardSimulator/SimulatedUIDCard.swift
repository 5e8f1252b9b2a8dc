import SmartCard
import Synchronization

/// A legacy contactless card that only has a UID, as a PC/SC contactless reader presents it: it answers
/// the pseudo-APDU `FF CA 00 00 Le` with its UID and nothing else.
public final class SimulatedUIDCard: SimulatedCard {
    public let uid: [UInt8]
    public let atr: [UInt8]
    private let commandsSeen = Mutex(0)

    /// PC/SC part 3 ATR of a MIFARE Classic 1K as contactless readers synthesise it.
    public static let mifareClassicATR: [UInt8] = [
        0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06, 0x03, 0x00, 0x01, 0x00, 0x00,
        0x00, 0x00, 0x6A,
    ]

    /// - Parameter uid: 4, 7 or 10 bytes, as ISO/IEC 14443-3 allows.
    public init(uid: [UInt8], atr: [UInt8] = SimulatedUIDCard.mifareClassicATR) {
        self.uid = uid
        self.atr = atr
    }

    /// How many commands the card has answered (for tests).
    public var commandCount: Int { commandsSeen.withLock { $0 } }

    public func respond(to command: [UInt8]) -> [UInt8] {
        commandsSeen.withLock { $0 += 1 }
        guard let apdu = try? CommandAPDU(bytes: command) else { return StatusWord.wrongLength.bytes }
        guard apdu.cla == 0xFF else { return StatusWord.classNotSupported.bytes }
        guard apdu.ins == 0xCA else { return StatusWord.instructionNotSupported.bytes }
        guard apdu.p1 == 0x00, apdu.p2 == 0x00 else { return StatusWord.incorrectP1P2.bytes }
        let le = apdu.le ?? 256
        if le < uid.count && le != 256 { return StatusWord.wrongLe(exact: UInt8(uid.count)).bytes }
        return uid + StatusWord.success.bytes
    }

    public func reset() {}
}
