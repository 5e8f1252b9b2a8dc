import AccessStore
import Foundation
@testable import GateServer
import GRDB
import Synchronization
import Testing

@Suite("Token cache")
struct TokenCacheTests {
    final class Clock: Sendable {
        let now = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        func advance(_ seconds: TimeInterval) { now.withLock { $0 += seconds } }
        var read: @Sendable () -> Date { { self.now.withLock { $0 } } }
    }

    @Test("a token revoked by another process works until the cache entry expires, then is refused")
    func revokedElsewhere() async throws {
        let store = try AccessStore.inMemory()
        let clock = Clock()
        let tokens = TokenAuthenticator(writer: store.writer, clock: clock.read, cacheLifetime: 2)
        let (id, secret) = try await tokens.create(role: .security, doorIds: [], name: "desk")
        #expect(try await tokens.authenticate(secret)?.tokenId == id)
        // Another process revokes it directly in the database: this server's cache does not know.
        try await store.writer.write { db in
            try db.execute(sql: "UPDATE token SET revoked_ms = created_ms WHERE id = ?", arguments: [id])
        }
        clock.advance(1)
        #expect(try await tokens.authenticate(secret)?.tokenId == id, "still within the cache lifetime")
        clock.advance(1.5)
        #expect(try await tokens.authenticate(secret) == nil, "refused once the entry expired")
    }

    @Test("revoking through the server drops the cached caller at once")
    func revokedHere() async throws {
        let store = try AccessStore.inMemory()
        let tokens = TokenAuthenticator(writer: store.writer, cacheLifetime: 3600)
        let (id, secret) = try await tokens.create(role: .auditor, doorIds: [], name: nil)
        #expect(try await tokens.authenticate(secret) != nil)
        #expect(try await tokens.revoke(id: id))
        #expect(try await tokens.authenticate(secret) == nil)
    }

    @Test("the cache never holds more than its capacity and forgets unknown secrets")
    func bounded() {
        let cache = TokenCache(lifetime: 60, capacity: 4)
        let now = Date(timeIntervalSince1970: 0)
        for index in 0..<10 {
            cache.remember(Caller(tokenId: "tok-\(index)", role: .auditor), for: Data([UInt8(index)]), now: now,
                readAfter: cache.revocations)
        }
        let kept = (0..<10).filter { cache.caller(for: Data([UInt8($0)]), now: now) != nil }
        #expect(kept.count <= 4)
        #expect(kept.contains(9), "the newest entry is kept")
        #expect(cache.caller(for: Data([0xFF]), now: now) == nil)
    }

    @Test("a look-up that read the database before a revocation does not cache the revoked caller")
    func revocationDuringLookUp() {
        let cache = TokenCache(lifetime: 60)
        let now = Date(timeIntervalSince1970: 0)
        let noted = cache.revocations
        cache.forget(tokenId: "tok-a")
        cache.remember(Caller(tokenId: "tok-a", role: .controller, doorIds: ["d"]), for: Data([1]), now: now,
            readAfter: noted)
        #expect(cache.caller(for: Data([1]), now: now) == nil)
        cache.remember(Caller(tokenId: "tok-b", role: .auditor), for: Data([2]), now: now,
            readAfter: cache.revocations)
        #expect(cache.caller(for: Data([2]), now: now)?.tokenId == "tok-b")
    }
}
