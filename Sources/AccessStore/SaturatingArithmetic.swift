extension Int64 {
    /// `self + other`, held at `Int64.max` or `Int64.min` instead of trapping: for sums of values read from a
    /// database file, which someone may have edited to anything.
    func saturatingAdding(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self - other`, held at the limits like ``saturatingAdding(_:)``.
    func saturatingSubtracting(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }
}
