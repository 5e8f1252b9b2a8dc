import Synchronization

/// Lets administrative edits of one process run one at a time, in the order they arrived, without holding a
/// thread while they wait.
///
/// Edits read and validate the model outside the write transaction; taking turns means that an edit never finds
/// the model changed by another edit of this process meanwhile (which would make it start again, and under a burst
/// of edits give up). Changes from other processes are still caught by ``AdminModelRevision``.
final class AdminTurns: Sendable {
    private struct State {
        var busy = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Waits for this caller's turn; every call must be followed by one ``finish()``.
    func begin() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                guard state.busy else {
                    state.busy = true
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Ends the current turn and starts the next waiting one.
    func finish() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.busy = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
