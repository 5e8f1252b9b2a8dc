import CardSimulator
import Foundation
import SmartCard
import Testing

/// What the pcscd integration tests share: the requirement that pcscd runs, virtual readers, and a watcher
/// that buffers reader events so a test can wait for the one it needs.
enum PCSCTestSupport {
    /// Fails the calling test (never skips) when pcscd with CardGate's virtual readers is not running.
    static func requirePCSCD(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        do {
            let names = try await PCSCCardReader().readers().map(\.name)
            let missing = VirtualReaders.all.map(\.name).filter { !names.contains($0) }
            try #require(missing.isEmpty, "pcscd runs but lacks virtual readers \(missing): run Tools/setup-pcscd.sh",
                         sourceLocation: sourceLocation)
        } catch let error as PCSCError {
            Issue.record("pcscd with vpcd is required for this test (run `make pcscd`): \(error)",
                         sourceLocation: sourceLocation)
            throw error
        }
    }

    /// Waits until pcscd reports a card present in (or absent from) `readerName`; pcscd polls vpcd for card
    /// presence about every 400 ms, so a card removed by the previous test can still be listed for a moment.
    /// Gives up after 30 s, a liveness bound for a loaded machine.
    static func waitForCard(present: Bool, in readerName: String) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let state = try await PCSCCardReader().readers().first { $0.name == readerName }
            guard let state else { throw PIVTestFailure("pcscd has no reader \"\(readerName)\"; run `make pcscd`") }
            if state.cardPresent == present { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw PIVTestFailure("the card did not \(present ? "appear in" : "leave") \(readerName)")
    }

    static func bridge(_ card: any SimulatedCard, reader: String) -> VPCDBridge {
        VPCDBridge(card: card, port: VirtualReaders.port(forReader: reader) ?? 0)
    }

    /// Runs a shell command and waits for it (posix_spawn and waitpid: Foundation's `Process` can wait forever
    /// for a command that leaves a daemon behind, as `pcscd` does).
    @discardableResult
    static func shell(_ command: String) throws -> Int32 {
        var pid: pid_t = 0
        let words: [String] = ["/bin/sh", "-c", command]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { word in strdup(word) } + [nil]
        defer { arguments.forEach { free($0) } }
        let result = posix_spawn(&pid, "/bin/sh", nil, nil, arguments, environ)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status >> 8) & 0xFF
    }
}

/// Consumes a reader-event sequence in the background and lets tests wait for a matching event.
actor EventWatcher {
    private var events: [(event: ReaderEvent, at: ContinuousClock.Instant)] = []
    private var consumed = 0
    private var task: Task<Void, Never>?

    init() {}

    func start(_ stream: AsyncThrowingStream<ReaderEvent, any Error>) {
        task = Task { [weak self] in
            do {
                for try await event in stream { await self?.record(event) }
            } catch {}
        }
    }

    private func record(_ event: ReaderEvent) {
        events.append((event, .now))
    }

    func stop() {
        task?.cancel()
    }

    /// Waits (polling the buffer) for the next event after the ones already consumed that matches, up to
    /// `limit`; returns it and when it arrived, or nil. `limit` is a liveness bound, not a performance goal.
    func next(matching predicate: @Sendable (ReaderEvent) -> Bool, limit: Duration = .seconds(30))
        async -> (event: ReaderEvent, at: ContinuousClock.Instant)?
    {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            while consumed < events.count {
                let entry = events[consumed]
                consumed += 1
                if predicate(entry.event) { return entry }
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }
}
