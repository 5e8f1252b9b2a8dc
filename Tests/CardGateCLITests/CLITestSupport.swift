import AccessStore
import Foundation

/// Runs the built `cardgate` executable, as a user or a script would.
struct CardGateRun: Sendable {
    var status: Int32
    /// Standard output exactly as written (`output` is its text, which loses a leading byte order mark).
    var outputBytes: Data
    var output: String { String(decoding: outputBytes, as: UTF8.self) }
    var errors: String

    /// The `cardgate` executable built next to the test binary (the test target depends on it).
    static func executable() throws -> URL {
        let testBinary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var directory = URL(fileURLWithPath: testBinary).deletingLastPathComponent()
        while directory.pathExtension == "xctest" || directory.lastPathComponent == "MacOS"
            || directory.lastPathComponent == "Contents"
        {
            directory.deleteLastPathComponent()
        }
        let url = directory.appendingPathComponent("cardgate")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw AccessStoreError(.invalidInput, "cardgate was not built at \(url.path)")
        }
        return url
    }

    /// Runs `cardgate arguments...` to its end, standard output and standard error captured through files.
    ///
    /// The wait happens on a thread of its own: blocking a thread of Swift's cooperative pool (two on a
    /// two-core machine) would stall every other test of the run, in-process servers included.
    static func run(_ arguments: [String], in directory: CLITemporaryDirectory) async throws -> CardGateRun {
        let outputPath = directory.file("stdout-\(UUID().uuidString)")
        let errorPath = directory.file("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread { [process] in
                process.waitUntilExit()
                continuation.resume()
            }
        }
        return CardGateRun(
            status: process.terminationStatus,
            outputBytes: FileManager.default.contents(atPath: outputPath) ?? Data(),
            errors: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "")
    }
}

/// A temporary directory removed when the value is released.
final class CLITemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "cardgate-cli-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
