import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs work that lasts until the user stops it: SIGINT (Ctrl-C) and SIGTERM cancel it, so it can close its
/// connection and return normally instead of the process dying mid-line.
enum Interruption {
    static func cancelOnSignals<Value: Sendable>(
        _ work: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let task = Task { try await work() }
        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
        defer {
            for source in sources { source.cancel() }
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }
}
