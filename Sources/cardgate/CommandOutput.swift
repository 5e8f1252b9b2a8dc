import Foundation

/// Where a security command writes: result lines to standard output and one-line notes (warnings, progress of a
/// reconnection) to standard error. Tests collect both.
struct CommandOutput: Sendable {
    /// One line of results.
    var line: @Sendable (String) -> Void
    /// One line for the person at the terminal, not for the pipe.
    var note: @Sendable (String) -> Void

    /// Standard output and standard error, unbuffered.
    static let standard = CommandOutput(line: { Console.line($0) }, note: { Console.error("cardgate: " + $0) })
}
