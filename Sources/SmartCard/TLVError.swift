/// Why bytes are not well-formed BER-TLV. Offsets count from the start of the decoded buffer.
public enum TLVError: Error, Hashable, Sendable, CustomStringConvertible {
    case truncatedTag(offset: Int)
    case tagTooLong(offset: Int)
    case truncatedLength(offset: Int)
    case indefiniteLength(offset: Int)
    case lengthTooLong(offset: Int)
    case truncatedValue(offset: Int, declared: Int, available: Int)
    case unexpectedTag(expected: TLVTag, found: TLVTag)
    case missingTag(TLVTag)
    case trailingBytes(offset: Int)

    public var description: String {
        switch self {
        case .truncatedTag(let offset): "TLV tag truncated at offset \(offset)"
        case .tagTooLong(let offset): "TLV tag longer than 4 bytes at offset \(offset)"
        case .truncatedLength(let offset): "TLV length truncated at offset \(offset)"
        case .indefiniteLength(let offset): "indefinite TLV length at offset \(offset) is not allowed"
        case .lengthTooLong(let offset): "TLV length field over 4 bytes at offset \(offset)"
        case .truncatedValue(let offset, let declared, let available):
            "TLV value at offset \(offset) declares \(declared) bytes but \(available) remain"
        case .unexpectedTag(let expected, let found): "expected TLV tag \(expected), found \(found)"
        case .missingTag(let tag): "TLV tag \(tag) missing"
        case .trailingBytes(let offset): "unexpected bytes after the TLV at offset \(offset)"
        }
    }
}
