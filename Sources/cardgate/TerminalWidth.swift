import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The width of the terminal standard output goes to, for tables.
enum TerminalWidth {
    /// The terminal's columns (`TIOCGWINSZ`), else `$COLUMNS` when output is a terminal; nil for a pipe or a file,
    /// where lines are never cut.
    static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return environment["COLUMNS"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil }
    }
}
