import Crypto
import Foundation
import PIV
import SmartCard

/// The PIV card application of a simulated card: the persistent image plus the volatile security state,
/// processing one complete (unchained) command at a time. Transport (chaining, GET RESPONSE) is the card's.
struct PIVApplet: Sendable {
    var image: PIVCardImage
    /// Whether the card sits in a contactless field: only the Card Authentication key works there.
    var contactless: Bool

    var selected = false
    var pinVerified = false
    /// Set by a successful VERIFY and cleared by the next command: the "PIN always" rule of key 9C.
    var pinJustVerified = false
    var managementAuthenticated = false
    /// The witness sent in step one of mutual authentication (plaintext), or the challenge of external auth.
    var pendingWitness: [UInt8]?
    var pendingChallenge: [UInt8]?

    /// Largest object the card stores.
    static let maxObjectSize = 4_096

    init(image: PIVCardImage, contactless: Bool) {
        self.image = image
        self.contactless = contactless
    }

    /// Clears everything volatile (power-on, reset).
    mutating func reset() {
        selected = false
        pinVerified = false
        pinJustVerified = false
        managementAuthenticated = false
        pendingWitness = nil
        pendingChallenge = nil
    }

    typealias Answer = (data: [UInt8], status: StatusWord)

    static func fail(_ status: StatusWord) -> Answer { ([], status) }

    /// Processes one command whose data is complete.
    mutating func process(ins: UInt8, p1: UInt8, p2: UInt8, data: [UInt8]) -> Answer {
        let armed = pinJustVerified
        pinJustVerified = false
        if ins == 0xA4 { return select(p1: p1, p2: p2, data: data) }
        guard selected else { return Self.fail(.instructionNotSupported) }
        switch ins {
        case 0xCB: return getData(p1: p1, p2: p2, data: data)
        case 0xDB: return putData(p1: p1, p2: p2, data: data)
        case 0x20: return verify(p1: p1, p2: p2, data: data)
        case 0x24: return changeReferenceData(p1: p1, p2: p2, data: data)
        case 0x2C: return resetRetryCounter(p1: p1, p2: p2, data: data)
        case 0x87: return generalAuthenticate(algorithm: p1, reference: p2, data: data, pinArmed: armed)
        case 0x47: return generateKeyPair(p1: p1, p2: p2, data: data)
        default: return Self.fail(.instructionNotSupported)
        }
    }

    // MARK: SELECT

    mutating func select(p1: UInt8, p2: UInt8, data: [UInt8]) -> Answer {
        guard p1 == 0x04 else { return Self.fail(.incorrectP1P2) }
        guard data.count >= PIV.rid.count, PIV.aid.starts(with: data) else { return Self.fail(.fileNotFound) }
        selected = true
        let properties = PIVApplicationProperties(
            applicationIdentifier: PIV.pix, allocationAuthority: [0x61, 0x00, 0x00, 0x03, 0x08],
            label: "CardGate simulated PIV", url: nil, algorithms: [.rsa2048, .eccP256, .eccP384, .aes128, .aes192,
                                                                   .aes256])
        return (properties.encoded, .success)
    }

    // MARK: Data objects

