import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Serves a `SimulatedCard` to pcscd through the vpcd virtual-reader driver (Debian `vsmartcard-vpcd`).
///
/// vpcd listens on a TCP port per virtual reader slot (35963 for "Virtual PCD 00 00", 35964 for "… 00 01").
/// Connecting inserts the card; closing the connection removes it. Each message either way is a 2-byte
/// big-endian length and a payload. A 1-byte payload from vpcd is a control code (`00` power off, `01` power on,
/// `02` reset, `04` get ATR — answered with the ATR); any other payload is a command APDU, answered with the
/// card's response APDU. The exchange runs on a dedicated thread with blocking sockets.
public final class VPCDBridge: Sendable {
    public let card: any SimulatedCard
    public let host: String
    public let port: UInt16

    private struct Connection {
        var socket: Int32 = -1
        var done: DispatchSemaphore?
    }

    private let connection = Mutex(Connection())
    private let exchanged = Mutex(0)

    public init(card: any SimulatedCard, host: String = "127.0.0.1", port: UInt16 = 35963) {
        self.card = card
        self.host = host
        self.port = port
    }

    deinit { remove() }

    /// Whether the card is currently connected to vpcd (inserted in the virtual reader).
    public var isInserted: Bool { connection.withLock { $0.socket >= 0 } }

    /// Command APDUs answered since creation (for measurements and tests).
    public var commandCount: Int { exchanged.withLock { $0 } }

    /// Inserts the card: connects to vpcd and starts answering on a dedicated thread.
    /// - Throws: `VPCDError.connectFailed` when nothing listens on the port (pcscd not running with vpcd).
    public func insert() throws(VPCDError) {
        guard !isInserted else { return }
        let socket = try Self.connectSocket(host: host, port: port)
        let done = DispatchSemaphore(value: 0)
        connection.withLock { $0 = Connection(socket: socket, done: done) }
        let thread = Thread { [self] in
            serve(socket)
            connection.withLock { state in
                if state.socket == socket { state.socket = -1 }
            }
            close(socket)
            done.signal()
        }
        thread.name = "cardgate.vpcd-bridge"
        thread.start()
    }

    /// Removes the card: closes the connection to vpcd and waits for the serving thread to end.
    public func remove() {
        let (socket, done) = connection.withLock { state in
            defer { state = Connection() }
            return (state.socket, state.done)
        }
        guard socket >= 0 else { return }
        shutdown(socket, Int32(SHUT_RDWR))
        done?.wait()
    }

    /// Waits until the card is removed or vpcd closes the connection (pcscd stopped).
    public func waitUntilRemoved() async {
        guard let done = connection.withLock({ $0.done }) else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                done.wait()
                done.signal()
                continuation.resume()
            }
        }
    }

    private func serve(_ socket: Int32) {
        while let message = Self.receiveMessage(socket) {
            if message.count == 1 {
                switch message[0] {
                case 0x00: card.reset()
                case 0x01, 0x02: card.reset()
                case 0x04: guard Self.sendMessage(socket, card.atr) else { return }
                default: continue
                }
            } else {
                let response = card.respond(to: message)
                exchanged.withLock { $0 += 1 }
                guard Self.sendMessage(socket, response) else { return }
            }
        }
    }

    private static func connectSocket(host: String, port: UInt16) throws(VPCDError) -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw .invalidHost(host) }
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw .connectFailed(host: host, port: port, errno: errno) }
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(socket)
            throw .connectFailed(host: host, port: port, errno: code)
        }
        return socket
    }

    private static func receiveMessage(_ socket: Int32) -> [UInt8]? {
        guard let header = receiveExactly(socket, 2) else { return nil }
        let length = Int(header[0]) << 8 | Int(header[1])
        return length == 0 ? [] : receiveExactly(socket, length)
    }

    private static func receiveExactly(_ socket: Int32, _ count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var received = 0
        while received < count {
            let result = buffer.withUnsafeMutableBytes { raw in
                recv(socket, raw.baseAddress! + received, count - received, 0)
            }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { return nil }
            received += result
        }
        return buffer
    }

    private static func sendMessage(_ socket: Int32, _ payload: [UInt8]) -> Bool {
        guard payload.count <= 0xFFFF else { return false }
        let message = [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)] + payload
        var sent = 0
        while sent < message.count {
            let result = message.withUnsafeBytes { raw in
                send(socket, raw.baseAddress! + sent, message.count - sent, Int32(MSG_NOSIGNAL))
            }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { return false }
            sent += result
        }
        return true
    }
}

/// Why a simulated card could not be served to vpcd.
public enum VPCDError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidHost(String)
    case connectFailed(host: String, port: UInt16, errno: Int32)
    case unknownReader(String)

    public var description: String {
        switch self {
        case .invalidHost(let host): "\(host) is not an IPv4 address"
        case .connectFailed(let host, let port, let code):
            "cannot reach the vpcd virtual reader at \(host):\(port) (\(String(cString: strerror(code)))): "
                + "is pcscd running with vsmartcard-vpcd? Start it with `make pcscd`"
        case .unknownReader(let name): "no vpcd port is known for reader \"\(name)\""
        }
    }
}
