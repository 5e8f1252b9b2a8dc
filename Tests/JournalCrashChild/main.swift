// A test helper for AccessStoreTests' crash test: appends journal events from several concurrent
// writers forever and prints each event's sequence number, one per line, as soon as `append` returns.
// The test kills this process with SIGKILL and checks that every printed event survived.
//
// Usage: JournalCrashChild DATABASE KEYFILE [WRITERS]
import AccessStore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: JournalCrashChild DATABASE KEYFILE [WRITERS]\n".utf8))
    exit(2)
}
let writers = arguments.count > 3 ? Int(arguments[3]) ?? 8 : 8

/// Serialises writes to standard output so that lines never interleave.
actor Acknowledger {
    func acknowledge(_ sequence: Int64) {
        let line = "\(sequence)\n"
        line.withCString { _ = write(STDOUT_FILENO, $0, strlen($0)) }
    }
}

do {
    let store = try AccessStore.open(at: arguments[1])
    let key = try JournalKey.load(from: arguments[2])
    let journal = EventJournal(store: store, key: key, checkpointPolicy: CheckpointPolicy(events: 50))
    let acknowledger = Acknowledger()
    "ready\n".withCString { _ = write(STDOUT_FILENO, $0, strlen($0)) }
    try await withThrowingTaskGroup(of: Void.self) { group in
        for writer in 0..<writers {
            group.addTask {
                var count = 0
                while true {
                    count += 1
                    let event = try await journal.append(
                        NewJournalEvent(
                            type: .accessDecision, doorId: "door-\(writer % 3)", personId: "person-\(writer)",
                            decision: count % 5 == 0 ? .deny : .grant,
                            reason: count % 5 == 0 ? "outside_schedule" : "granted",
                            details: #"{"writer":\#(writer),"count":\#(count)}"#))
                    await acknowledger.acknowledge(event.sequence)
                }
            }
        }
        try await group.waitForAll()
    }
} catch {
    FileHandle.standardError.write(Data("JournalCrashChild: \(error)\n".utf8))
    exit(1)
}
