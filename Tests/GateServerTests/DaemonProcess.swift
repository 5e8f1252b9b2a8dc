import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `cardgated` run as a child process on a free loopback port, for tests of the daemon as operators run it.
final class DaemonProcess: @unchecked Sendable {
    // @unchecked: every stored property is a `let` set in `init`; `Process` is not marked Sendable, but the only
    // calls made on it after `run()` (processIdentifier, isRunning, terminate, waitUntilExit, terminationStatus)
    // are safe from any thread in swift-corelibs-foundation, which guards its state with a lock.
    let process: Process
    let port: Int
    let logPath: String

    /// The `cardgated` executable, built next to the test binary (the test target depends on it).
    static func executable() throws -> String {
        let testBinary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var directory = URL(fileURLWithPath: testBinary).deletingLastPathComponent()
        while directory.pathExtension == "xctest" { directory.deleteLastPathComponent() }
        let path = directory.appendingPathComponent("cardgated").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw DaemonFailure("cardgated was not built at \(path)")
        }
        return path
    }

    /// A TCP port that was free a moment ago (bound to port 0, then released).
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && getsockname(descriptor, address, &length) == 0
            }
        }
        guard bound else { throw DaemonFailure("no free port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Starts `cardgated` with `arguments` plus `--listen 127.0.0.1:<port>` and waits until `/healthz` answers.
    init(arguments: [String], environment: [String: String] = [:], logPath: String) async throws {
        port = try Self.freePort()
        self.logPath = logPath
        process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.executable())
        process.arguments = arguments + ["--listen", "127.0.0.1:\(port)"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        for _ in 0..<1000 {
            if let answer = try? await request("GET", "/healthz"), answer.0 == 200 { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        process.terminate()
        throw DaemonFailure("cardgated did not come up: \(text)")
    }

    /// Sends one request to the daemon; returns the status and the body.
    func request(_ method: String, _ path: String, token: String? = nil, body: String? = nil) async throws
        -> (Int, Data)
    {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Waits for the process to end, on a thread of its own; returns its exit status.
    func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [process] in
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }
        }
    }
}

struct DaemonFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
