import AccessPolicy
import Crypto
import Foundation
import _CryptoExtras

/// Hashes door PINs for the `person.pin_hash` column and verifies PINs typed at `card_and_pin` doors: the
/// ``AccessPolicy/PINVerifier`` the store gives to policy snapshots.
///
/// The hash is PBKDF2 (RFC 8018, section 5.2) with HMAC-SHA-256, a random 16-byte salt and a 32-byte result,
/// written as one line of four `$`-separated fields:
///
///     pbkdf2-sha256$<iterations>$<salt, standard base64>$<derived key, standard base64>
///
/// for example `pbkdf2-sha256$20000$q83vEjRWeJq83vEjRWeJqw==$…`. Verification recomputes the key with the
/// stored salt and iteration count and compares in constant time; a hash in any other format, or with an
/// iteration count outside 1…1 000 000 (a stored value must not make a door hang), verifies nothing.
///
/// A PIN has few possible values, so no hash keeps it from someone who can read the database for long; the
/// iterations slow that down, and the database file's permissions are the real protection.
///
/// Cost on the decision path, and the choice made: a `card_and_pin` door verifies the typed PIN on every tap, so
/// the 20 000 iterations are paid inside the decision. Measured in a release build (`journal-bench pin`, see
/// Tools/JournalBench): 15-20 ms at best with the hashing written in Swift, 2.7 ms at best (4 ms median on a
/// busy machine) with BoringSSL's PBKDF2, which ``pbkdf2SHA256(password:salt:iterations:)`` now uses; the 123 ms
/// seen before was a debug build of the Swift loop. A few milliseconds are nothing next to typing a PIN, so the
/// iterations stay at 20 000 (existing hashes keep their own count), and no verified PIN is
/// cached (a cache would keep PIN-derived secrets in memory to save time nobody notices). Fewer iterations would
/// make a stolen database's PINs cheaper to guess and save nothing a person at a door can feel.
public struct PINHasher: PINVerifier {
    /// The identifier of the scheme, the first field of a hash.
    public static let scheme = "pbkdf2-sha256"
    /// Iterations for new hashes: slow enough to cost a guesser, fast enough for a door.
    public static let defaultIterations = 20_000
    /// The most iterations a stored hash may ask for.
    public static let maximumIterations = 1_000_000
    /// PINs are 4 to 16 ASCII digits.
    public static let pinLengths = 4...16

    /// Iterations used by ``hash(pin:)``.
    public var iterations: Int

    public init(iterations: Int = PINHasher.defaultIterations) {
        self.iterations = max(1, min(iterations, Self.maximumIterations))
    }

    /// Whether `pin` is an acceptable door PIN: 4 to 16 ASCII digits.
    public static func isAcceptable(pin: String) -> Bool {
        pinLengths.contains(pin.utf8.count) && pin.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }

    /// A new hash of `pin` with a random salt.
    ///
    /// - Throws: `invalidInput` unless the PIN is 4 to 16 digits.
    public func hash(pin: String) throws(AccessStoreError) -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return try hash(pin: pin, salt: salt)
    }

    /// The hash of `pin` with a given salt (reproducible hashes for fixtures).
    ///
    /// - Throws: `invalidInput` unless the PIN is 4 to 16 digits and the salt 8 to 64 bytes.
    public func hash(pin: String, salt: [UInt8]) throws(AccessStoreError) -> String {
        guard Self.isAcceptable(pin: pin) else {
            throw AccessStoreError(.invalidInput, "a PIN is 4 to 16 digits")
        }
        guard (8...64).contains(salt.count) else {
            throw AccessStoreError(.invalidInput, "a PIN salt is 8 to 64 bytes")
        }
        let key = Self.pbkdf2SHA256(password: Array(pin.utf8), salt: salt, iterations: iterations)
        return [Self.scheme, String(iterations), Data(salt).base64EncodedString(), Data(key).base64EncodedString()]
            .joined(separator: "$")
    }

    /// Whether `pin` matches `hash`; false for any hash not in this format.
    public func verify(pin: String, hash: String) -> Bool {
        let fields = hash.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 4, fields[0] == Self.scheme,
            let iterations = Int(fields[1]), (1...Self.maximumIterations).contains(iterations),
            let salt = Data(base64Encoded: String(fields[2])), (8...64).contains(salt.count),
            let expected = Data(base64Encoded: String(fields[3])), expected.count == 32
        else { return false }
        let derived = Self.pbkdf2SHA256(password: Array(pin.utf8), salt: Array(salt), iterations: iterations)
        return Self.constantTimeEqual(derived, Array(expected))
    }

    /// PBKDF2-HMAC-SHA-256 with a 32-byte output (one block): `T = U1 ^ U2 ^ … ^ Uc` where
    /// `U1 = HMAC(P, S || INT(1))` and `Ui = HMAC(P, Ui-1)`.
    ///
    /// Computed by BoringSSL (swift-crypto's `KDF.Insecure.PBKDF2`; "insecure" only because it takes fewer
    /// rounds than its 210 000 minimum for passwords): in Swift, copying the keyed HMAC state for each of the
    /// 20 000 rounds cost five times as much as the hashing itself. Should it ever fail, the same function is
    /// computed here.
    public static func pbkdf2SHA256(password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        let rounds = max(1, iterations)
        if let key = try? KDF.Insecure.PBKDF2.deriveKey(
            from: password, salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: rounds)
        {
            return key.withUnsafeBytes { Array($0) }
        }
        let keyed = HMAC<SHA256>(key: SymmetricKey(data: password))
        var first = keyed
        first.update(data: salt + [0, 0, 0, 1])
        var block = Array(first.finalize())
        var result = block
        for _ in 1..<rounds {
            var next = keyed
            next.update(data: block)
            block = Array(next.finalize())
            for index in result.indices { result[index] ^= block[index] }
        }
        return result
    }

    /// Equality that takes the same time wherever the bytes differ.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
