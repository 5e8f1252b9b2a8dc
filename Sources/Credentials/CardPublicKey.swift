import Crypto
import X509
import _CryptoExtras

/// The public key of a card's Card Authentication certificate, in one of the forms PIV key 9E can have and
/// CardGate verifies: ECDSA P-256, ECDSA P-384 or RSA-2048.
///
/// It keeps swift-certificates' `Certificate.PublicKey` (which is `Sendable`, unlike swift-crypto's key types on
/// this platform); unwrapping it to the swift-crypto key costs no parsing.
public struct CardPublicKey: Sendable, Hashable {
    /// The supported algorithms.
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        case p256 = "ECDSA P-256"
        case p384 = "ECDSA P-384"
        case rsa2048 = "RSA-2048"
    }

    public let algorithm: Algorithm
    public let key: Certificate.PublicKey

    /// The card key in a certificate; nil for any other algorithm or RSA size.
    public init?(_ key: Certificate.PublicKey) {
        if P256.Signing.PublicKey(key) != nil {
            algorithm = .p256
        } else if P384.Signing.PublicKey(key) != nil {
            algorithm = .p384
        } else if let rsa = _RSA.Signing.PublicKey(key), rsa.keySizeInBits == 2048 {
            algorithm = .rsa2048
        } else {
            return nil
        }
        self.key = key
    }
}
