import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A minimal server-sent-events client over a blocking socket, for tests against a live server on loopback.
///
/// It sends one GET, then reads until it has collected the events asked for. Reads time out after `limit`, a
/// liveness bound (a missing event fails the test instead of hanging it), not a performance goal.
final class EventStreamClient: @unchecked Sendable {
    // @unchecked: `descriptor` and `buffer` are touched only by the caller of `connect`/`next`/`close`, one call at
    // a time, from one test; the class is never shared between concurrent tasks.
    private var descriptor: Int32 = -1
    private var buffer = Data()

    struct Event: Equatable {
        var id: String?
        var type: String?
        var data: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The response head, once the first events were read.
    private(set) var head: String?

    /// Connects to 127.0.0.1:`port` and sends `GET path` with `headers`.
    func connect(port: Int, path: String, headers: [String: String], limit: TimeInterval = 10) throws {
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        try connect(port: port, raw: request, limit: limit)
    }

    /// Connects to 127.0.0.1:`port` and sends `raw` as it is (also requests no HTTP client library would send).
    func connect(port: Int, raw request: String, limit: TimeInterval = 10) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(errno)") }
        var timeout = timeval(tv_sec: Int(limit), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure(description: "connect: \(errno)") }
        let bytes = Array(request.utf8)
        guard Glibc.send(descriptor, bytes, bytes.count, 0) == bytes.count else { throw Failure(description: "send") }
    }

    /// ``next(_:)`` on a thread of its own, so a blocking read never holds a thread of the concurrency pool.
    func events(_ count: Int) async throws -> [Event] {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try self.next(count) })
            }
        }
    }

    /// The response's status line and header fields, read on a thread of its own.
    func responseHead() async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try self.readUntil("\r\n\r\n") })
            }
        }
    }

    /// The next `count` events (comments skipped).
    func next(_ count: Int) throws -> [Event] {
        if head == nil {
            head = try readUntil("\r\n\r\n")
            buffer = buffer.filter { $0 != 0x0D }
        }
        var events: [Event] = []
        while events.count < count {
            let block = try readUntil("\n\n")
            var event = Event(data: "")
            var isComment = true
            for line in block.split(separator: "\n", omittingEmptySubsequences: true) {
                // Chunked transfer encoding puts chunk sizes on their own lines: they have no field name.
                guard let colon = line.firstIndex(of: ":") else { continue }
                let field = line[..<colon]
                let value = line[line.index(after: colon)...].drop(while: { $0 == " " })
                switch field {
                case "id": event.id = String(value); isComment = false
                case "event": event.type = String(value); isComment = false
                case "data": event.data += String(value); isComment = false
                default: break
                }
            }
            if !isComment { events.append(event) }
        }
        return events
    }

    private func readUntil(_ separator: String) throws -> String {
        let marker = Data(separator.utf8)
        while true {
            // Chunk framing ("\r\n<size>\r\n") sits between events; drop carriage returns to find "\n\n".
            if let range = buffer.range(of: marker) {
                let text = String(decoding: buffer[..<range.lowerBound], as: UTF8.self)
                buffer.removeSubrange(..<range.upperBound)
                return text
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = recv(descriptor, &chunk, chunk.count, 0)
            guard count > 0 else { throw Failure(description: "the stream ended or timed out (recv \(count))") }
            let received = separator == "\r\n\r\n" ? chunk[..<count] : chunk[..<count].filter { $0 != 0x0D }[...]
            buffer.append(contentsOf: received)
        }
    }

    /// Everything the server sends until it closes the connection, on a thread of its own; throws when a read times
    /// out first.
    func untilClosed() async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    var received = self.buffer
                    self.buffer = Data()
                    while true {
                        var chunk = [UInt8](repeating: 0, count: 4096)
                        let count = recv(self.descriptor, &chunk, chunk.count, 0)
                        if count == 0 { return String(decoding: received, as: UTF8.self) }
                        guard count > 0 else { throw Failure(description: "the stream did not end (recv \(count))") }
                        received.append(contentsOf: chunk[..<count])
                    }
                })
            }
        }
    }

    /// Sends more of the request.
    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard Glibc.send(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else {
            throw Failure(description: "send: \(errno)")
        }
    }

    /// Half-closes the connection: nothing more is sent, as from a client that gives up in the middle of a body.
    func finishSending() {
        shutdown(descriptor, Int32(SHUT_WR))
    }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    deinit { close() }
}
