import CardSimulator
import Foundation
import SmartCard
import Testing

extension PCSCD {
    /// Tests through the real PC/SC stack: libpcsclite, pcscd, the vpcd driver and CardGate's simulated cards.
    /// They share pcscd (one test restarts it), so they run one at a time.
    @Suite("pcscd integration", .serialized)
    struct PCSCStackTests {
        static let uid: [UInt8] = [0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66]
        static let readerA = "Virtual PCD 00 00"
        static let readerB = "Virtual PCD 00 01"
        static let readerC = "CardGate Virtual Door 00 00"

        @Test("pcscd: lists the four virtual readers with their card state")
        func listing() async throws {
            try await PCSCTestSupport.requirePCSCD()
            // The card of an earlier test at this reader may still be listed until pcscd's next poll.
            try await PCSCTestSupport.waitForCard(present: false, in: Self.readerC)
            let bridge = PCSCTestSupport.bridge(SimulatedUIDCard(uid: Self.uid), reader: Self.readerC)
            try bridge.insert()
            defer { bridge.remove() }
            try await PCSCTestSupport.waitForCard(present: true, in: Self.readerC)
            let door = try #require(try await PCSCCardReader().readers().first { $0.name == Self.readerC })
            #expect(door.cardPresent)
            #expect(door.atr == SimulatedUIDCard.mifareClassicATR)
        }

        @Test("pcscd: monitor reports insert and remove, and the UID reads through pcscd")
        func insertReadRemove() async throws {
            try await PCSCTestSupport.requirePCSCD()
            let watcher = EventWatcher()
            await watcher.start(ReaderMonitor().stream())
            defer { Task { await watcher.stop() } }
            #expect(await watcher.next(matching: { $0 == .readerAdded(Self.readerA) }) != nil)

            let bridge = PCSCTestSupport.bridge(SimulatedUIDCard(uid: Self.uid), reader: Self.readerA)
            let insertedAt = ContinuousClock.now
            try bridge.insert()
            let inserted = await watcher.next(matching: {
                if case .cardInserted(Self.readerA, _) = $0 { true } else { false }
            })
            let event = try #require(inserted, "no cardInserted event for \(Self.readerA)")
            #expect(event.event == .cardInserted(reader: Self.readerA, atr: SimulatedUIDCard.mifareClassicATR))
            print("pcscd insert-to-event latency: \(event.at - insertedAt)")

            let channel = try await PCSCCardReader().connect(reader: Self.readerA)
            #expect(try await channel.readUID() == Self.uid)
            try await channel.disconnect(disposition: .leave)

            bridge.remove()
            #expect(await watcher.next(matching: { $0 == .cardRemoved(reader: Self.readerA) }) != nil)
        }

        @Test("pcscd: a long answer arrives whole through 61xx chaining")
        func chainedResponse() async throws {
            try await PCSCTestSupport.requirePCSCD()
            let contents = (0..<1500).map { UInt8(truncatingIfNeeded: $0 * 13) }
            let bridge = PCSCTestSupport.bridge(SimulatedFileCard(contents: contents, chunkSize: 200), reader: Self.readerB)
            try await Self.insertIntoEmptyReader(bridge, Self.readerB)
            defer { bridge.remove() }
            let channel = try await Self.connectWhenReady(Self.readerB)
            let response = try await channel.send(try CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, le: 256))
            #expect(response.statusWord == .success)
            #expect(response.data == contents)
            try await channel.disconnect(disposition: .leave)
        }

        @Test("pcscd: card removed mid-transaction gives a typed error")
        func removedMidTransaction() async throws {
            try await PCSCTestSupport.requirePCSCD()
            let bridge = PCSCTestSupport.bridge(SimulatedUIDCard(uid: Self.uid), reader: Self.readerB)
            try await Self.insertIntoEmptyReader(bridge, Self.readerB)
            let channel = try await Self.connectWhenReady(Self.readerB)
            let caught = await Self.pcscError {
                try await channel.withTransaction {
                    _ = try await channel.readUID()
                    bridge.remove()
                    _ = try await channel.readUID()
                }
            }
            let error = try #require(caught, "reading after removal must fail")
            print("error after removal: \(error)")
            #expect(error.isCardGone, "got \(error)")
            #expect(error.function == "SCardTransmit")
        }

