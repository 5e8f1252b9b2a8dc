import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs work that lasts until the user stops it: SIGINT (Ctrl-C) and SIGTERM cancel it, so it can close its
/// connection and return normally instead of the process dying mid-line.
///
/// Once per process: on Linux, Dispatch installs its signal handler only for a signal's first source, so a second
/// call would leave the signals with their default action, which the first call restores when it returns.
enum Interruption {
    static func cancelOnSignals<Value: Sendable>(
        _ work: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let cancellation = WorkCancellation()
        let sources = [SIGINT, SIGTERM].map { number in
            #if canImport(Darwin)
            // kqueue reports a signal the process ignores, and Dispatch leaves the disposition alone there.
            signal(number, SIG_IGN)
            #endif
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { cancellation.cancel() }
            return source
        }
        defer {
            for source in sources { source.cancel() }
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
        // On Linux, Dispatch takes a signal over (its own handler, then a signalfd) only once it has registered the
        // source, later and on another thread. Until then the signal keeps its default action and ends the process,
        // and the work starts only after both registrations: whatever the work prints (a header, "Ctrl-C to stop")
        // comes after the point where a signal stops it cleanly. The disposition is not set to "ignore" meanwhile
        // there: an ignored signal is discarded, and Ctrl-C in that moment would be lost.
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
