import AccessPolicy
import AccessStore
import Foundation
import GateServer
import Testing

@Suite(.timeLimit(.minutes(1)))
struct StorePolicySourceTests {
    @Test func aRebuildReplacesTheCompiledPolicyWithoutWaitingForATap() async throws {
        let store = try AccessStore.inMemory()
        _ = try await store.apply(try GateFixture.exampleModel(), scope: .all, actor: "test",
            journal: JournalWriter(key: nil))
        let provider = try await PolicySnapshotProvider(store: store)
        defer { provider.stop() }
        let source = StorePolicySource(provider: provider)

        weak var previous: CompiledPolicy?
        do {
            let first = try #require(source.currentPolicy())
            #expect(!first.snapshot.model.doors.contains { $0.id == "roof-door" })
            previous = first
        }
        #expect(previous != nil)

        var model = try GateFixture.exampleModel()
        model.doors.append(Door(id: "roof-door", name: "Roof", fromZoneId: "floor4", toZoneId: "grounds"))
        _ = try await store.apply(model, scope: .site, actor: "test", journal: JournalWriter(key: nil))

        // No tap asks for the policy in between: the previous one (and its snapshot) must still be let go.
        let deadline = ContinuousClock.now + .seconds(20)
        while previous != nil || provider.version < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(provider.version == 2)
        #expect(previous == nil)
        let current = try #require(source.currentPolicy())
        #expect(current.snapshot.model.doors.contains { $0.id == "roof-door" })
    }

    @Test func aTapBeforeTheUpdateArrivesGetsTheNewVersionAndKeepsIt() async throws {
        let store = try AccessStore.inMemory()
        _ = try await store.apply(try GateFixture.exampleModel(), scope: .all, actor: "test",
            journal: JournalWriter(key: nil))
        let provider = try await PolicySnapshotProvider(store: store)
        defer { provider.stop() }
        let source = StorePolicySource(provider: provider)
        var updates = provider.updates().makeAsyncIterator()

        provider.requestRebuild()
        _ = await updates.next()
        // Asked right after the provider published, perhaps before the source's own update: the same policy
        // either way, and asking twice compiles once.
        let first = try #require(source.currentPolicy())
        let second = try #require(source.currentPolicy())
        #expect(first === second)
        #expect(provider.version == 2)
    }
}
