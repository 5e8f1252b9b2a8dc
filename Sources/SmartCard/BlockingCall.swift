import Dispatch
import Synchronization

/// Runs blocking PC/SC calls on a dispatch queue (its own thread, never the Swift concurrency pool) and
/// gives up waiting after a timeout.
enum BlockingCall {
    /// Runs `body` on `queue` and returns its result, or throws `PCSCError(.timeout)` if it has not finished
    /// within `timeout`. A timed-out body keeps running on its queue; its result is dropped.
    static func run<T: Sendable>(
        on queue: DispatchQueue, timeout: Duration?,
        _ body: @escaping @Sendable () throws(PCSCError) -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let resumed = Mutex(false)
            let resumeOnce: @Sendable (Result<T, any Error>) -> Void = { result in
                let first = resumed.withLock { done in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume(with: result) }
            }
            queue.async {
                do throws(PCSCError) {
                    resumeOnce(.success(try body()))
                } catch {
                    resumeOnce(.failure(error))
                }
            }
            if let timeout {
                DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(timeout.nanoseconds))) {
                    resumeOnce(.failure(PCSCError(.timeout, function: "exchange")))
                }
            }
        }
    }
}
