import Foundation
import SmartCard

/// The Card Holder Unique Identifier data object (`5FC102`, SP 800-73-5 part 1 table 9).
public struct CHUID: Hashable, Sendable {
    /// The FASC-N (`30`), decoded.
    public var fascn: FASCN
    /// The organizational identifier (`32`), if present.
    public var organizationalIdentifier: [UInt8]?
    /// The DUNS number (`33`), if present.
    public var duns: [UInt8]?
    /// The card's GUID (`34`), 16 bytes: the key CardGate caches certificates under.
    public var guid: UUID
    /// The expiration date (`35`, `YYYYMMDD`).
    public var expirationDate: PIVDate
    /// The cardholder UUID (`36`), if present.
    public var cardholderUUID: UUID?
    /// The issuer's asymmetric signature (`3E`, CMS), empty when the issuer did not sign the CHUID.
    public var issuerSignature: [UInt8]

    /// Whether the CHUID carries an issuer signature. CardGate does not trust the CHUID for access decisions
    /// (PKI-CAK proves the card); the signature is reported, not verified.
    public var isSigned: Bool { !issuerSignature.isEmpty }

    public init(fascn: FASCN, guid: UUID, expirationDate: PIVDate, organizationalIdentifier: [UInt8]? = nil,
                duns: [UInt8]? = nil, cardholderUUID: UUID? = nil, issuerSignature: [UInt8] = []) {
        self.fascn = fascn
        self.guid = guid
        self.expirationDate = expirationDate
        self.organizationalIdentifier = organizationalIdentifier
        self.duns = duns
        self.cardholderUUID = cardholderUUID
        self.issuerSignature = issuerSignature
    }

    /// Parses the content of the object (the value of `53`).
    /// - Throws: `PIVError.invalidObject` or `.malformedResponse`.
    public init(objectValue bytes: [UInt8]) throws(PIVError) {
        let children: [TLV]
        do { children = try TLV.decodeAll(bytes) } catch { throw .tlv(error, in: "CHUID") }
        guard let fascnBytes = children.first(0x30)?.value else { throw .invalidObject(.chuid, "no FASC-N (30)") }
        fascn = try FASCN(encoded: fascnBytes)
        guard let guidBytes = children.first(0x34)?.value, let guid = UUID(bytes: guidBytes) else {
            throw .invalidObject(.chuid, "GUID (34) missing or not 16 bytes")
        }
        self.guid = guid
        guard let dateBytes = children.first(0x35)?.value, let date = PIVDate(ascii: dateBytes) else {
            throw .invalidObject(.chuid, "expiration date (35) missing or not YYYYMMDD")
        }
        expirationDate = date
        organizationalIdentifier = children.first(0x32)?.value
        duns = children.first(0x33)?.value
        if let holder = children.first(0x36)?.value {
            guard let uuid = UUID(bytes: holder) else { throw .invalidObject(.chuid, "cardholder UUID not 16 bytes") }
            cardholderUUID = uuid
        }
        issuerSignature = children.first(0x3E)?.value ?? []
    }

    /// The object content as written with PUT DATA (inside `53`).
    public var objectValue: [UInt8] {
        var children = [TLV(tag: 0x30, value: fascn.encoded)]
        if let organizationalIdentifier { children.append(TLV(tag: 0x32, value: organizationalIdentifier)) }
        if let duns { children.append(TLV(tag: 0x33, value: duns)) }
        children.append(TLV(tag: 0x34, value: guid.bytes))
        children.append(TLV(tag: 0x35, value: expirationDate.ascii))
        if let cardholderUUID { children.append(TLV(tag: 0x36, value: cardholderUUID.bytes)) }
        children.append(TLV(tag: 0x3E, value: issuerSignature))
        children.append(TLV(tag: 0xFE, value: []))
        return children.flatMap(\.encoded)
    }
}

/// A calendar date as PIV objects store it (`YYYYMMDD` in ASCII).
public struct PIVDate: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The UTC calendar date of `date`.
    public init(_ date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        year = parts.year ?? 1970
        month = parts.month ?? 1
        day = parts.day ?? 1
    }

    public init?(ascii: [UInt8]) {
        guard ascii.count == 8, ascii.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        let digits = ascii.map { Int($0 - 0x30) }
        func number(_ range: Range<Int>) -> Int { digits[range].reduce(0) { $0 * 10 + $1 } }
        self.init(year: number(0..<4), month: number(4..<6), day: number(6..<8))
    }

    public var ascii: [UInt8] { Array(description.utf8) }

    /// The end of this day in UTC (the card is valid through its expiration date).
    public var endOfDay: Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let start = calendar.date(from: DateComponents(year: year, month: month, day: day))
        return start.map { $0.addingTimeInterval(86_400) }
    }

    public static func < (lhs: PIVDate, rhs: PIVDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(year, 4) + pad(month, 2) + pad(day, 2)
    }
}

extension UUID {
    /// A UUID from its 16 bytes, or nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.init(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8],
                         bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// The 16 bytes of the UUID.
    public var bytes: [UInt8] {
        withUnsafeBytes(of: uuid) { Array($0) }
    }
}
