/// Durations counted into buckets, as a Prometheus histogram reports them: for the journal's commits here, and for
/// the daemon's access requests.
public struct DurationHistogram: Sendable, Hashable {
    /// Upper bounds of the buckets, in seconds, ascending; a duration over the last counts in `+Inf` only.
    public let bounds: [Double]
    /// How many durations fell in each bucket (not cumulative).
    public private(set) var counts: [Int]
    public private(set) var count = 0
    /// Sum of all durations, in seconds.
    public private(set) var sum = 0.0

    public init(bounds: [Double]) {
        self.bounds = bounds
        counts = Array(repeating: 0, count: bounds.count)
    }

    public mutating func record(seconds: Double) {
        if let index = bounds.firstIndex(where: { seconds <= $0 }) { counts[index] += 1 }
        count += 1
        sum += seconds
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    public var secondsValue: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
