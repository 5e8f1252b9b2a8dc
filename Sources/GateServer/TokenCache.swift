import Foundation
import Synchronization

/// Callers recently authenticated, by the SHA-256 of their token, so that a gate controller's taps do not each read
/// the token and its door list from the database.
///
/// Only successful look-ups are kept, for at most ``lifetime`` seconds: a token revoked through this server is
/// dropped at once (``forget(tokenId:)``); one revoked by another process that shares the database stops working
/// within ``lifetime``. The cache holds at most ``capacity`` callers and starts afresh when full, so a flood of
/// distinct valid tokens cannot grow it.
///
/// A look-up that read the database while a revocation ran must not put the revoked caller back: callers note
/// ``revocations`` before reading and ``remember(_:for:now:readAfter:)`` drops what they found if a revocation
/// happened since.
final class TokenCache: Sendable {
    private struct Entry {
        var caller: Caller
        var expires: Date
    }

    private struct State {
        var entries: [Data: Entry] = [:]
        var revocations = 0
    }

    /// Seconds an entry is trusted without asking the database again.
    let lifetime: TimeInterval
    /// Most callers kept at once.
    let capacity: Int
    private let state = Mutex(State())

    init(lifetime: TimeInterval = 2, capacity: Int = 4096) {
        self.lifetime = lifetime
        self.capacity = max(1, capacity)
    }

    /// The caller cached for `hash`, if its entry has not expired at `now`.
    func caller(for hash: Data, now: Date) -> Caller? {
        state.withLock { state in
            guard let entry = state.entries[hash] else { return nil }
            guard entry.expires > now else {
                state.entries.removeValue(forKey: hash)
                return nil
            }
            return entry.caller
        }
    }

    /// How many revocations this cache has seen: note it before reading a token from the database.
    var revocations: Int { state.withLock { $0.revocations } }

    /// Remembers `caller` for `hash` from `now` on, unless a token was revoked after the database read that found
    /// it (`readAfter` is ``revocations`` as noted before that read).
    func remember(_ caller: Caller, for hash: Data, now: Date, readAfter noted: Int) {
        state.withLock { state in
            guard state.revocations == noted else { return }
            if state.entries.count >= capacity, state.entries[hash] == nil {
                state.entries.removeAll(keepingCapacity: true)
            }
            state.entries[hash] = Entry(caller: caller, expires: now.addingTimeInterval(lifetime))
        }
    }

    /// Drops every entry of the token `tokenId` (it was revoked) and makes look-ups already under way forget
    /// what they read.
    func forget(tokenId: String) {
        state.withLock { state in
            state.revocations += 1
            state.entries = state.entries.filter { $0.value.caller.tokenId != tokenId }
        }
    }
}
