import SmartCard
import Synchronization

/// A card holding one transparent file that it hands out in T=0 style: READ BINARY (`00 B0 00 00 Le`)
/// answers with at most `chunkSize` bytes and `61xx` while more remain, GET RESPONSE (`00 C0 00 00 Le`) returns
/// the next part, and a short read asked with the wrong Le gets `6Cxx`.
///
/// It exercises response chaining through the mock reader and through pcscd with the same card.
public final class SimulatedFileCard: SimulatedCard {
    public let atr: [UInt8]
    public let contents: [UInt8]
    public let chunkSize: Int
    /// When set, a READ BINARY whose Le differs from the file's size (for files up to 256 bytes) gets `6Cxx`.
    public let demandsExactLe: Bool
    private let pending = Mutex<ArraySlice<UInt8>?>(nil)

    /// ATR of a generic T=0 card.
    public static let defaultATR: [UInt8] = [0x3B, 0x02, 0x14, 0x50]

    public init(contents: [UInt8], chunkSize: Int = 256, demandsExactLe: Bool = false,
                atr: [UInt8] = SimulatedFileCard.defaultATR) {
        self.contents = contents
        self.chunkSize = max(1, min(chunkSize, 256))
        self.demandsExactLe = demandsExactLe
        self.atr = atr
    }

    public func respond(to command: [UInt8]) -> [UInt8] {
        guard let apdu = try? CommandAPDU(bytes: command) else { return StatusWord.wrongLength.bytes }
        guard apdu.cla & 0xFC == 0 else { return StatusWord.classNotSupported.bytes }
        switch apdu.ins {
        case 0xB0:
            guard apdu.p1 == 0, apdu.p2 == 0 else { return StatusWord.incorrectP1P2.bytes }
            if demandsExactLe, contents.count <= 256, let le = apdu.le, le != contents.count {
                return StatusWord.wrongLe(exact: UInt8(truncatingIfNeeded: contents.count)).bytes
            }
            return pending.withLock { remaining in
                remaining = contents[...]
                return nextChunk(&remaining)
            }
        case 0xC0:
            return pending.withLock { remaining in
                guard remaining != nil else { return StatusWord.conditionsOfUseNotSatisfied.bytes }
                return nextChunk(&remaining)
            }
        default:
            return StatusWord.instructionNotSupported.bytes
        }
    }

    private func nextChunk(_ remaining: inout ArraySlice<UInt8>?) -> [UInt8] {
        guard let rest = remaining else { return StatusWord.conditionsOfUseNotSatisfied.bytes }
        let chunk = rest.prefix(chunkSize)
        let after = rest.dropFirst(chunk.count)
        remaining = after.isEmpty ? nil : after
        let status = after.isEmpty
            ? StatusWord.success : StatusWord.bytesRemaining(UInt8(truncatingIfNeeded: min(after.count, 256)))
        return Array(chunk) + status.bytes
    }

    public func reset() { pending.withLock { $0 = nil } }
}
