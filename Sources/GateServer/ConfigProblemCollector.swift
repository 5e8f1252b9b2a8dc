import Configuration
import Synchronization

/// Collects what went wrong while the configuration was read, and which keys were read.
///
/// swift-configuration's getters return nil (or the default) for a value that a provider cannot convert, and
/// report the failure only to the access reporter; the daemon must not start on a silently ignored setting, so
/// this reporter keeps every failure for ``GateServerConfiguration/load(_:environment:)`` to throw.
final class ConfigProblemCollector: AccessReporter {
    private struct State {
        var problems: [String] = []
        var keysRead: Set<String> = []
    }

    private let state = Mutex(State())

    func report(_ event: AccessEvent) {
        let key = event.metadata.key.components.joined(separator: ".")
        var problems: [String] = []
        for result in event.providerResults {
            if case .failure(let error) = result.result { problems.append("\(key): \(error) (\(result.providerName))") }
        }
        if let error = event.conversionError { problems.append("\(key): \(error)") }
        state.withLock { state in
            state.keysRead.insert(key)
            state.problems += problems
        }
    }

    /// Every failure reported, in order.
    var problems: [String] { state.withLock { $0.problems } }

    /// Every key asked for, dot-separated.
    var keysRead: Set<String> { state.withLock { $0.keysRead } }
}
