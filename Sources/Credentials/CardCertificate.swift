import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// A card's Card Authentication certificate, parsed, with what CardGate derives from it: the SHA-256 fingerprint
/// that enrolled PIV cards are keyed by, the PIV GUID and the public key.
public struct CardCertificate: Sendable {
    public let certificate: Certificate
    /// SHA-256 of the DER bytes as presented, uppercase hex (AccessPolicy's normal form).
    public let fingerprint: String
    /// The card's GUID from the subject alternative name `urn:uuid:…`, as 32 uppercase hex digits; nil if absent.
    public let guid: String?
    public let publicKey: CardPublicKey

    /// Why the bytes are not a certificate, in words for an administrator: the parsers' own descriptions name
    /// their source files and lines, which an answer over HTTP must not carry.
    static func plainReason(_ error: any Error) -> String {
        guard let error = error as? ASN1Error else { return "its fields do not form a valid certificate" }
        switch error.code {
        case .truncatedASN1Field: return "the DER encoding is cut short"
        case .unexpectedFieldType: return "a field has the wrong ASN.1 type"
        case .invalidASN1IntegerEncoding: return "an integer is badly encoded"
        case .unsupportedFieldLength: return "a field is longer than supported"
        default: return "the bytes are not a valid DER structure"
        }
    }

    /// Parses `der` as exactly one DER certificate with a supported card key.
    public init(der: [UInt8]) throws(CertificateFailure) {
        try self.init(der: der, fingerprint: Self.fingerprint(of: der))
    }

    init(der: [UInt8], fingerprint: String) throws(CertificateFailure) {
        let parsed: Certificate
        do {
            parsed = try Certificate(derEncoded: der)
        } catch {
            throw .notACertificate(Self.plainReason(error))
        }
        guard let key = CardPublicKey(parsed.publicKey) else {
            throw .unsupportedKey(Self.describe(parsed.publicKey))
        }
        self.certificate = parsed
        self.fingerprint = fingerprint
        self.publicKey = key
        self.guid = Self.pivGUID(in: parsed)
    }

    /// The uppercase hex SHA-256 of `der`.
    public static func fingerprint(of der: [UInt8]) -> String {
        hex(SHA256.hash(data: der))
    }

    /// The GUID of the first `urn:uuid:` URI in the subject alternative names (FIPS 201 puts the card's UUID
    /// there), as 32 uppercase hex digits.
    static func pivGUID(in certificate: Certificate) -> String? {
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return nil }
        for name in names {
            guard case .uniformResourceIdentifier(let uri) = name else { continue }
            if let guid = guid(fromURN: uri) { return guid }
        }
        return nil
    }

    /// `urn:uuid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (prefix in any case) to 32 uppercase hex digits.
    static func guid(fromURN uri: String) -> String? {
        let prefix = "urn:uuid:"
        let utf8 = Array(uri.utf8)
        guard utf8.count == prefix.utf8.count + 36,
            String(decoding: utf8.prefix(prefix.utf8.count), as: UTF8.self).lowercased() == prefix
        else { return nil }
        var digits: [UInt8] = []
        for (offset, byte) in utf8.dropFirst(prefix.utf8.count).enumerated() {
            if [8, 13, 18, 23].contains(offset) {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "F"): digits.append(byte)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digits.append(byte - 32)
            default: return nil
            }
        }
        return String(decoding: digits, as: UTF8.self)
    }

    static func describe(_ key: Certificate.PublicKey) -> String {
        if let rsa = _RSA.Signing.PublicKey(key) { return "RSA-\(rsa.keySizeInBits)" }
        return String(describing: key).prefix(80).description
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
