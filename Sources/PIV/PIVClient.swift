import Crypto
import SmartCard

/// The PIV card application (SP 800-73-5 part 2) spoken over any `CardChannel`: the PC/SC connection, the
/// simulator's mock reader, or a counting wrapper of either.
///
/// Every method sends the fewest APDUs the standard allows; long commands are chained (CLA `10`), long answers
/// are fetched by the channel's `send` (`61xx` + GET RESPONSE). Refusals are `PIVError.card` with the PIV meaning
/// of the status word; transport failures are the channel's `PCSCError`.
public struct PIVClient: Sendable {
    public let channel: any CardChannel

    public init(channel: any CardChannel) {
        self.channel = channel
    }

    // MARK: Application and data objects

    /// SELECT the PIV application and parse its application property template.
    public func select() async throws -> PIVApplicationProperties {
        let response = try await send("SELECT", ins: 0xA4, p1: 0x04, p2: 0x00, data: PIV.aid, le: 256,
                                      missing: { .notPIVCard("the card has no PIV application") })
        return try PIVApplicationProperties(selectResponse: response)
    }

    /// GET DATA of one object; returns the value inside `53` (for discovery, the whole `7E` template).
    public func readObject(_ tag: PIVObjectTag) async throws -> [UInt8] {
        let data = TLV(tag: 0x5C, value: tag.bytes).encoded
        let response = try await send("GET DATA \(tag)", ins: 0xCB, p1: 0x3F, p2: 0xFF, data: data, le: 256)
        if tag == .discovery { return response }
        do throws(TLVError) {
            let object = try TLV.decodeSingle(response)
            guard object.tag == 0x53 else { throw TLVError.unexpectedTag(expected: 0x53, found: object.tag) }
            return object.value
        } catch {
            throw PIVError.tlv(error, in: "GET DATA \(tag)")
        }
    }

    /// Reads and decodes the CHUID.
    public func readCHUID() async throws -> CHUID {
        try CHUID(objectValue: try await readObject(.chuid))
    }

    /// Reads the certificate of a key slot (9A, 9C, 9D, 9E).
    public func readCertificate(_ slot: PIVKeyReference) async throws -> PIVCertificateObject {
        guard let tag = slot.certificateObject else { throw PIVError.invalidArgument("\(slot) holds no certificate") }
        return try PIVCertificateObject(objectValue: try await readObject(tag), tag: tag)
    }

    /// Reads the discovery object.
    public func readDiscovery() async throws -> PIVDiscovery {
        try PIVDiscovery(encoded: try await readObject(.discovery))
    }

    /// PUT DATA of one object, chained when longer than one command. `value` is the content of `53`;
    /// for discovery, the whole `7E` template. Needs the management key.
    public func writeObject(_ tag: PIVObjectTag, value: [UInt8]) async throws {
        let data = tag == .discovery
            ? value : TLV(tag: 0x5C, value: tag.bytes).encoded + TLV(tag: 0x53, value: value).encoded
        _ = try await send("PUT DATA \(tag)", ins: 0xDB, p1: 0x3F, p2: 0xFF, data: data, le: nil)
    }

    // MARK: PIN

    /// VERIFY the PIV application PIN. A wrong PIN throws `PIVError.card(.verificationFailed(triesLeft:))`.
    public func verifyPIN(_ pin: String) async throws {
        _ = try await send("VERIFY", ins: 0x20, p1: 0x00, p2: PIVKeyReference.pin.rawValue,
                           data: try Self.paddedPIN(pin), le: nil)
    }

    /// The PIN's state without presenting it (VERIFY with no data).
    public func pinStatus() async throws -> PINStatus {
        let command = try apdu(ins: 0x20, p1: 0x00, p2: PIVKeyReference.pin.rawValue)
        let response = try await channel.send(command)
        if response.statusWord.isSuccess { return .verified }
        if let left = response.statusWord.triesLeft { return left == 0 ? .blocked : .notVerified(triesLeft: left) }
        if response.statusWord == .authenticationMethodBlocked { return .blocked }
        throw PIVError.card(PIVStatus(response.statusWord), command: "VERIFY (status)")
    }

