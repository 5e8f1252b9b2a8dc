import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs work that lasts until the user stops it: SIGINT (Ctrl-C) and SIGTERM cancel it, so it can close its
/// connection and return normally instead of the process dying mid-line.
enum Interruption {
    static func cancelOnSignals<Value: Sendable>(
        _ work: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let cancellation = WorkCancellation()
        let sources = [SIGINT, SIGTERM].map { number in
            // The default action would end the process; the source sees the signal all the same.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { cancellation.cancel() }
            return source
        }
        defer {
            for source in sources { source.cancel() }
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
        // A source starts watching only once Dispatch has registered it, later and on another thread; until then
        // an ignored signal is lost. So the work starts only after both registrations, and Ctrl-C at once after a
        // line appeared cannot go unnoticed.
        for source in sources {
            await withCheckedContinuation { (registered: CheckedContinuation<Void, Never>) in
                source.setRegistrationHandler { registered.resume() }
                source.resume()
            }
        }
        let task = Task { try await work() }
        cancellation.start(task)
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

    /// Cancels the work once it runs, also when the signal came just before it started.
    private final class WorkCancellation: Sendable {
        private let state = Mutex<(cancelWork: (@Sendable () -> Void)?, requested: Bool)>((nil, false))

        func start(_ task: Task<some Sendable, any Error>) {
            let requested = state.withLock { state -> Bool in
                state.cancelWork = { task.cancel() }
                return state.requested
            }
            if requested { task.cancel() }
        }

        func cancel() {
            let cancelWork = state.withLock { state -> (@Sendable () -> Void)? in
                state.requested = true
                return state.cancelWork
            }
            cancelWork?()
        }
    }
}
