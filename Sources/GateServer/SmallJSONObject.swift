/// A reader for the small JSON bodies of the tap path: one object whose members are strings or objects of
/// strings, at most two levels deep.
///
/// It is a fast path, not a second JSON parser to trust: it returns nil for anything outside that shape (numbers,
/// literals, arrays, deeper nesting, a repeated key, an invalid escape or invalid UTF-8), and the caller then
/// decodes with `JSONDecoder`, which accepts or refuses the body and says why. Where it does return a value, the
/// value is what `JSONDecoder` reads from the same bytes (a property test holds it to that).
enum SmallJSONObject {
    enum Value: Hashable {
        case string(String)
        case object([String: Value])
    }

    /// The object in `bytes`, or nil when the body is not a small object of strings.
    static func parse(_ bytes: some Collection<UInt8>) -> [String: Value]? {
        let parsed: [String: Value]?? = bytes.withContiguousStorageIfAvailable { buffer in
            var reader = Reader(bytes: buffer)
            reader.skipBlanks()
            guard let object = reader.object(depth: 1) else { return nil }
            reader.skipBlanks()
            return reader.isAtEnd ? object : nil
        }
        if let parsed { return parsed }
        return parse(Array(bytes))
    }

    /// The first key that appears twice in one object anywhere in `bytes`, compared unescaped. `JSONDecoder`
    /// keeps the first of them and ignores the rest, where other parsers keep the last: a body meant to be read
    /// one way by the daemon and another by a proxy or a log. Nil when no key repeats, or when the walk meets
    /// something that is not JSON (`JSONDecoder` then refuses it and says why).
    static func firstRepeatedKey(in bytes: some Collection<UInt8>) -> String? {
        let found: Walk? = bytes.withContiguousStorageIfAvailable { buffer in
            var reader = Reader(bytes: buffer)
            reader.skipBlanks()
            return reader.walk(depth: 0)
        }
        guard let found else { return firstRepeatedKey(in: Array(bytes)) }
        if case .repeated(let key) = found { return key }
        return nil
    }

    /// How a walk over a value ended.
    private enum Walk {
        case complete
        case repeated(String)
        case notJSON
    }

    /// Nesting the walk follows; deeper bodies are left to `JSONDecoder`, which refuses them.
    private static let maximumWalkDepth = 512

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        var isAtEnd: Bool { position == bytes.count }

        mutating func skipBlanks() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        /// `{ "key": value, ... }` where a value is a string or, above `depth` 2, an object.
        mutating func object(depth: Int) -> [String: Value]? {
            guard take(UInt8(ascii: "{")) else { return nil }
            var members: [String: Value] = [:]
            skipBlanks()
            if take(UInt8(ascii: "}")) { return members }
            while true {
                skipBlanks()
                guard let key = string() else { return nil }
                skipBlanks()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipBlanks()
                // The next byte chooses the kind of value: a string that fails to read must not be tried again
                // as an object from the middle of its bytes.
                let value: Value
                if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
                    guard let text = string() else { return nil }
                    value = .string(text)
                } else if depth < 2, let nested = object(depth: depth + 1) {
                    value = .object(nested)
                } else {
                    return nil
                }
                guard members.updateValue(value, forKey: key) == nil else { return nil }
                skipBlanks()
                if take(UInt8(ascii: "}")) { return members }
                guard take(UInt8(ascii: ",")) else { return nil }
            }
        }

        /// Walks one value (blanks before it skipped), looking for a key repeated within one object.
        mutating func walk(depth: Int) -> Walk {
            guard depth < SmallJSONObject.maximumWalkDepth, position < bytes.count else { return .notJSON }
            switch bytes[position] {
            case UInt8(ascii: "{"):
                position += 1
                var keys = Set<String>()
                return members(closedBy: UInt8(ascii: "}")) { reader in
                    guard let key = reader.string() else { return .notJSON }
                    guard keys.insert(key).inserted else { return .repeated(key) }
                    reader.skipBlanks()
                    guard reader.take(UInt8(ascii: ":")) else { return .notJSON }
                    reader.skipBlanks()
                    return reader.walk(depth: depth + 1)
                }
            case UInt8(ascii: "["):
                position += 1
                return members(closedBy: UInt8(ascii: "]")) { reader in reader.walk(depth: depth + 1) }
            case UInt8(ascii: "\""):
                return string() == nil ? .notJSON : .complete
            default:
                // A number or a literal: the bytes up to the next delimiter.
                let start = position
                while position < bytes.count, !Self.delimiters.contains(bytes[position]) { position += 1 }
                return position > start ? .complete : .notJSON
            }
        }

        static let delimiters: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "]"),
            UInt8(ascii: "}")]

        /// The comma-separated members of an object or array after its opening bracket, through `close`.
        mutating func members(closedBy close: UInt8, _ member: (inout Reader) -> Walk) -> Walk {
            skipBlanks()
            if take(close) { return .complete }
            while true {
                skipBlanks()
                let walked = member(&self)
                guard case .complete = walked else { return walked }
                skipBlanks()
                if take(close) { return .complete }
                guard take(UInt8(ascii: ",")) else { return .notJSON }
            }
        }

        /// A JSON string: `\"` `\\` `\/` `\b` `\f` `\n` `\r` `\t` and `\uXXXX` (surrogate pairs joined) unescaped;
        /// nil for a control character, a lone surrogate, an unknown escape or invalid UTF-8.
        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            var decoded: [UInt8] = []
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(validating: decoded, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard position < bytes.count else { return nil }
                    let escape = bytes[position]
                    position += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
                    case UInt8(ascii: "b"): decoded.append(0x08)
                    case UInt8(ascii: "f"): decoded.append(0x0C)
                    case UInt8(ascii: "n"): decoded.append(0x0A)
                    case UInt8(ascii: "r"): decoded.append(0x0D)
                    case UInt8(ascii: "t"): decoded.append(0x09)
                    case UInt8(ascii: "u"):
                        guard let scalar = unicodeEscape() else { return nil }
                        decoded.append(contentsOf: String(Character(scalar)).utf8)
                    default: return nil
                    }
                case 0..<0x20:
                    return nil
                default:
                    decoded.append(byte)
                }
            }
            return nil
        }

        /// The scalar of `XXXX` after `\u`, reading a second `\uXXXX` for a surrogate pair.
        mutating func unicodeEscape() -> Unicode.Scalar? {
            guard let high = hex4() else { return nil }
            switch high {
            case 0xD800..<0xDC00:
                guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = hex4(),
                    (0xDC00..<0xE000).contains(low)
                else { return nil }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
            case 0xDC00..<0xE000:
                return nil
            default:
                return Unicode.Scalar(high)
            }
        }

        mutating func hex4() -> UInt32? {
            guard position + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[position]
                position += 1
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
    }
}
