import SmartCard
import SwiftASN1
import X509

/// A certificate data object (`70` certificate, `71` CertInfo, `72` MSCUID, `FE` error detection code).
public struct PIVCertificateObject: Hashable, Sendable {
    /// The certificate's DER (after inflating a compressed one).
    public var der: [UInt8]
    /// The parsed certificate.
    public var certificate: Certificate
    /// Whether the card stored it gzip-compressed (CertInfo bit 0).
    public var wasCompressed: Bool

    /// CertInfo value marking a gzip-compressed certificate.
    public static let compressedFlag: UInt8 = 0x01

    public init(certificate: Certificate) throws(PIVError) {
        var serializer = DER.Serializer()
        do { try serializer.serialize(certificate) } catch {
            throw .invalidArgument("certificate cannot be encoded: \(error)")
        }
        self.der = serializer.serializedBytes
        self.certificate = certificate
        self.wasCompressed = false
    }

    /// Parses the content of the object (the value of `53`); `tag` names the object in errors.
    /// - Throws: `PIVError.invalidObject`, `.malformedResponse` or `.decompressionFailed`.
    public init(objectValue bytes: [UInt8], tag: PIVObjectTag) throws(PIVError) {
        let children: [TLV]
        do { children = try TLV.decodeAll(bytes) } catch { throw .tlv(error, in: "certificate object \(tag)") }
        guard let stored = children.first(0x70)?.value, !stored.isEmpty else {
            throw .invalidObject(tag, "no certificate (70)")
        }
        let info = children.first(0x71)?.value ?? [0]
        guard info.count <= 1 else { throw .invalidObject(tag, "CertInfo (71) longer than one byte") }
        wasCompressed = (info.first ?? 0) & Self.compressedFlag != 0
        if wasCompressed {
            do { der = try Inflate.gunzip(stored) } catch { throw .decompressionFailed("\(error)") }
        } else {
            der = stored
        }
        do {
            certificate = try Certificate(derEncoded: der)
        } catch {
            throw .invalidObject(tag, "certificate is not valid X.509 DER: \(error)")
        }
    }

    /// The object content as written with PUT DATA (inside `53`), uncompressed.
    public var objectValue: [UInt8] {
        [TLV(tag: 0x70, value: der), TLV(tag: 0x71, value: [0]), TLV(tag: 0xFE, value: [])].flatMap(\.encoded)
    }
}
