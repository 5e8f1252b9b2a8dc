import AccessPolicy
import Benchmark
import Foundation

/// The reference site (100,000 people, 200,000 cards, 2,000 doors, 500 levels, 300 schedules, 100 departments),
/// its compiled snapshot and requests, built once, outside every measurement (globals are initialised lazily
/// and once; each benchmark's setup touches it first).
struct ReferenceFixture: Sendable {
    let model: SiteModel
    let snapshot: PolicySnapshot
    /// Requests the snapshot grants (the path that must not allocate).
    let grants: [AccessRequest]
    /// Requests of every kind: grants and denies at random times.
    let mixed: [AccessRequest]

    init() {
        model = ReferenceSite.generate(scale: .reference, seed: 1)
        let compiled: PolicySnapshot
        do {
            compiled = try PolicySnapshot(model: model)
        } catch {
            fatalError("the reference site does not compile: \(error)")
        }
        snapshot = compiled
        let samples = ReferenceSite.sampleRequests(in: model, count: 20_000, seed: 2)
        grants = samples.filter { compiled.decide($0).isGranted }
        var random = SplitMix64(seed: 3)
        mixed = samples.map { sample in
            var request = sample
            request.time = request.time.addingTimeInterval(TimeInterval(random.below(7 * 86_400)))
            if random.below(10) == 0 { request.doorId = "d\(random.below(3_000))" }
            return request
        }
    }
}

let fixture = ReferenceFixture()

/// Runs `body` once per measured iteration, cycling through `requests`.
@inline(__always)
func cycle(_ benchmark: Benchmark, _ requests: [AccessRequest], _ body: (AccessRequest) -> Void) {
    var index = 0
    for _ in benchmark.scaledIterations {
        body(requests[index])
        index = index + 1 == requests.count ? 0 : index + 1
    }
}

let benchmarks: @Sendable () -> Void = {
    let perDecision = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .instructions],
        warmupIterations: 1_000,
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 1_000_000
    )

    // What the harness itself costs per iteration, to subtract from the figures below.
    Benchmark("baseline: empty iteration", configuration: perDecision) { benchmark in
        for iteration in benchmark.scaledIterations { blackHole(iteration) }
    }

    Benchmark("decide: grant path (reference site)", configuration: perDecision) { benchmark in
        let state = SiteState()
        cycle(benchmark, fixture.grants) { blackHole(fixture.snapshot.decide($0, in: state)) }
    } setup: {
        precondition(!fixture.grants.isEmpty, "no granted sample requests")
    }

    Benchmark("decide: mixed grants and denies (reference site)", configuration: perDecision) { benchmark in
        let state = SiteState(presence: ["p000001": .init(zoneId: "b0-f1", since: ReferenceSite.epoch)])
        cycle(benchmark, fixture.mixed) { blackHole(fixture.snapshot.evaluate($0, in: state)) }
    } setup: {
        precondition(!fixture.mixed.isEmpty, "no sample requests")
    }

    Benchmark(
        "snapshot build (reference site)",
        configuration: .init(
            metrics: [.wallClock, .peakMemoryResident, .peakMemoryResidentDelta, .mallocCountTotal],
            warmupIterations: 0,
            scalingFactor: .one,
            maxDuration: .seconds(20),
            maxIterations: 5
        )
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            do {
                blackHole(try PolicySnapshot(model: fixture.model))
            } catch {
                benchmark.error("the reference site does not compile: \(error)")
            }
        }
    } setup: {
        precondition(!fixture.model.people.isEmpty)
    }
}
