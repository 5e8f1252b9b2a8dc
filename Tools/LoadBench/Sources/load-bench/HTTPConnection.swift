import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An IPv4 address and port, from `HOST:PORT` or `http://HOST:PORT`.
struct Endpoint: Sendable, CustomStringConvertible {
    var host: String
    var port: UInt16

    init?(_ text: String) {
        var rest = Substring(text)
        if rest.hasPrefix("http://") { rest = rest.dropFirst(7) }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard let colon = rest.lastIndex(of: ":"), let port = UInt16(rest[rest.index(after: colon)...]) else {
            return nil
        }
        host = String(rest[..<colon])
        self.port = port
        var probe = in_addr()
        guard inet_pton(AF_INET, host, &probe) == 1 else { return nil }
    }

    var description: String { "\(host):\(port)" }
}

/// One answer: the status code and the body (chunked bodies decoded).
struct HTTPResponse {
    var status: Int
    var body: [UInt8]

    /// The string value of `"name":"…"` in a flat JSON body, without unescaping; nil if absent.
    func jsonString(_ name: String) -> String? {
        let pattern = Array("\"\(name)\":\"".utf8)
        guard let start = body.firstRange(of: pattern)?.upperBound,
            let end = body[start...].firstIndex(of: UInt8(ascii: "\""))
        else { return nil }
        return String(decoding: body[start..<end], as: UTF8.self)
    }
}

/// A blocking HTTP/1.1 keep-alive client connection over one TCP socket, used by one thread at a time.
///
/// Deliberately small: the load generator shares two cores with the daemon, so every request costs it one `send`
/// and usually one `recv`. It understands `Content-Length` and chunked bodies, and reconnects after
/// `Connection: close`.
final class HTTPConnection {
    private let endpoint: Endpoint
    private var socket: Int32 = -1
    private var received: [UInt8] = []
    private var scratch = [UInt8](repeating: 0, count: 65_536)

    init(_ endpoint: Endpoint) throws {
        self.endpoint = endpoint
        try connect()
    }

    deinit {
        if socket >= 0 { close(socket) }
    }

    /// Builds a request with a `Host` header, an optional bearer token and a JSON body.
    static func request(
        _ method: String, _ path: String, host: Endpoint, token: String?, body: [UInt8] = []
    ) -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        if !body.isEmpty { head += "Content-Type: application/json\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        return Array(head.utf8) + body
    }

    /// Sends `request` (built with ``request(_:_:host:token:body:)``) and waits for the whole answer.
    func send(_ request: [UInt8]) throws -> HTTPResponse {
        if socket < 0 { try connect() }
        try request.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = Glibc.send(socket, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent < 0 {
                    if errno == EINTR { continue }
                    throw KitError("send to \(endpoint): \(String(cString: strerror(errno)))")
                }
                offset += sent
            }
        }
        return try readResponse()
    }

    private func connect() throws {
        received.removeAll(keepingCapacity: true)
        let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw KitError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = endpoint.port.bigEndian
        inet_pton(AF_INET, endpoint.host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let message = String(cString: strerror(errno))
            close(descriptor)
            throw KitError("connect to \(endpoint): \(message)")
        }
        socket = descriptor
    }

    private func closeSocket() {
        if socket >= 0 { close(socket) }
        socket = -1
    }

    /// Reads more bytes into `received`; throws at end of stream.
    private func fill() throws {
        while true {
            let count = scratch.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received.append(contentsOf: scratch[0..<count])
                return
            }
            if count < 0, errno == EINTR { continue }
            let message = count == 0 ? "connection closed" : String(cString: strerror(errno))
            closeSocket()
            throw KitError("recv from \(endpoint): \(message)")
        }
    }

    private func readResponse() throws -> HTTPResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd = received.firstRange(of: separator)
        while headerEnd == nil {
            try fill()
            headerEnd = received.firstRange(of: separator)
        }
        guard let headerEnd else { throw KitError("no header") }
        let head = String(decoding: received[..<headerEnd.lowerBound], as: UTF8.self)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
        let statusLine = lines.popFirst() ?? ""
        let statusFields = statusLine.split(separator: " ")
        guard statusFields.count >= 2, let status = Int(statusFields[1]) else {
            throw KitError("malformed status line '\(statusLine)'")
        }
        var length: Int?
        var chunked = false
        var closeAfter = false
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces).lowercased()
            switch name {
            case "content-length": length = Int(value)
            case "transfer-encoding": chunked = value.contains("chunked")
            case "connection": closeAfter = value == "close"
            default: break
            }
        }
        received.removeFirst(headerEnd.upperBound)
        let body: [UInt8]
        if chunked {
            body = try readChunks()
        } else {
            let count = length ?? 0
            while received.count < count { try fill() }
            body = Array(received[..<count])
            received.removeFirst(count)
        }
        if closeAfter { closeSocket() }
        return HTTPResponse(status: status, body: body)
    }

    private func readChunks() throws -> [UInt8] {
        var body: [UInt8] = []
        let lineEnd: [UInt8] = [13, 10]
        while true {
            var end = received.firstRange(of: lineEnd)
            while end == nil {
                try fill()
                end = received.firstRange(of: lineEnd)
            }
            guard let end else { throw KitError("no chunk size") }
            let sizeText = String(decoding: received[..<end.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16) else {
                throw KitError("malformed chunk size '\(sizeText)'")
            }
            received.removeFirst(end.upperBound)
            while received.count < size + 2 { try fill() }
            body += received[..<size]
            received.removeFirst(size + 2)
            if size == 0 { return body }
        }
    }
}
