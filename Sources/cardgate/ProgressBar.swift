import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress bar on standard error, drawn only when standard error is a terminal.
///
/// `@unchecked Sendable`: `lastDrawn` is only read and written, and the bar only drawn, while holding `lock`.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let lock = NSLock()
    private var lastDrawn = Date.distantPast

    /// A bar, or `nil` when standard error is not a terminal (logs and pipes get no bar).
    init?(label: String) {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        self.label = label
    }

    func update(_ done: Int64, of total: Int64) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDrawn) >= 0.1 || done == total else { return }
        lastDrawn = now
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let percent = Int(fraction * 100)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(percent)% \(done)/\(total) events".utf8))
    }

    /// A progress callback that draws on this bar.
    var reporter: @Sendable (Int64, Int64) -> Void {
        { [self] done, total in update(done, of: total) }
    }

    func finish() {
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
