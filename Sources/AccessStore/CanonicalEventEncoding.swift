import Crypto
import Foundation

/// The canonical encoding of a journal event: the exact bytes its hash covers.
///
/// `hash(n) = SHA-256(hash(n - 1) || E(n))`, where `hash(0)` is 32 zero bytes, or after retention the
/// anchor's hash, and `E(n)` is the concatenation, with no separators, of:
///
/// 1. the 4 ASCII bytes `CGJ1` (format tag and version);
/// 2. the sequence number as 8 bytes, big-endian two's complement;
/// 3. the time in UTC milliseconds since the Unix epoch as 8 bytes, big-endian two's complement;
/// 4. nine text fields, always in this order: `type`, `door_id`, `zone_id`, `person_id`, `card_id`,
///    `decision`, `reason`, `actor`, `details`. Each is encoded as
///    - the single byte `0x00` when the field is absent (SQL `NULL`), or
///    - the byte `0x01`, then the length of its UTF-8 bytes as 4 bytes big-endian, then those bytes
///      exactly as stored (no Unicode normalisation, no JSON re-encoding of `details`).
///
/// Every field has a fixed position and either a presence byte or a length, so two different events
/// never share an encoding. The previous hash is always exactly 32 bytes.
public enum CanonicalEventEncoding {
    /// The format tag that starts every encoding.
    public static let formatTag: [UInt8] = Array("CGJ1".utf8)
    /// The hash before the first event of a journal that was never pruned.
    public static let genesisHash = Data(repeating: 0, count: 32)

    /// The hash of an event at `sequence` and `timeMilliseconds` following `previousHash`.
    public static func hash(
        previousHash: Data, sequence: Int64, timeMilliseconds: Int64, event: NewJournalEvent
    ) -> Data {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(256 + event.details.utf8.count)
        buffer.append(contentsOf: previousHash)
        appendHeader(sequence: sequence, timeMilliseconds: timeMilliseconds, to: &buffer)
        appendField(event.type.rawValue, to: &buffer)
        appendField(event.doorId, to: &buffer)
        appendField(event.zoneId, to: &buffer)
        appendField(event.personId, to: &buffer)
        appendField(event.cardId, to: &buffer)
        appendField(event.decision?.rawValue, to: &buffer)
        appendField(event.reason, to: &buffer)
        appendField(event.actor, to: &buffer)
        appendField(event.details, to: &buffer)
        return Data(sha256(buffer))
    }

    /// Appends the format tag, the sequence and the time.
    static func appendHeader(sequence: Int64, timeMilliseconds: Int64, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: formatTag)
        withUnsafeBytes(of: sequence.bigEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: timeMilliseconds.bigEndian) { buffer.append(contentsOf: $0) }
    }

    /// Appends one text field given as its stored UTF-8 bytes, or `nil` for SQL `NULL`.
    static func appendField(_ bytes: UnsafeRawBufferPointer?, to buffer: inout [UInt8]) {
        guard let bytes else {
            buffer.append(0)
            return
        }
        buffer.append(1)
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: bytes.count).bigEndian) { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: bytes)
    }

    /// Appends one text field given as a Swift string, or `nil` for SQL `NULL`.
    static func appendField(_ string: String?, to buffer: inout [UInt8]) {
        guard var string else {
            buffer.append(0)
            return
        }
        string.withUTF8 { appendField(UnsafeRawBufferPointer($0), to: &buffer) }
    }

    /// SHA-256 of `bytes`, without intermediate copies.
    static func sha256(_ bytes: [UInt8]) -> SHA256.Digest {
        var hasher = SHA256()
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return hasher.finalize()
    }
}
