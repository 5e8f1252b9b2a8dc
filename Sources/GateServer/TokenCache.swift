import Foundation
import Synchronization

/// Callers recently authenticated, by the SHA-256 of their token, so that a gate controller's taps do not each read
/// the token and its door list from the database.
///
/// Only successful look-ups are kept, for at most ``lifetime`` seconds: a token revoked through this server is
/// dropped at once (``forget(tokenId:)``); one revoked by another process that shares the database stops working
/// within ``lifetime``. The cache holds at most ``capacity`` callers and starts afresh when full, so a flood of
/// distinct valid tokens cannot grow it.
final class TokenCache: Sendable {
    private struct Entry {
        var caller: Caller
        var expires: Date
    }

    /// Seconds an entry is trusted without asking the database again.
    let lifetime: TimeInterval
    /// Most callers kept at once.
    let capacity: Int
    private let entries = Mutex<[Data: Entry]>([:])

    init(lifetime: TimeInterval = 2, capacity: Int = 4096) {
        self.lifetime = lifetime
        self.capacity = max(1, capacity)
    }

    /// The caller cached for `hash`, if its entry has not expired at `now`.
    func caller(for hash: Data, now: Date) -> Caller? {
        entries.withLock { entries in
            guard let entry = entries[hash] else { return nil }
            guard entry.expires > now else {
                entries.removeValue(forKey: hash)
                return nil
            }
            return entry.caller
        }
    }

    /// Remembers `caller` for `hash` from `now` on.
    func remember(_ caller: Caller, for hash: Data, now: Date) {
        entries.withLock { entries in
            if entries.count >= capacity, entries[hash] == nil { entries.removeAll(keepingCapacity: true) }
            entries[hash] = Entry(caller: caller, expires: now.addingTimeInterval(lifetime))
        }
    }

    /// Drops every entry of the token `tokenId` (it was revoked).
    func forget(tokenId: String) {
        entries.withLock { entries in
            entries = entries.filter { $0.value.caller.tokenId != tokenId }
        }
    }
}
