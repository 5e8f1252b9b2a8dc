import Crypto
import Foundation

/// A signed statement that the journal's event at `sequence` has `hash`.
///
/// The signed message is the 30 ASCII bytes `CardGate journal checkpoint v1`, the sequence as 8 bytes
/// big-endian, the 32-byte hash, and the signing time in UTC milliseconds as 8 bytes big-endian.
/// Because each hash covers all earlier events, a valid checkpoint vouches for the whole chain up to it.
public struct JournalCheckpoint: Sendable, Hashable {
    public var sequence: Int64
    public var hash: Data
    public var signedAtMilliseconds: Int64
    /// The raw 32-byte Ed25519 public key of the signer.
    public var publicKey: Data
    /// The 64-byte Ed25519 signature.
    public var signature: Data

    public init(sequence: Int64, hash: Data, signedAtMilliseconds: Int64, publicKey: Data, signature: Data) {
        self.sequence = sequence
        self.hash = hash
        self.signedAtMilliseconds = signedAtMilliseconds
        self.publicKey = publicKey
        self.signature = signature
    }

    /// Signs a checkpoint for `hash` at `sequence`.
    static func sign(
        sequence: Int64, hash: Data, signedAtMilliseconds: Int64, key: JournalKey
    ) throws(AccessStoreError) -> JournalCheckpoint {
        let message = Self.message(sequence: sequence, hash: hash, signedAtMilliseconds: signedAtMilliseconds)
        return JournalCheckpoint(
            sequence: sequence, hash: hash, signedAtMilliseconds: signedAtMilliseconds,
            publicKey: key.publicKey, signature: try key.sign(message))
    }

    /// The bytes the signature covers.
    static func message(sequence: Int64, hash: Data, signedAtMilliseconds: Int64) -> [UInt8] {
        var bytes = Array("CardGate journal checkpoint v1".utf8)
        withUnsafeBytes(of: sequence.bigEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: hash)
        withUnsafeBytes(of: signedAtMilliseconds.bigEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Whether the signature verifies under the embedded public key.
    public var hasValidSignature: Bool {
        guard hash.count == 32, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else {
            return false
        }
        let message = Self.message(sequence: sequence, hash: hash, signedAtMilliseconds: signedAtMilliseconds)
        return key.isValidSignature(signature, for: message)
    }
}

/// When the journal writes a checkpoint: after `events` events or `milliseconds` since the last one,
/// whichever comes first (checked on every commit and by `EventJournal.checkpointIfDue()`).
public struct CheckpointPolicy: Sendable, Hashable {
    public var events: Int64
    public var milliseconds: Int64

    public init(events: Int64 = 1000, milliseconds: Int64 = 60_000) {
        self.events = max(1, events)
        self.milliseconds = max(0, milliseconds)
    }

    /// Whether a checkpoint is due at `head` given the last checkpoint.
    func isDue(head: Int64, lastCheckpoint: Int64, lastSignedAt: Int64?, now: Int64) -> Bool {
        guard head > lastCheckpoint else { return false }
        guard let lastSignedAt else { return true }
        return head.saturatingSubtracting(lastCheckpoint) >= events
            || now.saturatingSubtracting(lastSignedAt) >= milliseconds
    }
}