    /// Clears the PIN's verified state (VERIFY with P1 `FF`).
    public func resetPINVerification() async throws {
        _ = try await send("VERIFY (reset)", ins: 0x20, p1: 0xFF, p2: PIVKeyReference.pin.rawValue, data: [],
                           le: nil)
    }

    /// CHANGE REFERENCE DATA of the PIN (reference `80`) or PUK (`81`).
    public func changeReferenceData(_ reference: PIVKeyReference, old: String, new: String) async throws {
        guard reference == .pin || reference == .puk else {
            throw PIVError.invalidArgument("only the PIN and the PUK can be changed")
        }
        _ = try await send("CHANGE REFERENCE DATA", ins: 0x24, p1: 0x00, p2: reference.rawValue,
                           data: try Self.paddedPIN(old) + Self.paddedPIN(new), le: nil)
    }

    /// RESET RETRY COUNTER: unblocks the PIN with the PUK and sets a new PIN.
    public func unblockPIN(puk: String, newPIN: String) async throws {
        _ = try await send("RESET RETRY COUNTER", ins: 0x2C, p1: 0x00, p2: PIVKeyReference.pin.rawValue,
                           data: try Self.paddedPIN(puk) + Self.paddedPIN(newPIN), le: nil)
    }

    /// A PIN or PUK as the card expects it: up to 8 bytes, padded with `FF`.
    public static func paddedPIN(_ pin: String) throws(PIVError) -> [UInt8] {
        let bytes = Array(pin.utf8)
        guard (1...8).contains(bytes.count) else { throw .invalidArgument("a PIN or PUK is 1 to 8 characters") }
        return bytes + Array(repeating: 0xFF, count: 8 - bytes.count)
    }

    // MARK: Management key and key generation

    /// Mutual authentication with the card management key (`9B`): the card proves it holds the key by
    /// encrypting a witness, the client proves it by decrypting it, then the card encrypts the client's challenge.
    public func authenticate(managementKey: PIVManagementKey) async throws {
        let name = "GENERAL AUTHENTICATE (management key)"
        let reference = PIVKeyReference.management.rawValue
        let witnessRequest = TLV(tag: 0x7C, children: [TLV(tag: 0x80, value: [])]).encoded
        let first = try await send(name, ins: 0x87, p1: managementKey.algorithm.rawValue, p2: reference,
                                   data: witnessRequest, le: 256)
        let encryptedWitness = try Self.dynamicAuthenticationValue(first, tag: 0x80, context: name)
        guard encryptedWitness.count == managementKey.blockSize else {
            throw PIVError.malformedResponse("witness of \(encryptedWitness.count) bytes")
        }
        let witness = try managementKey.decrypt(encryptedWitness)
        let challenge = Self.randomBytes(managementKey.blockSize)
        let second = TLV(tag: 0x7C, children: [TLV(tag: 0x80, value: witness), TLV(tag: 0x81, value: challenge),
                                               TLV(tag: 0x82, value: [])]).encoded
        let answer = try await send(name, ins: 0x87, p1: managementKey.algorithm.rawValue, p2: reference,
                                    data: second, le: 256)
        let response = try Self.dynamicAuthenticationValue(answer, tag: 0x82, context: name)
        guard response == (try managementKey.encrypt(challenge)) else { throw PIVError.managementKeyMismatch }
    }

    /// GENERATE ASYMMETRIC KEY PAIR in `slot`; the private key never leaves the card. Needs the management key.
    public func generateKey(in slot: PIVKeyReference, algorithm: PIVAlgorithm) async throws -> PIVPublicKey {
        guard algorithm.isAsymmetric else { throw PIVError.unsupportedAlgorithm(algorithm) }
        let control = TLV(tag: 0xAC, children: [TLV(tag: 0x80, value: [algorithm.rawValue])]).encoded
        let response = try await send("GENERATE ASYMMETRIC KEY PAIR", ins: 0x47, p1: 0x00, p2: slot.rawValue,
                                      data: control, le: 256)
        return try PIVPublicKey(template: response, algorithm: algorithm)
    }

