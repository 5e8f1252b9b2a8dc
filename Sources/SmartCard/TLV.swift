/// One BER-TLV data object: a tag and its value bytes.
///
/// Decoding is strict: truncated tags, lengths or values, indefinite lengths and length fields over
/// four bytes are `TLVError` values, never a crash. Non-minimal length encodings (`81 05`) are accepted
/// because cards in the field send them; encoding always uses the minimal form.
public struct TLV: Hashable, Sendable, CustomStringConvertible {
    public var tag: TLVTag
    public var value: [UInt8]

    public init(tag: TLVTag, value: [UInt8]) {
        self.tag = tag
        self.value = value
    }

    /// A constructed object whose value is the concatenation of `children`.
    public init(tag: TLVTag, children: [TLV]) {
        self.tag = tag
        self.value = children.flatMap(\.encoded)
    }

    /// Tag, minimal length and value.
    public var encoded: [UInt8] {
        var bytes = tag.bytes
        bytes.append(contentsOf: TLV.encodeLength(value.count))
        bytes.append(contentsOf: value)
        return bytes
    }

    /// The length field for `count` value bytes in its minimal form.
    public static func encodeLength(_ count: Int) -> [UInt8] {
        switch count {
        case ..<0x80: [UInt8(count)]
        case ..<0x100: [0x81, UInt8(count)]
        case ..<0x1_0000: [0x82, UInt8(count >> 8), UInt8(count & 0xFF)]
        case ..<0x100_0000: [0x83, UInt8(count >> 16), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)]
        default: [0x84, UInt8((count >> 24) & 0xFF), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF),
                  UInt8(count & 0xFF)]
        }
    }

    /// Decodes every object in `bytes`, which must hold nothing else.
    public static func decodeAll(_ bytes: [UInt8]) throws(TLVError) -> [TLV] {
        var objects: [TLV] = []
        var offset = 0
        while offset < bytes.count {
            let (object, next) = try decode(bytes, at: offset)
            objects.append(object)
            offset = next
        }
        return objects
    }

    /// Decodes exactly one object that fills `bytes`.
    public static func decodeSingle(_ bytes: [UInt8]) throws(TLVError) -> TLV {
        let (object, next) = try decode(bytes, at: 0)
        guard next == bytes.count else { throw .trailingBytes(offset: next) }
        return object
    }

    /// Decodes one object starting at `offset` and returns it with the offset just past it.
    public static func decode(_ bytes: [UInt8], at offset: Int) throws(TLVError) -> (TLV, next: Int) {
        let (tag, lengthOffset) = try decodeTag(bytes, at: offset)
        let (length, valueOffset) = try decodeLength(bytes, at: lengthOffset)
        let available = bytes.count - valueOffset
        guard length <= available else {
            throw .truncatedValue(offset: valueOffset, declared: length, available: available)
        }
        let value = Array(bytes[valueOffset..<(valueOffset + length)])
        return (TLV(tag: tag, value: value), valueOffset + length)
    }

    static func decodeTag(_ bytes: [UInt8], at offset: Int) throws(TLVError) -> (TLVTag, next: Int) {
        guard offset < bytes.count else { throw .truncatedTag(offset: offset) }
        var raw = UInt32(bytes[offset])
        var index = offset + 1
        if bytes[offset] & 0x1F == 0x1F {
            while true {
                guard index < bytes.count else { throw .truncatedTag(offset: offset) }
                guard index - offset < 4 else { throw .tagTooLong(offset: offset) }
                let byte = bytes[index]
                raw = raw << 8 | UInt32(byte)
                index += 1
                if byte & 0x80 == 0 { break }
            }
        }
        return (TLVTag(rawValue: raw), index)
    }

    static func decodeLength(_ bytes: [UInt8], at offset: Int) throws(TLVError) -> (Int, next: Int) {
        guard offset < bytes.count else { throw .truncatedLength(offset: offset) }
        let first = bytes[offset]
        if first < 0x80 { return (Int(first), offset + 1) }
        if first == 0x80 { throw .indefiniteLength(offset: offset) }
        let count = Int(first & 0x7F)
        guard count <= 4 else { throw .lengthTooLong(offset: offset) }
        guard offset + count < bytes.count else { throw .truncatedLength(offset: offset) }
        var length = 0
        for index in (offset + 1)...(offset + count) { length = length << 8 | Int(bytes[index]) }
        return (length, offset + 1 + count)
    }

    /// The objects inside this one's value.
    public func children() throws(TLVError) -> [TLV] { try TLV.decodeAll(value) }

    /// The value of the first child with `tag`, if there is one.
    public func child(_ tag: TLVTag) throws(TLVError) -> TLV? { try children().first { $0.tag == tag } }

    public var description: String { "\(tag) [\(value.count)] \(value.hexString())" }
}

extension Array where Element == TLV {
    /// The first object with `tag`.
    public func first(_ tag: TLVTag) -> TLV? { first { $0.tag == tag } }

    /// The first object with `tag`, or `TLVError.missingTag`.
    public func require(_ tag: TLVTag) throws(TLVError) -> TLV {
        guard let object = first(tag) else { throw .missingTag(tag) }
        return object
    }
}
