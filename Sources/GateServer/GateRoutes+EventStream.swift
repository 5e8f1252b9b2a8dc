import AccessStore
import Foundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle

/// `GET /v1/events/stream`: server-sent events, resumable with `Last-Event-ID`.
extension GateRoutes {
    /// Events read per journal query while catching up.
    static let streamBatch = 500
    /// Seconds between keep-alive comments, which also find connections that have gone.
    static let streamHeartbeat: Duration = .seconds(15)

    private enum Wake: Sendable {
        case events
        case heartbeat
    }

    /// Streams every event after `Last-Event-ID` (or, without it, every event from now on), in sequence order, as
    /// `id: <sequence>`, `event: <type>`, `data: <event JSON>`. An id beyond the newest event (a journal restored
    /// from an older copy, a made-up number) streams from the newest on, as without the header.
    func eventStream(_ request: Request, _ context: GateRequestContext) async throws -> Response {
        _ = try await require(RoleSet.readers, request, context)
        let journal = services.recorder.journal
        var requested: Int64?
        if let header = request.headers[.lastEventID] {
            guard let value = Int64(header.trimmingCharacters(in: .whitespaces)), value >= 0 else {
                throw APIProblem.badRequest("Last-Event-ID must be an event id", code: "invalid-header")
            }
            requested = value
        }
        let newest: Int64
        do {
            newest = try await Self.newestSequence(journal) ?? 0
        } catch {
            throw APIProblem.unavailable("the journal cannot be read", code: "journal-unavailable")
        }
        let start = min(requested ?? newest, newest)
        let (signals, cancel) = services.recorder.subscribe()
        // A client that resets the connection ends its stream at once, not at the next keep-alive. (One that only
        // half-closes is found by the keep-alive write.)
        context.connectionClosed.whenComplete { _ in cancel() }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let body = ResponseBody { writer in
            defer { cancel() }
            // A stream never ends by itself: at shutdown end it, so the server can finish its requests and stop.
            try await withGracefulShutdownHandler {
                try await Self.stream(from: start, signals: signals, journal: journal, to: &writer)
            } onGracefulShutdown: {
                cancel()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// Writes the events after `start`, then each new one as the journal grows, until `signals` ends.
    private static func stream(
        from start: Int64, signals: AsyncStream<Int64>, journal: EventJournal, to writer: inout any ResponseBodyWriter
    ) async throws {
        let (wakes, wake) = AsyncStream<Wake>.makeStream(bufferingPolicy: .bufferingNewest(2))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in signals { wake.yield(.events) }
                wake.finish()
            }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: Self.streamHeartbeat)
                    wake.yield(.heartbeat)
                }
            }
            var last = start
            last = try await Self.sendEvents(after: last, journal: journal, to: &writer)
            for await reason in wakes {
                switch reason {
                case .events: last = try await Self.sendEvents(after: last, journal: journal, to: &writer)
                case .heartbeat: try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                }
            }
            group.cancelAll()
        }
    }

    static func newestSequence(_ journal: EventJournal) async throws -> Int64? {
        try await journal.events(JournalQuery(limit: 1)).events.first?.sequence
    }

    /// Writes the events after `last` in sequence order; returns the last sequence written.
    static func sendEvents(
        after last: Int64, journal: EventJournal, to writer: inout any ResponseBodyWriter
    ) async throws -> Int64 {
        var last = last
        while true {
            // Sequences are gap-free, so the page below the cursor last + batch + 1 is the next batch.
            let page = try await journal.events(JournalQuery(limit: streamBatch, cursor: last + Int64(streamBatch) + 1))
            let events = page.events.reversed().filter { $0.sequence > last }
            if events.isEmpty {
                // Retention may have pruned the range: go on from the oldest event kept, if newer events exist.
                guard let newest = try await newestSequence(journal), newest > last + Int64(streamBatch) else {
                    return last
                }
                let oldest = try await journal.oldestSequence() ?? 0
                last = max(last + Int64(streamBatch), oldest - 1)
                continue
            }
            var bytes: [UInt8] = []
            for event in events {
                bytes.append(contentsOf: "id: \(event.sequence)\nevent: \(event.type.rawValue)\ndata: ".utf8)
                JournalEventJSON.appendAPIObject(event, to: &bytes)
                bytes.append(contentsOf: [0x0A, 0x0A])
                last = event.sequence
            }
            try await writer.write(ByteBuffer(bytes: bytes))
            if events.count < streamBatch { return last }
        }
    }
}

extension HTTPField.Name {
    /// `Last-Event-ID`, sent by an `EventSource` that reconnects.
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}