    // MARK: Private key operations

    /// GENERAL AUTHENTICATE with a card key: the card applies its private key to `input` (a digest of the
    /// field size for ECC, a padded 256-byte block for RSA-2048) and returns the result (`82`).
    public func generalAuthenticate(slot: PIVKeyReference, algorithm: PIVAlgorithm, input: [UInt8]) async throws
        -> [UInt8]
    {
        guard let length = algorithm.signatureInputLength else { throw PIVError.unsupportedAlgorithm(algorithm) }
        guard input.count == length else {
            throw PIVError.invalidArgument("\(algorithm.name) signs \(length) bytes, not \(input.count)")
        }
        let data = TLV(tag: 0x7C, children: [TLV(tag: 0x82, value: []), TLV(tag: 0x81, value: input)]).encoded
        let name = "GENERAL AUTHENTICATE \(slot)"
        let response = try await send(name, ins: 0x87, p1: algorithm.rawValue, p2: slot.rawValue, data: data,
                                      le: 256)
        let result = try Self.dynamicAuthenticationValue(response, tag: 0x82, context: name)
        guard !result.isEmpty else { throw PIVError.malformedResponse("\(name): empty response (82)") }
        return result
    }

    /// Takes `7C { tag value }` apart.
    static func dynamicAuthenticationValue(_ bytes: [UInt8], tag: TLVTag, context: String) throws(PIVError)
        -> [UInt8]
    {
        do throws(TLVError) {
            let template = try TLV.decodeSingle(bytes)
            guard template.tag == 0x7C else { throw TLVError.unexpectedTag(expected: 0x7C, found: template.tag) }
            return try template.children().require(tag).value
        } catch {
            throw .tlv(error, in: context)
        }
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    // MARK: Transport

    private func apdu(cla: UInt8 = 0x00, ins: UInt8, p1: UInt8, p2: UInt8, data: [UInt8] = [], le: Int? = nil)
        throws(PIVError) -> CommandAPDU
    {
        do { return try CommandAPDU(cla: cla, ins: ins, p1: p1, p2: p2, data: data, le: le) } catch {
            throw .apdu(error)
        }
    }

    /// Sends one command, chained in pieces of 255 bytes when longer, and returns the answer's data on `9000`.
    /// - Parameter missing: the error for `6A82`, when the command gives it a special meaning.
    func send(_ name: String, ins: UInt8, p1: UInt8, p2: UInt8, data: [UInt8], le: Int?,
              missing: (() -> PIVError)? = nil) async throws -> [UInt8] {
        var chunks = stride(from: 0, to: max(data.count, 1), by: PIV.chunkSize).map {
            Array(data[$0..<min($0 + PIV.chunkSize, data.count)])
        }
        let last = chunks.removeLast()
        for chunk in chunks {
            let response = try await channel.send(try apdu(cla: 0x10, ins: ins, p1: p1, p2: p2, data: chunk))
            guard response.statusWord.isSuccess else { throw Self.failure(response.statusWord, name, missing) }
        }
        let response = try await channel.send(try apdu(ins: ins, p1: p1, p2: p2, data: last, le: le))
        guard response.statusWord.isSuccess else { throw Self.failure(response.statusWord, name, missing) }
        return response.data
    }

    private static func failure(_ statusWord: StatusWord, _ name: String, _ missing: (() -> PIVError)?)
        -> PIVError
    {
        if statusWord == .fileNotFound, let missing { return missing() }
        return .card(PIVStatus(statusWord), command: name)
    }
}

/// What VERIFY without data says about the PIN.
public enum PINStatus: Hashable, Sendable, CustomStringConvertible {
    case verified
    case notVerified(triesLeft: Int)
    case blocked

    public var description: String {
        switch self {
        case .verified: "verified"
        case .notVerified(let left): "not verified, \(left) tries left"
        case .blocked: "blocked"
        }
    }
}
