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
        let buffer = ScratchBuffer(capacity: 256 + event.details.utf8.count)
        var fields = FieldRanges()
        previousHash.withUnsafeBytes { buffer.append($0) }
        encode(sequence: sequence, timeMilliseconds: timeMilliseconds, event: event, to: buffer, fields: &fields)
        return Data(buffer.sha256())
    }

    /// Where the text fields of an encoding lie in its buffer: byte offset and length, or `nil` for `NULL`.
    ///
    /// Lets the journal bind a field's stored bytes straight from the buffer it hashed, without copying.
    struct FieldRanges {
        static let count = 9
        var ranges: [Range<Int>?] = Array(repeating: nil, count: count)
    }

    /// Appends `E(n)` (everything after the previous hash) to `buffer`, recording where each text field lies.
    static func encode(
        sequence: Int64, timeMilliseconds: Int64, event: NewJournalEvent, to buffer: ScratchBuffer,
        fields: inout FieldRanges
    ) {
        appendHeader(sequence: sequence, timeMilliseconds: timeMilliseconds, to: buffer)
        appendField(event.type.rawValue, to: buffer, index: 0, fields: &fields)
        appendField(event.doorId, to: buffer, index: 1, fields: &fields)
        appendField(event.zoneId, to: buffer, index: 2, fields: &fields)
        appendField(event.personId, to: buffer, index: 3, fields: &fields)
        appendField(event.cardId, to: buffer, index: 4, fields: &fields)
        appendField(event.decision?.rawValue, to: buffer, index: 5, fields: &fields)
        appendField(event.reason, to: buffer, index: 6, fields: &fields)
        appendField(event.actor, to: buffer, index: 7, fields: &fields)
        appendField(event.details, to: buffer, index: 8, fields: &fields)
    }

    private static func appendField(
        _ string: String?, to buffer: ScratchBuffer, index: Int, fields: inout FieldRanges
    ) {
        guard var string else {
            appendField(nil, count: 0, isNull: true, to: buffer)
            fields.ranges[index] = nil
            return
        }
        string.withUTF8 { bytes in
            let start = buffer.count + 5
            appendField(bytes.baseAddress, count: bytes.count, isNull: false, to: buffer)
            fields.ranges[index] = start..<(start + bytes.count)
        }
    }

    /// Appends the format tag, the sequence and the time.
    static func appendHeader(sequence: Int64, timeMilliseconds: Int64, to buffer: ScratchBuffer) {
        formatTag.withUnsafeBytes { buffer.append($0) }
        buffer.append(bigEndian: sequence)
        buffer.append(bigEndian: timeMilliseconds)
    }

    /// Appends one text field given as its stored UTF-8 bytes, or `nil` for SQL `NULL`.
    static func appendField(_ bytes: UnsafeRawPointer?, count: Int, isNull: Bool, to buffer: ScratchBuffer) {
        guard !isNull else {
            buffer.append(byte: 0)
            return
        }
        buffer.append(byte: 1)
        buffer.append(bigEndian: UInt32(truncatingIfNeeded: count))
        buffer.append(bytes, count: count)
    }
}
