import Foundation

/// Counts verified events across threads and reports the running total.
///
/// `@unchecked Sendable`: `done` is only read and written, and `report` only called, while holding `lock`.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done: Int64 = 0
    private let total: Int64
    private let report: (@Sendable (Int64, Int64) -> Void)?

    init(total: Int64, report: (@Sendable (Int64, Int64) -> Void)?) {
        self.total = total
        self.report = report
        report?(0, total)
    }

    func add(_ count: Int64) {
        guard let report else { return }
        lock.lock()
        defer { lock.unlock() }
        done += count
        report(done, total)
    }
}

/// The results of parallel range scans, filled in by index from several threads.
///
/// `@unchecked Sendable`: `results` is only read and written while holding `lock`.
final class ScanOutcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<JournalVerifier.RangeScan, any Error>?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<JournalVerifier.RangeScan, any Error>) {
        lock.lock()
        results[index] = result
        lock.unlock()
    }

    /// The scans in order, or the first error.
    func all() throws -> [JournalVerifier.RangeScan] {
        lock.lock()
        defer { lock.unlock() }
        return try results.map { result in
            guard let result else { throw AccessStoreError(.databaseError, "a range scan did not finish") }
            return try result.get()
        }
    }
}
