import AccessPolicy
import AccessStore
import Foundation

/// Times the phases of a policy rebuild on the kit's database, as the daemon runs one after every administrative
/// change: reading the model from the store, validating it, and compiling the snapshot (which validates again).
struct PolicyRebuild {
    var kit: KitFiles
    var rounds: Int

    func run() async throws -> String {
        let store = try AccessStore.open(at: kit.database)
        var reads: [Double] = []
        var validations: [Double] = []
        var compilations: [Double] = []
        var people = 0
        func seconds(since start: ContinuousClock.Instant) -> Double { (ContinuousClock.now - start).secondsValue }
        for _ in 0..<rounds {
            var start = ContinuousClock.now
            let model = try await store.siteModel()
            reads.append(seconds(since: start))
            start = ContinuousClock.now
            let problems = model.validate()
            validations.append(seconds(since: start))
            guard problems.isEmpty else { throw KitError("the kit's model has \(problems.count) problems") }
            start = ContinuousClock.now
            let snapshot = try PolicySnapshot(model: model, pinVerifier: PINHasher())
            compilations.append(seconds(since: start))
            people = snapshot.model.people.count
        }
        func best(_ values: [Double]) -> String { String(format: "%.3f s", values.min() ?? 0) }
        func median(_ values: [Double]) -> String { String(format: "%.3f s", values.sorted()[values.count / 2]) }
        return """
            policy rebuild at \(people) people, \(rounds) rounds (median, best):
              read the model from the store  \(median(reads)), \(best(reads))
              validate it                    \(median(validations)), \(best(validations))
              compile the snapshot           \(median(compilations)), \(best(compilations))
            """
    }
}
