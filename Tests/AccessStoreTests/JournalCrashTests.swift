import AccessStore
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Kills a process that appends under load with SIGKILL at random moments and checks that every
/// append it saw acknowledged survived, and that the chain still verifies.
@Suite struct JournalCrashTests {
    /// The helper executable, built next to the test binary (target `JournalCrashChild`).
    static func childPath() throws -> String {
        let testBinary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var directory = URL(fileURLWithPath: testBinary).deletingLastPathComponent()
        while directory.pathExtension == "xctest" || directory.lastPathComponent == "MacOS"
            || directory.lastPathComponent == "Contents"
        {
            directory.deleteLastPathComponent()
        }
        let path = directory.appendingPathComponent("JournalCrashChild").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw AccessStoreError(.invalidInput, "the JournalCrashChild helper was not built at \(path)")
        }
        return path
    }

    @Test func acknowledgedAppendsSurviveSIGKILL() async throws {
        let child = try Self.childPath()
        let directory = try TemporaryDirectory()
        let database = directory.file("journal.sqlite")
        let keyFile = directory.file("journal.key")
        let key = try JournalKey.create(at: keyFile)
        var generator = SystemRandomNumberGenerator()
        var highestAcknowledged: Int64 = 0
        var rounds = 0
        var killedWhileAppending = 0
        for round in 0..<24 {
            let output = directory.file("acks-\(round).txt")
            #expect(FileManager.default.createFile(atPath: output, contents: nil))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: child)
            process.arguments = [database, keyFile, "16"]
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            try process.run()
            // Wait until the child is appending, then let it run a random while before the kill.
            var ready = false
            for _ in 0..<2000 where !ready {
                ready = (try? String(contentsOfFile: output, encoding: .utf8))?.hasPrefix("ready") == true
                if !ready { try await Task.sleep(for: .milliseconds(5)) }
            }
            #expect(ready, "round \(round): the child never became ready")
            try await Task.sleep(for: .milliseconds(Int.random(in: 10...250, using: &generator)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            let acknowledged = try String(contentsOfFile: output, encoding: .utf8)
                .split(separator: "\n").dropFirst().compactMap { Int64($0) }
            if let last = acknowledged.max() {
                highestAcknowledged = max(highestAcknowledged, last)
                killedWhileAppending += 1
            }
            let store = try AccessStore.open(at: database, options: .init(readOnly: true))
            let verification = try JournalVerifier(trustedKeys: [key.publicKey]).verify(store.writer)
            #expect(verification.isIntact, "round \(round): \(String(describing: verification.damage))")
            // Gap-free: every acknowledged sequence is present when the last one is.
            #expect((verification.lastSequence ?? 0) >= highestAcknowledged, "round \(round)")
            #expect(verification.firstSequence == 1)
            rounds += 1
        }
        #expect(rounds >= 20)
        #expect(killedWhileAppending >= 20)
    }
}
