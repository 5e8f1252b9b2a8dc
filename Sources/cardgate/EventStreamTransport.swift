import DoorAgent
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What a connection to `GET /v1/events/stream` delivers.
enum EventStreamChunk: Sendable, Hashable {
    /// The server answered 200: the stream is open.
    case connected
    /// Bytes of the `text/event-stream` body.
    case bytes(Data)
}

/// Opens connections to the live event stream; ``EventFollower`` reconnects through it after a drop.
protocol EventStreamTransport: Sendable {
    /// A connection resuming after `lastEventId`. The sequence ends when the connection ends; it throws a
    /// ``CLIFailure`` when the server refuses the stream or cannot be reached. Cancelling the iterating task closes it.
    func open(lastEventId: String?) -> AsyncThrowingStream<EventStreamChunk, any Error>
}

/// The event stream over URLSession (FoundationNetworking has no `bytes(for:)`, so a data delegate feeds a stream).
struct URLSessionEventStream: EventStreamTransport {
    let client: GateAPIClient
    /// Seconds without a byte before the connection counts as dropped; the server sends a keep-alive every 15 s.
    var idleTimeout: TimeInterval = 45

    func open(lastEventId: String?) -> AsyncThrowingStream<EventStreamChunk, any Error> {
        let (stream, continuation) = AsyncThrowingStream<EventStreamChunk, any Error>.makeStream()
        var request: URLRequest
        do {
            request = try client.request("GET", ["v1", "events", "stream"])
        } catch {
            continuation.finish(throwing: CLIFailure(error, server: client.server))
            return stream
        }
        request.setValue("text/event-stream", forHTTPHeaderField: "Accept")
        request.setValue("no-cache", forHTTPHeaderField: "Cache-Control")
        if let lastEventId { request.setValue(lastEventId, forHTTPHeaderField: "Last-Event-ID") }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = max(idleTimeout, client.timeout)
        configuration.timeoutIntervalForResource = 10 * 365 * 86_400
        let delegate = Delegate(server: client.server, continuation: continuation)
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        let task = session.dataTask(with: request)
        continuation.onTermination = { _ in
            task.cancel()
            session.invalidateAndCancel()
        }
        task.resume()
        return stream
    }

    /// Passes the body on as it arrives; a refusal (any status but 200) becomes a ``CLIFailure`` with the problem
    /// details of its body.
    private final class Delegate: NSObject, URLSessionDataDelegate, Sendable {
        let server: URL
        let continuation: AsyncThrowingStream<EventStreamChunk, any Error>.Continuation
        /// The status of the answer and, for a refusal, its body so far.
        private let state = Mutex<(status: Int?, refusal: Data)>((nil, Data()))

        init(server: URL, continuation: AsyncThrowingStream<EventStreamChunk, any Error>.Continuation) {
            self.server = server
            self.continuation = continuation
        }

        func urlSession(
            _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
            completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
        ) {
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            state.withLock { $0.status = status }
            if status == 200 { continuation.yield(.connected) }
            completionHandler(.allow)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            let refused = state.withLock { state -> Bool in
                guard state.status != 200 else { return false }
                if state.refusal.count < 64 * 1024 { state.refusal.append(data) }
                return true
            }
            if !refused { continuation.yield(.bytes(data)) }
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
            let (status, refusal) = state.withLock { ($0.status, $0.refusal) }
            if let status, status != 200 {
                continuation.finish(throwing: CLIFailure(GateAPIClient.failure(status: status, body: refusal),
                    server: server))
            } else if let error, status == nil {
                continuation.finish(throwing: CLIFailure(.unreachable((error as NSError).localizedDescription),
                    server: server))
            } else {
                // A stream that was open and ended, with or without an error, is a drop: reconnect.
                continuation.finish()
            }
            session.finishTasksAndInvalidate()
        }
    }
}
