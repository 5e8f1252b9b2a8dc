import AccessPolicy
import Testing

@Suite struct ReferenceSiteTests {
    @Test func sameSeedSameSite() {
        #expect(ReferenceSite.generate(scale: .small, seed: 7) == ReferenceSite.generate(scale: .small, seed: 7))
        #expect(ReferenceSite.generate(scale: .small, seed: 7) != ReferenceSite.generate(scale: .small, seed: 8))
    }

    @Test func smallSiteCompilesAndGrantsMostSamples() throws {
        let model = ReferenceSite.generate(scale: .small)
        #expect(model.people.count == 200)
        #expect(model.credentials.count == 400)
        #expect(model.validate().isEmpty)
        let snapshot = try PolicySnapshot(model: model)
        let requests = ReferenceSite.sampleRequests(in: model, count: 200)
        #expect(requests.count == 200)
        let granted = requests.filter { snapshot.decide($0).isGranted }.count
        #expect(granted > 50)
        #expect(granted < 200)
    }
}
