/// The `details` object of a journal event, written as JSON text: flat members of strings, integers and booleans,
/// keys in sorted order (as the journal stores details, so equal details are equal text).
///
/// Built on the tap path for every decision, so it writes the bytes itself rather than going through an encoder.
public struct EventDetails: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        case string(String)
        case integer(Int64)
        case bool(Bool)
    }

    private var members: [String: Value] = [:]

    public init() {}

    /// `key: value`, or no member when `value` is nil.
    public subscript(key: String) -> String? {
        get { if case .string(let text)? = members[key] { text } else { nil } }
        set { members[key] = newValue.map(Value.string) }
    }

    public mutating func set(_ key: String, _ value: Value?) {
        members[key] = value
    }

    /// The object as JSON text, e.g. `{"direction":"in","levelId":"staff"}`.
    public var json: String {
        var buffer: [UInt8] = [UInt8(ascii: "{")]
        buffer.reserveCapacity(64 + members.count * 24)
        for (index, key) in members.keys.sorted().enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            Self.appendString(key, to: &buffer)
            buffer.append(UInt8(ascii: ":"))
            switch members[key]! {
            case .string(let text): Self.appendString(text, to: &buffer)
            case .integer(let number): buffer.append(contentsOf: String(number).utf8)
            case .bool(let flag): buffer.append(contentsOf: (flag ? "true" : "false").utf8)
            }
        }
        buffer.append(UInt8(ascii: "}"))
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Appends `value` as a JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8.
    public static func appendString(_ value: String, to buffer: inout [UInt8]) {
        buffer.append(0x22)
        for byte in value.utf8 {
            switch byte {
            case 0x22: buffer.append(contentsOf: [0x5C, 0x22])
            case 0x5C: buffer.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: buffer.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: buffer.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: buffer.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let escape = [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hexDigit(byte >> 4), hexDigit(byte & 0xF)]
                buffer.append(contentsOf: escape)
            default: buffer.append(byte)
            }
        }
        buffer.append(0x22)
    }

    /// The lowercase hex digit of `nibble` (0...15).
    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
