import Foundation
import SwiftASN1
import Testing
import X509

@testable import Credentials

@Suite("Trust store and path validation")
struct TrustStoreTests {
    @Test("loads PEM (several blocks) and DER; refuses non-CA certificates and garbage")
    func loading() throws {
        let first = try TestAuthority.make(name: "First CA")
        let second = try TestAuthority.make(name: "Second CA")
        let pem = try [first, second].map { try $0.certificate.serializeAsPEM().pemString }.joined(separator: "\n")
        let fromPEM = try TrustStore(pemOrDER: Array(pem.utf8))
        #expect(fromPEM.authorities == [first.certificate, second.certificate])
        let fromDER = try TrustStore(pemOrDER: TestPKI.der(first.certificate))
        #expect(fromDER.authorities == [first.certificate])
        #expect(fromDER.identity != fromPEM.identity)
        #expect(try TrustStore(authorities: [second.certificate, first.certificate]).identity == fromPEM.identity)

        let card = try Certificate(derEncoded: first.issueCard(key: .newP256()))
        #expect(throws: TrustStoreError.self) { try TrustStore(authorities: [card]) }
        #expect(throws: TrustStoreError.self) { try TrustStore(pemOrDER: []) }
        #expect(throws: TrustStoreError.self) { try TrustStore(pemOrDER: Array("hello".utf8)) }
        #expect(throws: TrustStoreError.self) { try TrustStore(pemOrDER: [0x30, 0x03, 0x02, 0x01, 0x00]) }
        #expect(throws: TrustStoreError.self) { try TrustStore(files: ["/nonexistent/ca.pem"]) }
    }

    @Test("loads --ca-cert files")
    func files() throws {
        let authority = try TestAuthority.make()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cardgate-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pemFile = directory.appendingPathComponent("ca.pem")
        let derFile = directory.appendingPathComponent("ca.der")
        try Data(authority.certificate.serializeAsPEM().pemString.utf8).write(to: pemFile)
        try Data(TestPKI.der(authority.certificate)).write(to: derFile)
        let store = try TrustStore(files: [pemFile.path, derFile.path])
        #expect(store.authorities == [authority.certificate, authority.certificate])
    }

    /// One way a card certificate can be wrong, and the failure it must give.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var make: @Sendable (TestAuthority) throws -> [UInt8]
        var expected: @Sendable (CertificateFailure) -> Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "valid", make: { try $0.issueCard(key: .newP256()) }, expected: { _ in false }),
        Case(
            name: "expired", make: { try $0.issueCard(key: .newP256(), notAfter: TestPKI.now - 1) },
            expected: { if case .expired = $0 { true } else { false } }),
        Case(
            name: "not yet valid", make: { try $0.issueCard(key: .newP256(), notBefore: TestPKI.now + 3_600) },
            expected: { if case .notYetValid = $0 { true } else { false } }),
        Case(
            name: "key usage without digitalSignature",
            make: { try $0.issueCard(key: .newP256(), keyUsage: KeyUsage(keyEncipherment: true)) },
            expected: { $0 == .wrongKeyUsage }),
        Case(
            name: "no key usage", make: { try $0.issueCard(key: .newP256(), keyUsage: nil) },
            expected: { $0 == .wrongKeyUsage }),
        Case(
            name: "a CA certificate as card",
            make: { try $0.issueCard(key: .newP256(), certificateAuthority: true) },
            expected: { $0 == .certificateAuthority }),
        Case(
            name: "from another CA",
            make: { _ in try TestAuthority.make(name: "Other CA").issueCard(key: .newP256()) },
            expected: { if case .unknownIssuer = $0 { true } else { false } }),
        Case(
            name: "issuer name forged, signed by another key",
            make: { try $0.issueCard(key: .newP256(), signedBy: .newP256()) },
            expected: { if case .badSignature = $0 { true } else { false } }),
    ]

    @Test("card certificate failures are precise", arguments: cases)
    func failures(_ testCase: Case) async throws {
        let authority = try TestAuthority.make()
        let certificate = try Certificate(derEncoded: testCase.make(authority))
        let result = await (try authority.trustStore).validate(certificate, at: TestPKI.now)
        switch result {
        case .success(let chain):
            #expect(testCase.name == "valid", "\(testCase.name) validated")
            #expect(chain.first == certificate)
            #expect(chain.last == authority.certificate)
        case .failure(let failure):
            #expect(testCase.expected(failure), "\(testCase.name): \(failure)")
        }
    }

    @Test("an expired CA or one without keyCertSign fails the chain")
    func issuerProblems() async throws {
        let expired = try TestAuthority.make(notAfter: TestPKI.now - 60)
        let card = try Certificate(derEncoded: expired.issueCard(key: .newP256()))
        let result = await (try expired.trustStore).validate(card, at: TestPKI.now)
        guard case .failure(.issuerNotValid) = result else {
            Issue.record("expected issuerNotValid, got \(result)")
            return
        }
        let noCertSign = try TestAuthority.make(keyUsage: KeyUsage(digitalSignature: true))
        let other = try Certificate(derEncoded: noCertSign.issueCard(key: .newP256()))
        let rejected = await (try noCertSign.trustStore).validate(other, at: TestPKI.now)
        guard case .failure(.chainRejected(let why)) = rejected else {
            Issue.record("expected chainRejected, got \(rejected)")
            return
        }
        #expect(why.contains("keyCertSign"))
    }

    @Test("validity bounds are inclusive at the exact instants")
    func boundaries() async throws {
        let authority = try TestAuthority.make()
        let card = try Certificate(derEncoded: authority.issueCard(key: .newP256()))
        let store = try authority.trustStore
        #expect(try await store.validate(card, at: TestPKI.cardNotBefore).get() == [card, authority.certificate])
        #expect(try await store.validate(card, at: TestPKI.cardNotAfter).get() == [card, authority.certificate])
        #expect(await store.validate(card, at: TestPKI.cardNotAfter + 1) == .failure(.expired(notAfter: TestPKI.cardNotAfter)))
    }
}
