import Foundation
import Synchronization

/// Issues the fresh challenges a PIV card signs at a door, and accepts each one once.
///
/// A challenge is 32 bytes from the system's cryptographic random generator, sent as unpadded base64url, bound to
/// one door and valid for ``Configuration/timeToLive`` (10 s by default). ``consume(_:doorId:at:)`` accepts it at
/// most once: any presentation, successful or not (wrong door, expired), spends it.
///
/// Memory is bounded: expired challenges are swept on every call, each door may hold at most
/// ``Configuration/maximumPerDoor`` unused challenges and the authority ``Configuration/maximumTotal``; issuing beyond
/// either limit fails. Spent and expired challenges are remembered for one more time-to-live (at most
/// ``Configuration/rememberedSpent`` of them) so that a late replay is reported as `reused` or `expired` rather than
/// `unknown`; forgetting one early only changes the detail of the denial, never its outcome.
public final class ChallengeIssuer: Sendable {
    /// Limits and lifetime.
    public struct Configuration: Sendable, Hashable {
        /// How long a challenge may be presented after it was issued.
        public var timeToLive: TimeInterval
        /// Unused, unexpired challenges one door may hold.
        public var maximumPerDoor: Int
        /// Unused, unexpired challenges all doors together may hold.
        public var maximumTotal: Int
        /// Spent or expired challenges remembered for precise denials.
        public var rememberedSpent: Int

        public init(
            timeToLive: TimeInterval = 10, maximumPerDoor: Int = 1_024, maximumTotal: Int = 65_536,
            rememberedSpent: Int = 65_536
        ) {
            self.timeToLive = timeToLive
            self.maximumPerDoor = maximumPerDoor
            self.maximumTotal = maximumTotal
            self.rememberedSpent = rememberedSpent
        }
    }

    /// A challenge as handed to a gate controller.
    public struct Issued: Sendable, Hashable {
        /// The wire form: 43 characters of unpadded base64url.
        public var text: String
        /// The 32 random bytes the card signs.
        public var bytes: [UInt8]
        public var doorId: String
        public var expiresAt: Date
    }

    public let configuration: Configuration
    private let clock: @Sendable () -> Date
    private let state: Mutex<State>

    /// - Parameter clock: the time source for the overloads without an explicit time.
    public init(configuration: Configuration = Configuration(), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.clock = clock
        self.state = Mutex(State())
    }

    /// Issues a challenge for `doorId` at the clock's current time.
    public func issue(doorId: String) throws(ChallengeIssueError) -> Issued {
        try issue(doorId: doorId, at: clock())
    }

    /// Issues a challenge for `doorId` at `now`.
    public func issue(doorId: String, at now: Date) throws(ChallengeIssueError) -> Issued {
        var generator = SystemRandomNumberGenerator()
        let words = (generator.next() as UInt64, generator.next() as UInt64, generator.next() as UInt64,
            generator.next() as UInt64)
        let key = ChallengeKey(words: words)
        let expiresAt = now.addingTimeInterval(configuration.timeToLive)
        let limits = configuration
        let outcome = state.withLock { state -> ChallengeIssueError? in
            state.sweep(now: now, configuration: limits)
            if state.outstanding.count >= limits.maximumTotal { return .totalLimitReached(limit: limits.maximumTotal) }
            if state.perDoor[doorId, default: 0] >= limits.maximumPerDoor {
                return .doorLimitReached(limit: limits.maximumPerDoor)
            }
            state.outstanding[key] = Outstanding(doorId: doorId, expiresAt: expiresAt)
            state.perDoor[doorId, default: 0] += 1
            state.issueOrder.append((key, expiresAt))
            state.compactIssueOrder()
            return nil
        }
        if let outcome { throw outcome }
        let bytes = key.bytes
        return Issued(text: WireBase64.encode(bytes, alphabet: .url), bytes: bytes, doorId: doorId,
            expiresAt: expiresAt)
    }

    /// Spends the challenge `text` presented at `doorId` at the clock's current time.
    public func consume(_ text: String, doorId: String) -> Result<[UInt8], ChallengeFailure> {
        consume(text, doorId: doorId, at: clock())
    }

    /// Spends the challenge `text` presented at `doorId` at `now`, returning its bytes if it was issued for that
    /// door, is unexpired and was never presented before.
    public func consume(_ text: String, doorId: String, at now: Date) -> Result<[UInt8], ChallengeFailure> {
        let bytes: [UInt8]
        do {
            bytes = try WireDecoding.challenge(text)
        } catch {
            return .failure(.malformed(error))
        }
        let key = ChallengeKey(bytes: bytes)
        let limits = configuration
        let failure = state.withLock { state -> ChallengeFailure? in
            state.sweep(now: now, configuration: limits)
            if let entry = state.outstanding.removeValue(forKey: key) {
                state.release(doorId: entry.doorId)
                let expired = now >= entry.expiresAt
                state.remember(key, as: expired ? .expired : .used, until: entry.expiresAt + limits.timeToLive,
                    configuration: limits)
                if entry.doorId != doorId { return .otherDoor }
                return expired ? .expired : nil
            }
            switch state.spent[key] {
            case .used: return .reused
            case .expired: return .expired
            case nil: return .unknown
            }
        }
        if let failure { return .failure(failure) }
        return .success(bytes)
    }

