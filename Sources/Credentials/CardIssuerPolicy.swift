import SwiftASN1
import X509

/// CardGate's rule for the certificates above a card certificate in a chain: each must be a CA
/// (basic constraints `cA`), and if it states a key usage, that usage must include `keyCertSign`.
///
/// RFC5280Policy checks basic constraints too but deliberately does not police key usage; CardGate's office CA is
/// under the office's control, so it can and does hold its CA to the letter.
struct CardIssuerPolicy: VerifierPolicy {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = []

    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
        for issuer in chain.dropFirst() {
            let constraints: BasicConstraints?
            let usage: KeyUsage?
            do {
                constraints = try issuer.extensions.basicConstraints
                usage = try issuer.extensions.keyUsage
            } catch {
                return .failsToMeetPolicy(reason: "CA \(issuer.subject) has a malformed extension")
            }
            guard case .isCertificateAuthority = constraints else {
                return .failsToMeetPolicy(reason: "CA \(issuer.subject) is not marked as a CA (basic constraints)")
            }
            if let usage, !usage.keyCertSign {
                return .failsToMeetPolicy(reason: "CA \(issuer.subject) key usage lacks keyCertSign")
            }
        }
        return .meetsPolicy
    }
}
