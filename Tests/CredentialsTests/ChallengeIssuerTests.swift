import Foundation
import Testing

@testable import Credentials

@Suite("Challenges")
struct ChallengeIssuerTests {
    let start = TestPKI.now

    @Test("a challenge is 32 random bytes as 43 base64url characters, accepted once at its door")
    func issueAndConsume() throws {
        let issuer = ChallengeIssuer()
        let first = try issuer.issue(doorId: "a", at: start)
        let second = try issuer.issue(doorId: "a", at: start)
        #expect(first.bytes.count == 32)
        #expect(first.text.utf8.count == 43)
        #expect(first.bytes != second.bytes)
        #expect(first.expiresAt == start.addingTimeInterval(10))
        #expect(try WireDecoding.challenge(first.text) == first.bytes)
        #expect(issuer.consume(first.text, doorId: "a", at: start.addingTimeInterval(9.9)) == .success(first.bytes))
        #expect(issuer.consume(first.text, doorId: "a", at: start.addingTimeInterval(9.9)) == .failure(.reused))
        #expect(issuer.outstandingCount(at: start) == 1)
    }

    @Test("refusals are typed", arguments: [
        ("expired", 10.0, "a", ChallengeFailure.expired),
        ("expired a while ago", 15.0, "a", .expired),
        ("forgotten", 1_000.0, "a", .unknown),
        ("other door", 1.0, "b", .otherDoor),
    ])
    func refusals(label: String, after: TimeInterval, door: String, expected: ChallengeFailure) throws {
        let issuer = ChallengeIssuer()
        let issued = try issuer.issue(doorId: "a", at: start)
        #expect(issuer.consume(issued.text, doorId: door, at: start.addingTimeInterval(after)) == .failure(expected))
        // Whatever the refusal, the challenge is spent.
        let again = issuer.consume(issued.text, doorId: "a", at: start.addingTimeInterval(after))
        #expect(again != .success(issued.bytes))
    }

    @Test("malformed and unknown challenges", arguments: [
        "", "short", String(repeating: "A", count: 44), String(repeating: "A", count: 42) + "B",
        String(repeating: "=", count: 43), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    ])
    func malformed(text: String) {
        let issuer = ChallengeIssuer()
        guard case .failure(.malformed) = issuer.consume(text, doorId: "a", at: start) else {
            Issue.record("\(text) was not refused as malformed")
            return
        }
    }

    @Test("a well-formed challenge that was never issued is unknown")
    func unknown() throws {
        let issuer = ChallengeIssuer()
        _ = try issuer.issue(doorId: "a", at: start)
        let stranger = WireBase64.encode([UInt8](repeating: 7, count: 32), alphabet: .url)
        #expect(issuer.consume(stranger, doorId: "a", at: start) == .failure(.unknown))
    }

    @Test("a door cannot hold more than its cap; spending or expiry frees room")
    func perDoorCap() throws {
        let issuer = ChallengeIssuer(configuration: .init(maximumPerDoor: 3, maximumTotal: 5))
        let issued = try (0..<3).map { _ in try issuer.issue(doorId: "a", at: start) }
        #expect(throws: ChallengeIssueError.doorLimitReached(limit: 3)) { try issuer.issue(doorId: "a", at: start) }
        _ = try issuer.issue(doorId: "b", at: start)
        _ = try issuer.issue(doorId: "b", at: start)
        #expect(throws: ChallengeIssueError.totalLimitReached(limit: 5)) { try issuer.issue(doorId: "c", at: start) }
        _ = issuer.consume(issued[0].text, doorId: "a", at: start)
        _ = try issuer.issue(doorId: "a", at: start)
        let later = start.addingTimeInterval(10)
        #expect(issuer.outstandingCount(at: later) == 0)
        _ = try (0..<3).map { _ in try issuer.issue(doorId: "a", at: later) }
    }

    @Test("memory stays bounded under a flood of issue and spend")
    func bounded() throws {
        let issuer = ChallengeIssuer(configuration: .init(maximumPerDoor: 8, maximumTotal: 8, rememberedSpent: 100))
        for step in 0..<5_000 {
            let now = start.addingTimeInterval(Double(step) * 0.001)
            let issued = try issuer.issue(doorId: "a", at: now)
            #expect(issuer.consume(issued.text, doorId: "a", at: now) == .success(issued.bytes))
        }
        let end = start.addingTimeInterval(5)
        #expect(issuer.outstandingCount(at: end) == 0)
        #expect(issuer.rememberedCount(at: end) == 100)
        let state = issuer.queueLengths
        #expect(state.issueOrder <= 2 * 8 + 64)
        #expect(state.spentOrder == 100)
    }

    @Test("the clock overloads use the injected clock")
    func injectedClock() throws {
        let issuer = ChallengeIssuer(clock: { TestPKI.now })
        let issued = try issuer.issue(doorId: "a")
        #expect(issued.expiresAt == TestPKI.now.addingTimeInterval(10))
        #expect(issuer.consume(issued.text, doorId: "a") == .success(issued.bytes))
    }
}