        @Test("pcscd: cancelling the monitor ends the sequence promptly")
        func cancelMonitor() async throws {
            try await PCSCTestSupport.requirePCSCD()
            let started = AsyncStream<Void>.makeStream()
            let consumer = Task {
                try await Self.consumeSignallingFirst(ReaderMonitor(), started.continuation)
            }
            for await _ in started.stream { break }
            try await Task.sleep(for: .milliseconds(200))
            let cancelledAt = ContinuousClock.now
            consumer.cancel()
            _ = await consumer.result
            print("monitor cancellation took \(ContinuousClock.now - cancelledAt)")
        }

        @Test("pcscd: killed and restarted while the monitor runs, the monitor recovers and sees the next insert")
        func pcscdRestart() async throws {
            try await PCSCTestSupport.requirePCSCD()
            let watcher = EventWatcher()
            await watcher.start(ReaderMonitor(reconnectInterval: .milliseconds(100)).stream())
            defer { Task { await watcher.stop() } }
            #expect(await watcher.next(matching: { $0 == .readerAdded(Self.readerC) }) != nil)

            try PCSCTestSupport.shell("pkill -x pcscd; for i in $(seq 50); do pgrep -x pcscd >/dev/null || break; sleep 0.1; done")
            #expect(await watcher.next(matching: { $0 == .readerRemoved(Self.readerC) }) != nil)

            #expect(try PCSCTestSupport.shell("pcscd") == 0)
            let backAt = ContinuousClock.now
            let added = await watcher.next(matching: { $0 == .readerAdded(Self.readerC) })
            try #require(added != nil, "monitor did not see the readers come back")

            let bridge = PCSCTestSupport.bridge(SimulatedUIDCard(uid: Self.uid), reader: Self.readerC)
            try await Self.insertWhenListening(bridge)
            defer { bridge.remove() }
            let inserted = await watcher.next(matching: {
                if case .cardInserted(Self.readerC, _) = $0 { true } else { false }
            })
            let event = try #require(inserted, "monitor did not report the insert after pcscd came back")
            print("pcscd back to insert reported: \(event.at - backAt)")
        }

        /// Reads every event, signalling once after the first.
        static func consumeSignallingFirst(_ monitor: ReaderMonitor, _ signal: AsyncStream<Void>.Continuation)
            async throws
        {
            var iterator = monitor.makeAsyncIterator()
            _ = try await iterator.next()
            signal.yield()
            while try await iterator.next() != nil {}
        }

        /// The PC/SC error `body` throws, if any.
        static func pcscError(_ body: () async throws -> Void) async -> PCSCError? {
            do {
                try await body()
                return nil
            } catch {
                return error as? PCSCError
            }
        }

        /// Connects once pcscd has powered the freshly inserted virtual card.
        static func connectWhenReady(_ reader: String) async throws -> any CardChannel {
            var lastError: (any Error)?
            for _ in 0..<50 {
                do {
                    return try await PCSCCardReader().connect(reader: reader)
                } catch {
                    lastError = error
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            throw lastError ?? PCSCError(.noSmartcard, function: "SCardConnect")
        }

        /// Inserts `bridge`'s card once pcscd has seen the card of an earlier test leave `reader`, and waits until it
        /// sees the new one: a connection made in between reaches the old card, which then disappears under it.
        static func insertIntoEmptyReader(_ bridge: VPCDBridge, _ reader: String) async throws {
            try await PCSCTestSupport.waitForCard(present: false, in: reader)
            try bridge.insert()
            try await PCSCTestSupport.waitForCard(present: true, in: reader)
        }

        /// Inserts through vpcd once pcscd listens again on the bridge's port.
        static func insertWhenListening(_ bridge: VPCDBridge) async throws {
            for _ in 0..<49 {
                if (try? bridge.insert()) != nil { return }
                try await Task.sleep(for: .milliseconds(100))
            }
            try bridge.insert()
        }
    }
}
