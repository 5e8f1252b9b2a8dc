import SmartCard

/// A Federal Agency Smart Credential Number: 40 characters of 5 bits (4-bit BCD, least significant bit first,
/// then an odd parity bit), 25 bytes in all (TIG SCEPACS / SP 800-73-5 part 1 appendix).
public struct FASCN: Hashable, Sendable, CustomStringConvertible {
    public var agencyCode: String
    public var systemCode: String
    public var credentialNumber: String
    public var credentialSeries: String
    public var individualCredentialIssue: String
    public var personIdentifier: String
    public var organizationalCategory: String
    public var organizationalIdentifier: String
    public var personAssociationCategory: String

    /// Field widths in digits, in order.
    static let widths = [4, 4, 6, 1, 1, 10, 1, 4, 1]
    static let startSentinel: UInt8 = 0x0B
    static let fieldSeparator: UInt8 = 0x0D
    static let endSentinel: UInt8 = 0x0F

    public init(agencyCode: String, systemCode: String, credentialNumber: String, credentialSeries: String = "0",
                individualCredentialIssue: String = "1", personIdentifier: String, organizationalCategory: String = "1",
                organizationalIdentifier: String, personAssociationCategory: String = "1") throws(PIVError) {
        self.agencyCode = agencyCode
        self.systemCode = systemCode
        self.credentialNumber = credentialNumber
        self.credentialSeries = credentialSeries
        self.individualCredentialIssue = individualCredentialIssue
        self.personIdentifier = personIdentifier
        self.organizationalCategory = organizationalCategory
        self.organizationalIdentifier = organizationalIdentifier
        self.personAssociationCategory = personAssociationCategory
        for (field, width) in zip(fields, Self.widths) {
            guard field.count == width, field.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw .invalidArgument("FASC-N field '\(field)' must be \(width) decimal digits")
            }
        }
    }

    var fields: [String] {
        [agencyCode, systemCode, credentialNumber, credentialSeries, individualCredentialIssue, personIdentifier,
         organizationalCategory, organizationalIdentifier, personAssociationCategory]
    }

    /// The 40 characters as 4-bit values: SS, the fields with FS after each of the first five, ES and the LRC.
    private var characters: [UInt8] {
        var characters: [UInt8] = [Self.startSentinel]
        for (index, field) in fields.enumerated() {
            characters += field.compactMap { $0.wholeNumberValue.map(UInt8.init) }
            if index < 5 { characters.append(Self.fieldSeparator) }
        }
        characters.append(Self.endSentinel)
        characters.append(characters.reduce(0, ^))
        return characters
    }

    /// The 25-byte encoding.
    public var encoded: [UInt8] {
        var bits: [Bool] = []
        for value in characters {
            let data = (0..<4).map { value >> $0 & 1 == 1 }
            bits += data
            bits.append(data.filter { $0 }.count % 2 == 0)
        }
        return stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<(start + 8)].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
    }

    /// Decodes 25 bytes, checking every character's parity, the sentinels, separators and the LRC.
    public init(encoded bytes: [UInt8]) throws(PIVError) {
        guard bytes.count == 25 else { throw .invalidObject(.chuid, "FASC-N is \(bytes.count) bytes, not 25") }
        var bits: [Bool] = []
        for byte in bytes { for shift in (0..<8).reversed() { bits.append(byte >> UInt8(shift) & 1 == 1) } }
        var characters: [UInt8] = []
        for index in 0..<40 {
            let chunk = bits[(index * 5)..<(index * 5 + 5)]
            guard chunk.filter({ $0 }).count % 2 == 1 else {
                throw .invalidObject(.chuid, "FASC-N character \(index) fails its parity check")
            }
            characters.append(chunk.prefix(4).enumerated().reduce(UInt8(0)) { $0 | ($1.element ? 1 << $1.offset : 0) })
        }
        guard characters[0] == Self.startSentinel, characters[38] == Self.endSentinel else {
            throw .invalidObject(.chuid, "FASC-N sentinels missing")
        }
        guard characters[..<39].reduce(0, ^) == characters[39] else {
            throw .invalidObject(.chuid, "FASC-N longitudinal redundancy check fails")
        }
        var fields: [String] = []
        var position = 1
        for (index, width) in Self.widths.enumerated() {
            let digits = characters[position..<(position + width)]
            guard digits.allSatisfy({ $0 <= 9 }) else {
                throw .invalidObject(.chuid, "FASC-N field \(index + 1) holds a non-digit")
            }
            fields.append(digits.map { String($0) }.joined())
            position += width
            if index < 5 {
                guard characters[position] == Self.fieldSeparator else {
                    throw .invalidObject(.chuid, "FASC-N field separator missing after field \(index + 1)")
                }
                position += 1
            }
        }
        try self.init(agencyCode: fields[0], systemCode: fields[1], credentialNumber: fields[2],
                      credentialSeries: fields[3], individualCredentialIssue: fields[4], personIdentifier: fields[5],
                      organizationalCategory: fields[6], organizationalIdentifier: fields[7],
                      personAssociationCategory: fields[8])
    }

    public var description: String {
        "agency \(agencyCode) system \(systemCode) credential \(credentialNumber) series \(credentialSeries) "
            + "issue \(individualCredentialIssue) person \(personIdentifier) category \(organizationalCategory) "
            + "organization \(organizationalIdentifier) association \(personAssociationCategory)"
    }
}
