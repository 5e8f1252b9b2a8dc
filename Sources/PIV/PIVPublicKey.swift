import Crypto
import _CryptoExtras
import SmartCard
import X509

/// A public key as GENERATE ASYMMETRIC KEY PAIR returns it (`7F49` with `86` point or `81`/`82` modulus and
/// exponent), ready to go into a certificate.
public struct PIVPublicKey: Hashable, Sendable {
    public var algorithm: PIVAlgorithm
    /// The key as a certificate carries it.
    public var certificateKey: Certificate.PublicKey
    /// The `7F49` template as the card returned it.
    public var template: [UInt8]

    /// Parses the `7F49` template for `algorithm`.
    /// - Throws: `PIVError.malformedResponse` for a missing or invalid key.
    public init(template bytes: [UInt8], algorithm: PIVAlgorithm) throws(PIVError) {
        let children: [TLV]
        do throws(TLVError) {
            let template = try TLV.decodeSingle(bytes)
            guard template.tag == 0x7F49 else { throw TLVError.unexpectedTag(expected: 0x7F49, found: template.tag) }
            children = try template.children()
        } catch {
            throw .tlv(error, in: "public key template")
        }
        self.algorithm = algorithm
        self.template = bytes
        switch algorithm {
        case .eccP256, .eccP384:
            guard let point = children.first(0x86)?.value else { throw .malformedResponse("no EC point (86)") }
            do {
                certificateKey = algorithm == .eccP256
                    ? Certificate.PublicKey(try P256.Signing.PublicKey(x963Representation: point))
                    : Certificate.PublicKey(try P384.Signing.PublicKey(x963Representation: point))
            } catch {
                throw .malformedResponse("EC point is not on the curve of \(algorithm.name)")
            }
        case .rsa2048:
            guard let modulus = children.first(0x81)?.value, let exponent = children.first(0x82)?.value else {
                throw .malformedResponse("RSA modulus (81) or exponent (82) missing")
            }
            let significant = Array(modulus.drop { $0 == 0 })
            guard significant.count == 256, significant[0] & 0x80 != 0 else {
                throw .malformedResponse("RSA modulus is not 2048 bits")
            }
            do {
                certificateKey = Certificate.PublicKey(try _RSA.Signing.PublicKey(n: significant, e: exponent))
            } catch {
                throw .malformedResponse("RSA public key rejected: \(error)")
            }
        default:
            throw .unsupportedAlgorithm(algorithm)
        }
    }

    /// The `7F49` template of an EC point (uncompressed, `04 || X || Y`).
    public static func eccTemplate(point: [UInt8]) -> [UInt8] {
        TLV(tag: 0x7F49, children: [TLV(tag: 0x86, value: point)]).encoded
    }

    /// The `7F49` template of an RSA key.
    public static func rsaTemplate(modulus: [UInt8], exponent: [UInt8]) -> [UInt8] {
        TLV(tag: 0x7F49, children: [TLV(tag: 0x81, value: modulus), TLV(tag: 0x82, value: exponent)]).encoded
    }
}
