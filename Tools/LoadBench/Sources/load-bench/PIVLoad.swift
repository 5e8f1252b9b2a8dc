import Credentials
import Crypto
import Dispatch
import Foundation
import Synchronization

/// PIV taps against a running cardgated, as a remote gate controller makes them: `POST challenges`, the card's
/// P-256 signature over the challenge bytes, `POST access` with the certificate, challenge and signature.
///
/// - **Closed loop** (`rate == nil`): each of `connections` threads taps back to back; the figure is taps per
///   second, the daemon's capacity.
/// - **Open loop** (`rate`): taps are scheduled at fixed intervals from the start, and each tap's latency is
///   measured from its *scheduled* time, not from when a connection got round to sending it. When the daemon
///   stalls, the taps that should have been sent meanwhile count their waiting, as a real door's would (no
///   coordinated omission). `connections` bounds how many taps are in flight.
///
/// Both start with `warmup` seconds that are not recorded (the daemon's certificate cache fills then).
struct PIVLoad {
    let kit: KitFiles
    let endpoint: Endpoint
    let connections: Int
    let duration: Double
    let warmup: Double

    /// What one thread saw.
    struct WorkerResult: Sendable {
        /// Scheduled (open loop) or actual (closed loop) start to answer, per recorded tap.
        var latencies: [UInt64] = []
        /// Actual send of the challenge request to the access answer, per recorded tap.
        var serviceTimes: [UInt64] = []
        /// The challenge round trip alone, per recorded tap.
        var challengeTimes: [UInt64] = []
        /// Recorded taps by `decision/reason`, or `HTTP status` for answers without a decision.
        var outcomes: [String: Int] = [:]
        var errors: [String: Int] = [:]
        /// Open loop: recorded taps that started more than 1 ms after their scheduled time.
        var lateStarts = 0
        /// Every tap answered, warm-up included.
        var answered = 0
    }

    /// Shared by the threads of one run.
    final class Schedule: Sendable {
        let next = Atomic<Int>(0)
        let results = Mutex<[WorkerResult]>([])
    }

    func run(rate: Double?) throws -> String {
        let token = try kit.readControllerToken()
        let cards = try kit.readPIVCards()
        guard !cards.isEmpty else { throw KitError("\(kit.pivCards) holds no card") }
        // Check the daemon answers before starting the clock.
        _ = try HTTPConnection(endpoint)
        let schedule = Schedule()
        let start = Monotonic.now() + 50_000_000
        let measureFrom = start + UInt64(warmup * 1e9)
        let end = measureFrom + UInt64(duration * 1e9)
        let total = rate.map { Int(($0 * (warmup + duration)).rounded(.down)) } ?? 0
        let interval = rate.map { 1e9 / $0 } ?? 0
        let group = DispatchGroup()
        let cpuBefore = Monotonic.processCPUSeconds()
        for worker in 0..<connections {
            group.enter()
            let thread = Thread { [endpoint, connections] in
                defer { group.leave() }
                var result = WorkerResult()
                do {
                    var tapper = try Tapper(endpoint: endpoint, token: token, cards: cards)
                    var tap = worker
                    Monotonic.sleep(until: start)
                    while true {
                        let scheduled: UInt64
                        if rate == nil {
                            scheduled = Monotonic.now()
                            if scheduled >= end { break }
                        } else {
                            let index = schedule.next.add(1, ordering: .relaxed).oldValue
                            if index >= total { break }
                            scheduled = start + UInt64(Double(index) * interval)
                            // A daemon far behind its schedule: stop rather than run on for long.
                            if Monotonic.now() > end + 10_000_000_000 { break }
                            Monotonic.sleep(until: scheduled)
                        }
                        let recorded = scheduled >= measureFrom
                        let outcome = tapper.tap(card: tap % cards.count)
                        tap += connections
                        let finished = Monotonic.now()
                        if case .success = outcome { result.answered += 1 }
                        guard recorded, rate != nil || finished <= end else { continue }
                        switch outcome {
                        case .failure(let error):
                            result.errors[error.description, default: 0] += 1
                        case .success(let answer):
                            result.outcomes[answer.outcome, default: 0] += 1
                            result.latencies.append(finished - scheduled)
                            result.serviceTimes.append(finished - answer.sent)
                            result.challengeTimes.append(answer.challengeDone - answer.sent)
                            if answer.sent > scheduled + 1_000_000 { result.lateStarts += 1 }
                        }
                    }
                } catch {
                    result.errors["\(error)", default: 0] += 1
                }
                schedule.results.withLock { $0.append(result) }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        let stopped = Monotonic.now()
        let cpu = Monotonic.processCPUSeconds() - cpuBefore
        let results = schedule.results.withLock { $0 }
        let taps = results.reduce(0) { $0 + $1.latencies.count }
        let errors = results.reduce(into: [String: Int]()) { $0.merge($1.errors, uniquingKeysWith: +) }
        let outcomes = results.reduce(into: [String: Int]()) { $0.merge($1.outcomes, uniquingKeysWith: +) }
        let wall = Double(stopped - start) / 1e9
        var lines: [String] = []
        if let rate {
            let late = results.reduce(0) { $0 + $1.lateStarts }
            lines.append(String(format: "PIV open loop: %.0f taps/s scheduled, %d connections, %.0f s "
                + "(+%.0f s warm-up)", rate, connections, duration, warmup))
            lines.append(String(format: "  taps recorded %d (%.0f/s over the measured window), late starts (>1 ms) %d",
                taps, Double(taps) / duration, late))
            lines.append("  latency from the scheduled time: \(LatencySummary(results.flatMap(\.latencies)))")
            lines.append("  service time (from the actual send): \(LatencySummary(results.flatMap(\.serviceTimes)))")
        } else {
            lines.append(String(format: "PIV closed loop: %d connections, %.0f s (+%.0f s warm-up)", connections,
                duration, warmup))
            lines.append(String(format: "  taps %d: %.1f taps/s", taps, Double(taps) / duration))
            let latencies = LatencySummary(results.flatMap(\.latencies))
            lines.append("  latency per tap (challenge + sign + access): \(latencies)")
        }
        lines.append("  challenge round trip: \(LatencySummary(results.flatMap(\.challengeTimes)))")
        lines.append("  outcomes: " + outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            .joined(separator: ", "))
        if !errors.isEmpty {
            lines.append("  errors: " + errors.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }
                .joined(separator: "; "))
        }
        lines.append(String(format: "  load generator CPU: %.1f s over %.1f s wall (%.0f%% of one core)", cpu, wall,
            100 * cpu / wall))
        lines.append("RESULT piv_taps_sent \(results.reduce(0) { $0 + $1.answered })")
        if rate == nil {
            lines.append(String(format: "RESULT piv_closed_taps_per_second %.1f", Double(taps) / duration))
        }
        return lines.joined(separator: "\n")
    }
}

/// One thread's connection, its card keys and the requests it reuses.
struct Tapper {
    struct Answer {
        /// `grant/granted`, `deny/outside_schedule`, … or `HTTP 503`.
        var outcome: String
        var sent: UInt64
        var challengeDone: UInt64
    }

