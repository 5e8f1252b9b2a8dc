import ArgumentParser
import DoorAgent
import Foundation

/// A failure of a command that talks to the daemon: one line for standard error, and an exit status that names its
/// kind (the sysexits.h numbers, so scripts can tell a refused token from a server that is down).
struct CLIFailure: Error, Hashable, CustomStringConvertible {
    /// The kind of failure; the raw value is the exit status.
    enum Kind: Int32, Hashable, CaseIterable {
        /// The command line is wrong (also ArgumentParser's own status for bad flags).
        case usage = 64
        /// The server understood the request and refused it (400, 404, 409, 413, 422: problem+json).
        case refused = 65
        /// The server cannot be reached, or answered 503: it is down or busy.
        case unavailable = 69
        /// The server's answer is not the API's (unexpected status, 5xx, malformed JSON).
        case protocolError = 76
        /// The token was refused (401) or its role may not do this (403).
        case notAuthorized = 77
        /// No server or token configured, an unreadable token file, a bad configuration file.
        case configuration = 78
    }

    var kind: Kind
    var message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    var description: String { message }

    /// The exit status.
    var exitCode: ExitCode { ExitCode(kind.rawValue) }

    /// The failure for an API error of a request to `server`.
    init(_ error: GateAPIError, server: URL) {
        switch error {
        case .invalidPath(let segment):
            self.init(.usage, "\"\(segment)\" is not a valid id")
        case .unreachable(let why):
            self.init(.unavailable, "cannot reach the CardGate server at \(server.absoluteString): \(why)")
        case .malformedAnswer(let why):
            self.init(.protocolError, "the server's answer is not CardGate's API: \(why)")
        case .http(let status, let problem):
            let detail = (problem?.detail ?? problem?.title).map { ": \($0)" } ?? ""
            let code = problem?.code.map { " \($0)" } ?? ""
            switch status {
            case 401: self.init(.notAuthorized, "the server refused the token (HTTP 401)\(detail)")
            case 403: self.init(.notAuthorized, "the token may not do this (HTTP 403)\(detail)")
            case 503: self.init(.unavailable, "the server cannot do this now (HTTP 503\(code))\(detail)")
            case 400..<500: self.init(.refused, "the server refused the request (HTTP \(status)\(code))\(detail)")
            default: self.init(.protocolError, "unexpected answer from the server (HTTP \(status)\(code))\(detail)")
            }
        }
    }

    /// The exit statuses, for `--help`.
    static let exitStatusHelp = """
        Exit status: 0 done; 64 wrong command line; 65 the server refused the request (its problem detail is \
        printed); 69 the server cannot be reached or is unavailable (503); 76 the server's answer is not CardGate's \
        API; 77 the token was refused (401) or may not do this (403); 78 no server or token configured, or a bad \
        configuration or token file.
        """
}
