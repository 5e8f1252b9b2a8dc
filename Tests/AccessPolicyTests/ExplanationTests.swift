import AccessPolicy
import Testing

@Suite struct ExplanationTests {
    @Test func grantInEnglishAndVietnamese() throws {
        let snapshot = try Fixture.snapshot()
        let decision = snapshot.decide(Fixture.request("stairs", Fixture.piv("alice-piv")))
        let english = decision.explanation(in: .english, site: snapshot.model)
        #expect(english.hasPrefix("GRANTED (granted)"))
        #expect(english.contains("Person: Alice [alice]"))
        #expect(english.contains("Access level: IT office [it-office]"))
        #expect(english.contains("Schedule: Office hours [office], interval 1 (mon,tue,wed,thu,fri 07:30-11:30)"))
        let vietnamese = decision.explanation(in: .vietnamese, site: snapshot.model)
        #expect(vietnamese.hasPrefix("CHO PHÉP (granted)"))
        #expect(vietnamese.contains("Cấp quyền: IT office [it-office]"))
    }

    @Test func denyInVietnamese() throws {
        let decision = try Fixture.snapshot().decide(Fixture.request("gate", Fixture.piv("alice-revoked")))
        let text = decision.explanation(in: .vietnamese)
        #expect(text.hasPrefix("TỪ CHỐI (credential_revoked): thẻ đã bị thu hồi"))
    }

    @Test func everyReasonHasDistinctSentencesInBothLanguages() {
        for language in ExplanationLanguage.allCases {
            let sentences = DecisionReason.allCases.map { $0.sentence(in: language) }
            #expect(Set(sentences).count == sentences.count)
        }
        for reason in DecisionReason.allCases {
            #expect(reason.sentence(in: .english) != reason.sentence(in: .vietnamese))
        }
    }
}
