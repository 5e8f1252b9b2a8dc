import Foundation

/// Percentiles of a set of latencies given in nanoseconds.
struct LatencySummary: CustomStringConvertible {
    let sorted: [UInt64]

    init(_ samples: [UInt64]) {
        sorted = samples.sorted()
    }

    /// The smallest sample that at least `fraction` of the samples do not exceed (nearest rank).
    func percentile(_ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return Double(sorted[min(sorted.count, max(1, rank)) - 1]) / 1e6
    }

    var mean: Double {
        sorted.isEmpty ? .nan : Double(sorted.reduce(0, +)) / Double(sorted.count) / 1e6
    }

    /// `p50 … p90 … p99 … p99.9 … max … ms`.
    var description: String {
        let points: [(String, Double)] = [
            ("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("p99.9", 0.999), ("max", 1.0),
        ]
        let parts = points.map { "\($0.0) " + String(format: "%.2f", percentile($0.1)) }
        return parts.joined(separator: "  ") + String(format: "  mean %.2f ms (n=%d)", mean, sorted.count)
    }
}
