/// The outcome of verifying a journal: what was checked, and the first damage found, if any.
public struct JournalVerification: Sendable, Hashable {
    /// Which public keys the checkpoints were checked against.
    public enum KeyTrust: String, Sendable, Hashable {
        /// Keys the caller supplied (from the key file or configuration): forged checkpoints are caught.
        case suppliedKeys = "supplied_keys"
        /// Keys recorded in the database itself: catches edits, but not someone who re-signs with a new key.
        case recordedKeys = "recorded_keys"
    }

    /// The retention anchor the chain starts from, if events were pruned.
    public var anchorSequence: Int64?
    /// The first and last event sequences present.
    public var firstSequence: Int64?
    public var lastSequence: Int64?
    /// Events whose hash and link were checked before verification stopped.
    public var eventsChecked: Int64
    /// Checkpoints whose signature and hash were checked.
    public var checkpointsChecked: Int
    /// The newest checkpoint that matched the chain.
    public var lastCheckpointSequence: Int64?
    /// Events after the newest checkpoint: consistent, but not yet vouched for by a signature.
    public var unsignedEvents: Int64
    public var keyTrust: KeyTrust
    /// Checkpoints of a witness (``JournalWitness``) the journal was checked against (those retention has not
    /// pruned); 0 without one.
    public var witnessedCheckpoints: Int
    /// The first damage found, in sequence order; `nil` when the journal is intact.
    public var damage: JournalDamage?

    public var isIntact: Bool { damage == nil }
}

/// Damage found in the journal: where it starts and what kind it is.
public struct JournalDamage: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The event's content or hash was changed.
        case edited
        /// Events are missing (a gap, a truncated end, or later events renumbered down).
        case deleted
        /// Events were moved to other positions.
        case reordered
        /// An event that the journal never wrote was put into the chain.
        case inserted
        /// The chain is consistent but differs from what a checkpoint signed: it was rewritten somewhere
        /// between the previous good checkpoint and `throughSequence`.
        case rewritten
        /// A checkpoint (or the retention anchor) has a bad signature, an untrusted key, or is missing.
        case badCheckpoint = "bad_checkpoint"
        /// The events are intact, but the query lookup (``JournalLookup``) disagrees with them: a row is missing,
        /// differs from its event, or lies beyond the journal's end, so queries by person, card, door, zone,
        /// reason or type would hide or misattribute events.
        case lookupMismatch = "lookup_mismatch"
    }

    /// The first sequence number that is wrong.
    public var sequence: Int64
    /// For `rewritten`: the checkpoint that revealed it.
    public var throughSequence: Int64?
    public var kind: Kind
    public var detail: String

    public var description: String { "\(kind.rawValue) at sequence \(sequence): \(detail)" }
}
