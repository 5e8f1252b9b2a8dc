import Crypto
import _CryptoExtras
import Foundation
import PIV

/// A private key held inside a simulated PIV card. It is created on the card (GENERATE ASYMMETRIC KEY PAIR)
/// and only ever leaves it inside the card's saved image.
///
/// The key is kept in its stored form (raw scalar for ECC, PKCS#1 DER for RSA), which is `Sendable`, and
/// turned into a swift-crypto key for each operation.
struct SimulatedPIVKey: Codable, Hashable, Sendable {
    var algorithmIdentifier: UInt8
    var privateKey: Data

    enum CodingKeys: String, CodingKey {
        case algorithmIdentifier = "algorithm"
        case privateKey
    }

    var algorithm: PIVAlgorithm { PIVAlgorithm(rawValue: algorithmIdentifier) }

    /// Generates a fresh key for `algorithm`, or nil when the card does not support it.
    static func generate(_ algorithm: PIVAlgorithm) -> SimulatedPIVKey? {
        switch algorithm {
        case .eccP256: SimulatedPIVKey(algorithmIdentifier: algorithm.rawValue,
                                       privateKey: P256.Signing.PrivateKey().rawRepresentation)
        case .eccP384: SimulatedPIVKey(algorithmIdentifier: algorithm.rawValue,
                                       privateKey: P384.Signing.PrivateKey().rawRepresentation)
        case .rsa2048: (try? _RSA.BlindSigning.PrivateKey<SHA384>(keySize: .bits2048)).map {
            SimulatedPIVKey(algorithmIdentifier: algorithm.rawValue, privateKey: $0.derRepresentation)
        }
        default: nil
        }
    }

    /// The public half as GENERATE ASYMMETRIC KEY PAIR reports it (`7F49` template), or nil for a damaged key.
    var publicKeyTemplate: [UInt8]? {
        switch algorithm {
        case .eccP256:
            return (try? P256.Signing.PrivateKey(rawRepresentation: privateKey))
                .map { PIVPublicKey.eccTemplate(point: Array($0.publicKey.x963Representation)) }
        case .eccP384:
            return (try? P384.Signing.PrivateKey(rawRepresentation: privateKey))
                .map { PIVPublicKey.eccTemplate(point: Array($0.publicKey.x963Representation)) }
        case .rsa2048:
            guard let key = try? _RSA.BlindSigning.PrivateKey<SHA384>(derRepresentation: privateKey),
                  let primitives = try? key.publicKey.getKeyPrimitives()
            else { return nil }
            return PIVPublicKey.rsaTemplate(modulus: Array(primitives.modulus),
                                            exponent: Array(primitives.publicExponent))
        default:
            return nil
        }
    }

    /// Applies the private key to `input`: ECDSA over a digest of the field size (DER answer, SP 800-73-5
    /// part 2), or the raw RSA private operation on a 256-byte block. Nil when the input is unacceptable.
    func sign(_ input: [UInt8]) -> [UInt8]? {
        switch algorithm {
        case .eccP256:
            guard input.count == 32, let key = try? P256.Signing.PrivateKey(rawRepresentation: privateKey) else {
                return nil
            }
            return (try? key.signature(for: PrehashedDigest(bytes: input))).map { Array($0.derRepresentation) }
        case .eccP384:
            guard input.count == 48, let key = try? P384.Signing.PrivateKey(rawRepresentation: privateKey) else {
                return nil
            }
            return (try? key.signature(for: PrehashedDigest(bytes: input))).map { Array($0.derRepresentation) }
        case .rsa2048:
            guard input.count == 256,
                  let key = try? _RSA.BlindSigning.PrivateKey<SHA384>(derRepresentation: privateKey)
            else { return nil }
            return (try? key.blindSignature(for: input)).map { Array($0.rawRepresentation) }
        default:
            return nil
        }
    }
}

/// A digest the card receives ready-made from the client: PIV cards sign the hash, not the message.
struct PrehashedDigest: Digest {
    static var byteCount: Int { 64 }
    let bytes: [UInt8]

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes(body)
    }

    var description: String { "digest \(bytes.count) bytes" }
}
