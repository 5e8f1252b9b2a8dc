import Foundation
import Synchronization

/// Slows down addresses that keep failing authentication: a small in-memory count per address and window.
///
/// Within one ``window`` an address may fail ``allowedFailures`` times at no cost; each further failure doubles the
/// delay its next requests wait before their token is even checked, from ``baseDelay`` up to ``maximumDelay``. A
/// window without failures forgets the address. At most ``capacity`` addresses are tracked; when full, the address
/// whose window started first is forgotten.
public final class FailureLimiter: Sendable {
    public let allowedFailures: Int
    public let window: TimeInterval
    public let baseDelay: TimeInterval
    public let maximumDelay: TimeInterval
    public let capacity: Int
    private let clock: @Sendable () -> Date
    private let entries = Mutex<[String: Entry]>([:])

    struct Entry: Sendable {
        var failures: Int
        var windowStart: Date
    }

    public init(
        allowedFailures: Int = 5, window: TimeInterval = 60, baseDelay: TimeInterval = 0.25,
        maximumDelay: TimeInterval = 5, capacity: Int = 10_000, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.allowedFailures = max(0, allowedFailures)
        self.window = window
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.capacity = max(1, capacity)
        self.clock = clock
    }

    /// How long a request from `address` waits before its token is checked (zero for a well-behaved address).
    public func delay(for address: String) -> TimeInterval {
        let now = clock()
        return entries.withLock { entries in
            guard let entry = entries[address] else { return 0 }
            guard now.timeIntervalSince(entry.windowStart) < window else {
                entries[address] = nil
                return 0
            }
            return delay(afterFailures: entry.failures)
        }
    }

    /// Counts a failure of `address`, returning the delay its next request will wait.
    @discardableResult
    public func recordFailure(of address: String) -> TimeInterval {
        let now = clock()
        return entries.withLock { entries in
            var entry = entries[address] ?? Entry(failures: 0, windowStart: now)
            if now.timeIntervalSince(entry.windowStart) >= window { entry = Entry(failures: 0, windowStart: now) }
            entry.failures += 1
            if entries[address] == nil, entries.count >= capacity {
                entries = entries.filter { now.timeIntervalSince($0.value.windowStart) < window }
                if entries.count >= capacity,
                    let oldest = entries.min(by: { $0.value.windowStart < $1.value.windowStart })
                {
                    entries[oldest.key] = nil
                }
            }
            entries[address] = entry
            return delay(afterFailures: entry.failures)
        }
    }

    /// The number of addresses tracked (for tests of the bound).
    public var trackedCount: Int { entries.withLock { $0.count } }

    private func delay(afterFailures failures: Int) -> TimeInterval {
        let excess = failures - allowedFailures
        guard excess > 0 else { return 0 }
        return min(maximumDelay, baseDelay * pow(2, Double(min(excess - 1, 30))))
    }
}