    private let connection: HTTPConnection
    private let endpoint: Endpoint
    private let token: String
    private let cards: [KitFiles.PIVCard]
    private var keys: [Int: P256.Signing.PrivateKey] = [:]
    private var challengeRequests: [String: [UInt8]] = [:]

    init(endpoint: Endpoint, token: String, cards: [KitFiles.PIVCard]) throws {
        self.connection = try HTTPConnection(endpoint)
        self.endpoint = endpoint
        self.token = token
        self.cards = cards
    }

    /// One tap of card `index`: a fresh challenge, the signature, the decision.
    mutating func tap(card index: Int) -> Result<Answer, KitError> {
        let card = cards[index]
        let sent = Monotonic.now()
        do {
            let challengeRequest = challengeRequests[card.doorId] ?? HTTPConnection.request(
                "POST", "/v1/doors/\(card.doorId)/challenges", host: endpoint, token: token)
            challengeRequests[card.doorId] = challengeRequest
            let issued = try connection.send(challengeRequest)
            let challengeDone = Monotonic.now()
            guard issued.status == 201, let challenge = issued.jsonString("challenge"),
                let bytes = WireBase64.decode(challenge, alphabet: .url)
            else {
                return .success(Answer(outcome: "challenge HTTP \(issued.status)", sent: sent,
                    challengeDone: challengeDone))
            }
            let key = try keys[index] ?? P256.Signing.PrivateKey(rawRepresentation: card.privateKey)
            keys[index] = key
            let signature = try key.signature(for: bytes).derRepresentation
            let body = #"{"credential":{"type":"piv","certificate":""# + card.certificateBase64
                + #"","challenge":""# + challenge + #"","signature":""#
                + WireBase64.encode(signature, alphabet: .standard) + #""}}"#
            let answer = try connection.send(HTTPConnection.request(
                "POST", "/v1/doors/\(card.doorId)/access", host: endpoint, token: token, body: Array(body.utf8)))
            let outcome: String
            if let decision = answer.jsonString("decision") {
                outcome = decision + "/" + (answer.jsonString("reason") ?? "?")
                    + (answer.status == 200 ? "" : " (HTTP \(answer.status))")
            } else {
                outcome = "HTTP \(answer.status)"
            }
            return .success(Answer(outcome: outcome, sent: sent, challengeDone: challengeDone))
        } catch let error as KitError {
            return .failure(error)
        } catch {
            return .failure(KitError("\(error)"))
        }
    }
}
