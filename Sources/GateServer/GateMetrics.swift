import AccessStore
import Foundation
import Synchronization

/// Counters for `GET /metrics`: decisions by outcome and reason, a latency histogram of access requests, and the
/// taps at the daemon's local doors.
public final class GateMetrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    static let bucketBounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

    /// One gauge sample for ``exposition(gauges:)``.
    struct Gauge {
        var name: String
        var help: String
        /// Label sets and values; one unlabelled sample is `[([:], value)]`.
        var samples: [(labels: [(String, String)], value: Double)]

        init(_ name: String, _ help: String, _ value: Double) {
            self.init(name, help, samples: [([], value)])
        }

        init(_ name: String, _ help: String, samples: [(labels: [(String, String)], value: Double)]) {
            self.name = name
            self.help = help
            self.samples = samples
        }
    }

    private struct State {
        var decisions: [[String]: Int] = [:]
        var localTaps: [[String]: Int] = [:]
        var durations = DurationHistogram(bounds: GateMetrics.bucketBounds)
    }

    private let state = Mutex(State())

    public init() {}

    /// Counts one access decision over HTTP that took `seconds`.
    func recordDecision(outcome: String, reason: String, seconds: Double) {
        state.withLock { state in
            state.decisions[[outcome, reason], default: 0] += 1
            state.durations.record(seconds: seconds)
        }
    }

    /// Counts one tap at a local door (its decision is also journaled by the authority).
    func recordLocalTap(door: String, outcome: String, reason: String) {
        state.withLock { $0.localTaps[[door, outcome, reason], default: 0] += 1 }
    }

    /// One histogram sample for ``exposition(gauges:histograms:)``.
    struct Histogram {
        var name: String
        var help: String
        var durations: DurationHistogram
    }

    /// The Prometheus text exposition of the counters, of `gauges` and of `histograms`.
    func exposition(gauges: [Gauge], histograms: [Histogram] = []) -> String {
        let snapshot = state.withLock { $0 }
        var lines: [String] = [
            "# HELP cardgate_decisions_total Access decisions over HTTP by outcome and reason.",
            "# TYPE cardgate_decisions_total counter",
        ]
        for (key, count) in snapshot.decisions.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            lines.append("cardgate_decisions_total\(Self.labels([("decision", key[0]), ("reason", key[1])])) \(count)")
        }
        let access = Histogram(name: "cardgate_access_duration_seconds",
            help: "Time to answer an access request, journal commit included.", durations: snapshot.durations)
        for histogram in [access] + histograms {
            lines += ["# HELP \(histogram.name) \(histogram.help)", "# TYPE \(histogram.name) histogram"]
            var cumulative = 0
            for (bound, count) in zip(histogram.durations.bounds, histogram.durations.counts) {
                cumulative += count
                lines.append("\(histogram.name)_bucket{le=\"\(bound)\"} \(cumulative)")
            }
            lines.append("\(histogram.name)_bucket{le=\"+Inf\"} \(histogram.durations.count)")
            lines.append("\(histogram.name)_sum \(histogram.durations.sum)")
            lines.append("\(histogram.name)_count \(histogram.durations.count)")
        }
        if !snapshot.localTaps.isEmpty {
            lines += [
                "# HELP cardgate_local_taps_total Taps at the daemon's local doors by door, outcome and reason.",
                "# TYPE cardgate_local_taps_total counter",
            ]
            for (key, count) in snapshot.localTaps.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                let labels = Self.labels([("door", key[0]), ("decision", key[1]), ("reason", key[2])])
                lines.append("cardgate_local_taps_total\(labels) \(count)")
            }
        }
        for gauge in gauges {
            lines += ["# HELP \(gauge.name) \(gauge.help)", "# TYPE \(gauge.name) gauge"]
            for sample in gauge.samples {
                lines.append("\(gauge.name)\(Self.labels(sample.labels)) \(Self.format(sample.value))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{name="value",...}` with the values escaped as the exposition format asks; empty without labels.
    static func labels(_ pairs: [(String, String)]) -> String {
        guard !pairs.isEmpty else { return "" }
        let escaped = pairs.map { name, value in
            let text = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\(name)=\"\(text)\""
        }
        return "{" + escaped.joined(separator: ",") + "}"
    }

    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }
}
