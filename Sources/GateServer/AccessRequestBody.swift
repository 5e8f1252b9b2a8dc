import AccessPolicy
import Credentials

/// The body of `POST /v1/doors/{doorId}/access`:
/// `{credential: {type: "piv", certificate, challenge, signature} | {type: "uid", uid}, pin?, direction?}`.
struct AccessRequestBody: Decodable {
    var credential: WireCredential
    var pin: String?
    var direction: Direction

    enum CodingKeys: String, CodingKey, CaseIterable {
        case credential, pin, direction
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownFields(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        credential = try container.decode(CredentialBody.self, forKey: .credential).credential
        pin = try container.decodeIfPresent(String.self, forKey: .pin)
        let direction = try container.decodeIfPresent(String.self, forKey: .direction) ?? "in"
        guard let parsed = Direction(rawValue: direction) else {
            throw APIProblem.badRequest("direction must be \"in\" or \"out\"", code: "invalid-body")
        }
        self.direction = parsed
        if let pin, pin.isEmpty || pin.utf8.count > 16 || !pin.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            throw APIProblem.badRequest("pin must be 1 to 16 digits", code: "invalid-body")
        }
    }
}

/// The `credential` object.
struct CredentialBody: Decodable {
    var credential: WireCredential

    enum CodingKeys: String, CodingKey {
        case type, certificate, challenge, signature, uid
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "piv":
            try decoder.rejectUnknownFields(allowed: ["type", "certificate", "challenge", "signature"])
            credential = .piv(certificate: try container.decode(String.self, forKey: .certificate),
                challenge: try container.decode(String.self, forKey: .challenge),
                signature: try container.decode(String.self, forKey: .signature))
        case "uid":
            try decoder.rejectUnknownFields(allowed: ["type", "uid"])
            credential = .uid(try container.decode(String.self, forKey: .uid))
        default:
            throw APIProblem.badRequest("credential.type must be \"piv\" or \"uid\"", code: "invalid-body")
        }
    }
}
