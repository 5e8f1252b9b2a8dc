/// One of the daemon's own doors: a reader attached to this machine (through pcscd) and its lock.
///
/// In the configuration file:
///
/// ```yaml
/// doors:
///   - id: server-room-door
///     reader: "ACS ACR1252 1S CL Reader [ACR1252 Reader PICC] 00 00"
///     lock: command                      # or: log
///     unlockCommand: [/usr/local/sbin/relay, "1"]
///     denyCommand: [/usr/local/sbin/buzzer]
///     unlockSeconds: 5                   # when a grant carries none
/// ```
public struct LocalDoorConfiguration: Sendable, Hashable {
    /// What drives the door after a decision.
    public enum Lock: Sendable, Hashable {
        /// Only log (a lock wired elsewhere, or trying CardGate out).
        case log
        /// Run `unlock` (with `CARDGATE_UNLOCK_SECONDS`) on a grant and `deny` (with `CARDGATE_DENY_REASON`) on a
        /// refusal; absolute program paths, no shell.
        case command(unlock: [String], deny: [String]?)
    }

    /// The door's id in the access policy.
    public var doorId: String
    /// The PC/SC reader name, as pcscd lists it.
    public var reader: String
    public var lock: Lock
    /// Seconds to unlock when a grant carries no `unlockSeconds`.
    public var defaultUnlockSeconds: Int

    public init(doorId: String, reader: String, lock: Lock = .log, defaultUnlockSeconds: Int = 5) {
        self.doorId = doorId
        self.reader = reader
        self.lock = lock
        self.defaultUnlockSeconds = defaultUnlockSeconds
    }
}
