/// Strict base64 for the wire encodings of the tap API: standard base64 with padding (`certificate`,
/// `signature`) and base64url without padding (`challenge`).
///
/// Strict means one text per byte string: no whitespace, no line breaks, no missing or extra padding, no characters
/// of the other alphabet, and the unused low bits of the last character must be zero. Decoding returns nil on any
/// deviation; the callers turn that into a typed ``WireDecodingError``.
public enum WireBase64 {
    /// The two alphabets of RFC 4648.
    public enum Alphabet: Sendable {
        /// `A–Z a–z 0–9 + /`, padded with `=` to a multiple of four characters (RFC 4648 section 4).
        case standard
        /// `A–Z a–z 0–9 - _`, without padding (RFC 4648 section 5).
        case url
    }

    /// Encodes `bytes` in the given alphabet (padded for `.standard`, unpadded for `.url`).
    public static func encode(_ bytes: some Collection<UInt8>, alphabet: Alphabet) -> String {
        let table: [UInt8] = alphabet == .standard ? standardTable : urlTable
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let word = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            out.append(table[Int(word >> 18 & 63)])
            out.append(table[Int(word >> 12 & 63)])
            if second != nil {
                out.append(table[Int(word >> 6 & 63)])
            } else if alphabet == .standard {
                out.append(UInt8(ascii: "="))
            }
            if third != nil {
                out.append(table[Int(word & 63)])
            } else if alphabet == .standard {
                out.append(UInt8(ascii: "="))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `text` strictly in the given alphabet; nil if it is empty or not the canonical encoding of any bytes.
    public static func decode(_ text: String, alphabet: Alphabet) -> [UInt8]? {
        var utf8 = Array(text.utf8)
        if alphabet == .standard {
            guard utf8.count % 4 == 0 else { return nil }
            var padding = 0
            while padding < 2, utf8.last == UInt8(ascii: "=") {
                utf8.removeLast()
                padding += 1
            }
        } else if utf8.count % 4 == 1 {
            return nil
        }
        guard !utf8.isEmpty else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for character in utf8 {
            guard let value = sextet(character, alphabet: alphabet) else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        // Leftover bits must be zero (canonical form), and a standard text's padding must match its length.
        guard accumulator == 0, bits < 6 else { return nil }
        return out
    }

    private static let standardTable = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlTable = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private static func sextet(_ character: UInt8, alphabet: Alphabet) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+") where alphabet == .standard: 62
        case UInt8(ascii: "/") where alphabet == .standard: 63
        case UInt8(ascii: "-") where alphabet == .url: 62
        case UInt8(ascii: "_") where alphabet == .url: 63
        default: nil
        }
    }
}
