import AccessPolicy
import Credentials
import NIOCore

/// The body of `POST /v1/doors/{doorId}/access`:
/// `{credential: {type: "piv", certificate, challenge, signature} | {type: "uid", uid}, pin?, direction?}`.
struct AccessRequestBody: Decodable, Hashable {
    var credential: WireCredential
    var pin: String?
    var direction: Direction

    enum CodingKeys: String, CodingKey, CaseIterable {
        case credential, pin, direction
    }

    init(credential: WireCredential, pin: String?, direction: Direction) {
        self.credential = credential
        self.pin = pin
        self.direction = direction
    }

    /// Decodes the body: the common, well-formed body through ``SmallJSONObject`` (a tap's body costs a fraction of
    /// what `JSONDecoder` takes), anything else through `JSONDecoder`, which also says what is wrong.
    static func decode(_ buffer: ByteBuffer) -> Result<AccessRequestBody, APIProblem> {
        if let members = SmallJSONObject.parse(buffer.readableBytesView), let body = AccessRequestBody(members) {
            return .success(body)
        }
        return JSONBody.decode(AccessRequestBody.self, from: buffer)
    }

    /// The body read from `members`, when they are exactly a valid body's; nil otherwise (then `JSONDecoder`
    /// decides, and explains).
    init?(_ members: [String: SmallJSONObject.Value]) {
        guard members.keys.allSatisfy({ CodingKeys(rawValue: $0) != nil }),
            case .object(let credential)? = members["credential"], let wire = CredentialBody.wire(credential)
        else { return nil }
        var pin: String?
        if let value = members["pin"] {
            guard case .string(let text) = value, Self.isValidPIN(text) else { return nil }
            pin = text
        }
        var direction = Direction.in
        if let value = members["direction"] {
            guard case .string(let text) = value, let parsed = Direction(rawValue: text) else { return nil }
            direction = parsed
        }
        self.init(credential: wire, pin: pin, direction: direction)
    }

    static func isValidPIN(_ pin: String) -> Bool {
        !pin.isEmpty && pin.utf8.count <= 16 && pin.utf8.allSatisfy { (0x30...0x39).contains($0) }
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
        if let pin, !Self.isValidPIN(pin) {
            throw APIProblem.badRequest("pin must be 1 to 16 digits", code: "invalid-body")
        }
    }
}

/// The `credential` object.
struct CredentialBody: Decodable {
    var credential: WireCredential

    /// The credential of exactly `{type: "piv", certificate, challenge, signature}` or `{type: "uid", uid}`, all
    /// strings; nil for anything else.
    static func wire(_ members: [String: SmallJSONObject.Value]) -> WireCredential? {
        func text(_ key: String) -> String? {
            if case .string(let value)? = members[key] { value } else { nil }
        }
        switch text("type") {
        case "piv":
            guard members.count == 4, let certificate = text("certificate"), let challenge = text("challenge"),
                let signature = text("signature")
            else { return nil }
            return .piv(certificate: certificate, challenge: challenge, signature: signature)
        case "uid":
            guard members.count == 2, let uid = text("uid") else { return nil }
            return .uid(uid)
        default:
            return nil
        }
    }

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
