import Foundation

/// Follows the live event stream: passes each event that matches the filter on, and after a dropped connection
/// reconnects with `Last-Event-ID`, so no event is missed or repeated. Runs until its task is cancelled (Ctrl-C) or
/// the server refuses the stream.
struct EventFollower: Sendable {
    var transport: any EventStreamTransport
    var filter: EventFilter
    /// The first wait before reconnecting; it doubles up to ``longestDelay`` while the server stays away.
    var firstDelay: Duration = .seconds(1)
    var longestDelay: Duration = .seconds(30)
    /// Each matching event.
    var onEvent: @Sendable (EventRecord) -> Void
    /// Drops, reconnections, messages that are not events.
    var note: @Sendable (String) -> Void

    /// Follows the events after `lastEventId`; returns when cancelled.
    ///
    /// - Throws: a ``CLIFailure`` when the server refuses the stream (401, 403, 400): retrying would not help.
    func run(after lastEventId: String) async throws(CLIFailure) {
        var last = lastEventId
        var delay = firstDelay
        var dropped = false
        while !Task.isCancelled {
            var parser = ServerSentEventParser()
            do {
                for try await chunk in transport.open(lastEventId: last) {
                    switch chunk {
                    case .connected:
                        if dropped { note("reconnected; resuming after event \(last)") }
                        dropped = false
                        delay = firstDelay
                    case .bytes(let data):
                        for message in parser.feed(data) { deliver(message) }
                        if let id = parser.lastEventId { last = id }
                    }
                }
                if Task.isCancelled { return }
                note("the event stream was closed; reconnecting in \(Self.seconds(delay))")
            } catch {
                if Task.isCancelled { return }
                let failure = error as? CLIFailure ?? CLIFailure(.unavailable, "\(error)")
                guard failure.kind == .unavailable else { throw failure }
                note("\(failure.message); reconnecting in \(Self.seconds(delay))")
            }
            if let retry = parser.retryMilliseconds { delay = .milliseconds(retry) }
            dropped = true
            do {
                try await Task.sleep(for: delay)
            } catch {
                return
            }
            delay = min(delay * 2, longestDelay)
        }
    }

    private func deliver(_ message: ServerSentEvent) {
        let event: EventRecord
        do {
            event = try EventRecord(json: message.data)
        } catch {
            note("skipped a stream message that is not an event (\(message.event) \(message.id ?? "")): \(error)")
            return
        }
        if filter.matches(event) { onEvent(event) }
    }

    private static func seconds(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds < 1 ? String(format: "%.1f s", seconds) : "\(Int(seconds.rounded())) s"
    }
}