    /// The tag named by `5C` in GET DATA and PUT DATA.
    static func requestedTag(_ object: TLV) -> PIVObjectTag? {
        guard object.tag == 0x5C, (1...3).contains(object.value.count) else { return nil }
        return PIVObjectTag(rawValue: object.value.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
    }

    func getData(p1: UInt8, p2: UInt8, data: [UInt8]) -> Answer {
        guard p1 == 0x3F, p2 == 0xFF else { return Self.fail(.incorrectP1P2) }
        guard let request = try? TLV.decodeSingle(data), let tag = Self.requestedTag(request) else {
            return Self.fail(.incorrectDataParameters)
        }
        guard let stored = image.objects[tag.description] else { return Self.fail(.fileNotFound) }
        if tag.requiresPIN && !pinVerified { return Self.fail(.securityStatusNotSatisfied) }
        if tag == .discovery { return (Array(stored), .success) }
        return (TLV(tag: 0x53, value: Array(stored)).encoded, .success)
    }

    mutating func putData(p1: UInt8, p2: UInt8, data: [UInt8]) -> Answer {
        guard p1 == 0x3F, p2 == 0xFF else { return Self.fail(.incorrectP1P2) }
        guard managementAuthenticated else { return Self.fail(.securityStatusNotSatisfied) }
        guard let objects = try? TLV.decodeAll(data), let first = objects.first else {
            return Self.fail(.incorrectDataParameters)
        }
        let tag: PIVObjectTag
        let content: [UInt8]
        if first.tag == 0x7E && objects.count == 1 {
            guard (try? PIVDiscovery(encoded: data)) != nil else { return Self.fail(.incorrectDataParameters) }
            tag = .discovery
            content = data
        } else {
            guard objects.count == 2, let requested = Self.requestedTag(first), requested.isPIVObject,
                  requested != .discovery, objects[1].tag == 0x53
            else { return Self.fail(.incorrectDataParameters) }
            tag = requested
            content = objects[1].value
        }
        guard content.count <= Self.maxObjectSize else { return Self.fail(.notEnoughMemory) }
        image.objects[tag.description] = content.isEmpty ? nil : Data(content)
        return ([], .success)
    }

    // MARK: PIN and PUK

    /// Whether 8 bytes are a valid PIN: 6 to 8 ASCII digits padded with `FF`.
    static func isWellFormedPIN(_ bytes: [UInt8]) -> Bool {
        let digits = bytes.prefix { $0 != 0xFF }
        return bytes.count == 8 && (6...8).contains(digits.count) && digits.allSatisfy { (0x30...0x39).contains($0) }
            && bytes.dropFirst(digits.count).allSatisfy { $0 == 0xFF }
    }

    /// Whether 8 bytes are a valid PUK: 6 to 8 bytes other than `FF`, padded with `FF`.
    static func isWellFormedPUK(_ bytes: [UInt8]) -> Bool {
        let body = bytes.prefix { $0 != 0xFF }
        return bytes.count == 8 && (6...8).contains(body.count) && bytes.dropFirst(body.count).allSatisfy { $0 == 0xFF }
    }

    /// Constant-time comparison.
    static func same(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Checks `candidate` against the PIN (`isPUK` false) or PUK, counting failures; nil on success.
    mutating func checkReference(_ candidate: [UInt8], isPUK: Bool) -> StatusWord? {
        let triesLeft = isPUK ? image.pukTriesLeft : image.pinTriesLeft
        guard triesLeft > 0 else { return .authenticationMethodBlocked }
        let stored = Array(isPUK ? image.puk : image.pin)
        if Self.same(candidate, stored) {
            if isPUK { image.pukTriesLeft = image.pukRetries } else { image.pinTriesLeft = image.pinRetries }
            return nil
        }
        if isPUK { image.pukTriesLeft -= 1 } else {
            image.pinTriesLeft -= 1
            pinVerified = false
        }
        return .verificationFailed(triesLeft: triesLeft - 1)
    }

    mutating func verify(p1: UInt8, p2: UInt8, data: [UInt8]) -> Answer {
        guard p1 == 0x00 || p1 == 0xFF else { return Self.fail(.incorrectP1P2) }
        guard p2 == PIVKeyReference.pin.rawValue else { return Self.fail(.referenceDataNotFound) }
        if p1 == 0xFF {
            guard data.isEmpty else { return Self.fail(.wrongLength) }
            pinVerified = false
            return ([], .success)
        }
        if data.isEmpty {
            if image.pinTriesLeft == 0 { return Self.fail(.authenticationMethodBlocked) }
            return Self.fail(pinVerified ? .success : .verificationFailed(triesLeft: image.pinTriesLeft))
        }
        guard data.count == 8 else { return Self.fail(.wrongLength) }
        if image.pinTriesLeft == 0 { return Self.fail(.authenticationMethodBlocked) }
        guard Self.isWellFormedPIN(data) else { return Self.fail(.incorrectDataParameters) }
        if let failure = checkReference(data, isPUK: false) { return Self.fail(failure) }
        pinVerified = true
        pinJustVerified = true
        return ([], .success)
    }

    mutating func changeReferenceData(p1: UInt8, p2: UInt8, data: [UInt8]) -> Answer {
        guard p1 == 0x00 else { return Self.fail(.incorrectP1P2) }
        let isPUK: Bool
        switch PIVKeyReference(rawValue: p2) {
        case .pin: isPUK = false
        case .puk: isPUK = true
        default: return Self.fail(.referenceDataNotFound)
        }
        guard data.count == 16 else { return Self.fail(.wrongLength) }
        let old = Array(data[..<8])
        let new = Array(data[8...])
        if (isPUK ? image.pukTriesLeft : image.pinTriesLeft) == 0 { return Self.fail(.authenticationMethodBlocked) }
        let wellFormed = isPUK ? Self.isWellFormedPUK : Self.isWellFormedPIN
        guard wellFormed(old), wellFormed(new) else { return Self.fail(.incorrectDataParameters) }
        if let failure = checkReference(old, isPUK: isPUK) { return Self.fail(failure) }
        if isPUK { image.puk = Data(new) } else {
            image.pin = Data(new)
            pinVerified = true
        }
        return ([], .success)
    }

    mutating func resetRetryCounter(p1: UInt8, p2: UInt8, data: [UInt8]) -> Answer {
        guard p1 == 0x00 else { return Self.fail(.incorrectP1P2) }
        guard p2 == PIVKeyReference.pin.rawValue else { return Self.fail(.referenceDataNotFound) }
        guard data.count == 16 else { return Self.fail(.wrongLength) }
        if image.pukTriesLeft == 0 { return Self.fail(.authenticationMethodBlocked) }
        let puk = Array(data[..<8])
        let newPIN = Array(data[8...])
        guard Self.isWellFormedPUK(puk), Self.isWellFormedPIN(newPIN) else {
            return Self.fail(.incorrectDataParameters)
        }
        if let failure = checkReference(puk, isPUK: true) { return Self.fail(failure) }
        image.pin = Data(newPIN)
        image.pinTriesLeft = image.pinRetries
        pinVerified = false
        return ([], .success)
    }

    // MARK: GENERAL AUTHENTICATE

    mutating func generalAuthenticate(algorithm: UInt8, reference: UInt8, data: [UInt8], pinArmed: Bool) -> Answer {
        guard let template = try? TLV.decodeSingle(data), template.tag == 0x7C,
              let items = try? template.children()
        else { return Self.fail(.incorrectDataParameters) }
        let slot = PIVKeyReference(rawValue: reference)
        if slot == .management { return managementAuthenticate(algorithm: algorithm, items: items) }
        guard PIVKeyReference.certificateSlots.contains(slot) else { return Self.fail(.incorrectP1P2) }
        guard let key = image.keys[[slot.rawValue].hexString()] else { return Self.fail(.referenceDataNotFound) }
        guard key.algorithm.rawValue == algorithm else { return Self.fail(.incorrectP1P2) }
        if slot != .cardAuthentication {
            if contactless { return Self.fail(.securityStatusNotSatisfied) }
            let allowed = slot == .signature ? pinVerified && pinArmed : pinVerified
            guard allowed else { return Self.fail(.securityStatusNotSatisfied) }
        }
        guard let response = items.first(0x82), response.value.isEmpty,
              let input = items.first(0x81)?.value,
              let output = key.sign(input)
        else { return Self.fail(.incorrectDataParameters) }
        return (TLV(tag: 0x7C, children: [TLV(tag: 0x82, value: output)]).encoded, .success)
    }

    /// The management key's challenge-response forms (SP 800-73-5 part 2 appendix A): mutual authentication
    /// (witness `80`, then witness + challenge `81`) and external authentication (challenge `81`, response `82`).
    mutating func managementAuthenticate(algorithm: UInt8, items: [TLV]) -> Answer {
        let witness = pendingWitness
        let challenge = pendingChallenge
        pendingWitness = nil
        pendingChallenge = nil
        managementAuthenticated = false
        guard let key = image.cardManagementKey else { return Self.fail(.referenceDataNotFound) }
        guard key.algorithm.rawValue == algorithm else { return Self.fail(.incorrectP1P2) }
        let size = key.blockSize
        let w = items.first(0x80)?.value
        let c = items.first(0x81)?.value
        let r = items.first(0x82)?.value
        switch (w, c, r) {
        case ([]?, nil, nil):
            let fresh = Self.random(size)
            guard let encrypted = try? key.encrypt(fresh) else { return Self.fail(.noPreciseDiagnosis) }
            pendingWitness = fresh
            return (TLV(tag: 0x7C, children: [TLV(tag: 0x80, value: encrypted)]).encoded, .success)
        case (let returned?, let clientChallenge?, _) where !returned.isEmpty:
            guard let witness, Self.same(returned, witness) else { return Self.fail(.securityStatusNotSatisfied) }
            guard clientChallenge.count == size, let answer = try? key.encrypt(clientChallenge) else {
                return Self.fail(.incorrectDataParameters)
            }
            managementAuthenticated = true
            return (TLV(tag: 0x7C, children: [TLV(tag: 0x82, value: answer)]).encoded, .success)
        case (nil, []?, nil):
            let fresh = Self.random(size)
            pendingChallenge = fresh
            return (TLV(tag: 0x7C, children: [TLV(tag: 0x81, value: fresh)]).encoded, .success)
        case (nil, nil, let response?) where !response.isEmpty:
            guard let challenge, let expected = try? key.encrypt(challenge), Self.same(response, expected) else {
                return Self.fail(.securityStatusNotSatisfied)
            }
            managementAuthenticated = true
            return ([], .success)
        default:
            return Self.fail(.incorrectDataParameters)
        }
    }

    // MARK: GENERATE ASYMMETRIC KEY PAIR

    mutating func generateKeyPair(p1: UInt8, p2: UInt8, data: [UInt8]) -> Answer {
        guard p1 == 0x00 else { return Self.fail(.incorrectP1P2) }
        let slot = PIVKeyReference(rawValue: p2)
        guard PIVKeyReference.certificateSlots.contains(slot) else { return Self.fail(.incorrectP1P2) }
        guard managementAuthenticated else { return Self.fail(.securityStatusNotSatisfied) }
        guard let template = try? TLV.decodeSingle(data), template.tag == 0xAC,
              let algorithmValue = try? template.child(0x80)?.value, algorithmValue.count == 1
        else { return Self.fail(.incorrectDataParameters) }
        guard let key = SimulatedPIVKey.generate(PIVAlgorithm(rawValue: algorithmValue[0])),
              let template = key.publicKeyTemplate
        else { return Self.fail(.incorrectDataParameters) }
        image.keys[[slot.rawValue].hexString()] = key
        return (template, .success)
    }

    static func random(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
