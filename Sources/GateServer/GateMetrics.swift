import Foundation
import Synchronization

/// Counters for `GET /metrics`: decisions by outcome and reason, and a latency histogram of access requests.
public final class GateMetrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    static let bucketBounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

    private struct State {
        var decisions: [String: Int] = [:]
        var buckets = [Int](repeating: 0, count: GateMetrics.bucketBounds.count)
        var count = 0
        var sum = 0.0
    }

    private let state = Mutex(State())

    public init() {}

    /// Counts one access decision that took `seconds`.
    func recordDecision(outcome: String, reason: String, seconds: Double) {
        state.withLock { state in
            state.decisions[outcome + "\u{0}" + reason, default: 0] += 1
            if let index = Self.bucketBounds.firstIndex(where: { seconds <= $0 }) { state.buckets[index] += 1 }
            state.count += 1
            state.sum += seconds
        }
    }

    /// The Prometheus text exposition of the counters and of `extra` gauges.
    func exposition(gauges: [(name: String, help: String, value: Double)]) -> String {
        let snapshot = state.withLock { $0 }
        var lines: [String] = [
            "# HELP cardgate_decisions_total Access decisions by outcome and reason.",
            "# TYPE cardgate_decisions_total counter",
        ]
        for (key, count) in snapshot.decisions.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false)
            lines.append("cardgate_decisions_total{decision=\"\(parts[0])\",reason=\"\(parts[1])\"} \(count)")
        }
        lines += [
            "# HELP cardgate_access_duration_seconds Time to answer an access request, journal commit included.",
            "# TYPE cardgate_access_duration_seconds histogram",
        ]
        var cumulative = 0
        for (bound, count) in zip(Self.bucketBounds, snapshot.buckets) {
            cumulative += count
            lines.append("cardgate_access_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)")
        }
        lines.append("cardgate_access_duration_seconds_bucket{le=\"+Inf\"} \(snapshot.count)")
        lines.append("cardgate_access_duration_seconds_sum \(snapshot.sum)")
        lines.append("cardgate_access_duration_seconds_count \(snapshot.count)")
        for gauge in gauges {
            lines += [
                "# HELP \(gauge.name) \(gauge.help)", "# TYPE \(gauge.name) gauge", "\(gauge.name) \(gauge.value)",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