    /// The number of unused, unexpired challenges (for metrics and tests).
    public func outstandingCount(at now: Date) -> Int {
        let limits = configuration
        return state.withLock { state in
            state.sweep(now: now, configuration: limits)
            return state.outstanding.count
        }
    }

    /// The lengths of the internal queues (for tests of the memory bound).
    var queueLengths: (issueOrder: Int, spentOrder: Int) {
        state.withLock { ($0.issueOrder.count, $0.spentOrder.count) }
    }

    /// The number of spent or expired challenges remembered (for tests of the memory bound).
    public func rememberedCount(at now: Date) -> Int {
        let limits = configuration
        return state.withLock { state in
            state.sweep(now: now, configuration: limits)
            return state.spent.count
        }
    }
}

extension ChallengeIssuer {
    /// 32 challenge bytes as four words: a cheap dictionary key.
    struct ChallengeKey: Hashable, Sendable {
        var a: UInt64
        var b: UInt64
        var c: UInt64
        var d: UInt64

        init(words: (UInt64, UInt64, UInt64, UInt64)) {
            (a, b, c, d) = words
        }

        /// From exactly 32 bytes (the caller checked the length).
        init(bytes: [UInt8]) {
            func word(_ offset: Int) -> UInt64 {
                bytes[offset..<offset + 8].reduce(0) { $0 << 8 | UInt64($1) }
            }
            self.init(words: (word(0), word(8), word(16), word(24)))
        }

        var bytes: [UInt8] {
            [a, b, c, d].flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (56 - 8 * $0)) } }
        }
    }

    struct Outstanding: Sendable {
        var doorId: String
        var expiresAt: Date
    }

    enum Spent: Sendable {
        case used
        case expired
    }

    /// The issuer's bookkeeping, guarded by the mutex.
    struct State: Sendable {
        var outstanding: [ChallengeKey: Outstanding] = [:]
        var perDoor: [String: Int] = [:]
        /// Issued challenges in issue order (so in expiry order while the clock moves forward).
        var issueOrder = FIFO<(ChallengeKey, Date)>()
        var spent: [ChallengeKey: Spent] = [:]
        /// Remembered challenges in the order they were spent, with the time they may be forgotten (roughly
        /// ascending: a challenge spent later may have been issued earlier, which delays forgetting by at most one
        /// time-to-live; the count cap holds regardless).
        var spentOrder = FIFO<(ChallengeKey, Date)>()

        /// Drops consumed challenges from the issue order once they are most of it, so that its length stays
        /// proportional to the outstanding challenges however fast challenges are issued and spent.
        mutating func compactIssueOrder() {
            guard issueOrder.count > 64, issueOrder.count > 2 * outstanding.count else { return }
            issueOrder.removeAll { outstanding[$0.0] == nil }
        }

        mutating func release(doorId: String) {
            let remaining = perDoor[doorId, default: 1] - 1
            perDoor[doorId] = remaining > 0 ? remaining : nil
        }

        /// Remembers a spent or expired challenge until `forgetAt` (one time-to-live after its expiry), within the
        /// configured count.
        mutating func remember(_ key: ChallengeKey, as kind: Spent, until forgetAt: Date, configuration: Configuration) {
            guard configuration.rememberedSpent > 0 else { return }
            while spent.count >= configuration.rememberedSpent, let (oldest, _) = spentOrder.popFirst() {
                spent[oldest] = nil
            }
            spent[key] = kind
            spentOrder.append((key, forgetAt))
        }

        /// Moves expired challenges to the remembered set and forgets remembered ones past their time.
        mutating func sweep(now: Date, configuration: Configuration) {
            while let (key, expiresAt) = issueOrder.first, expiresAt <= now {
                _ = issueOrder.popFirst()
                if let entry = outstanding.removeValue(forKey: key) {
                    release(doorId: entry.doorId)
                    let forgetAt = expiresAt + configuration.timeToLive
                    if forgetAt > now { remember(key, as: .expired, until: forgetAt, configuration: configuration) }
                }
            }
            while let (key, forgetAt) = spentOrder.first, forgetAt <= now {
                _ = spentOrder.popFirst()
                spent[key] = nil
            }
        }
    }
}
