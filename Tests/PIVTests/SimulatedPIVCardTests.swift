import CardSimulator
import Foundation
import PIV
import SmartCard
import Testing

/// Every rule of the simulated PIV applet, through the PIV client or raw APDUs.
@Suite struct SimulatedPIVCardTests {
    /// Sends raw bytes and returns the status word.
    static func status(_ card: SimulatedPIVCard, _ hex: String) -> UInt16 {
        let response = card.respond(to: Fixtures.hex(hex.filter { $0 != " " }))
        return UInt16(response[response.count - 2]) << 8 | UInt16(response[response.count - 1])
    }

    /// The command name the client reports for GENERAL AUTHENTICATE with `slot`.
    static func authenticate(_ slot: PIVKeyReference) -> String { "GENERAL AUTHENTICATE \(slot)" }

    @Test func commandsBeforeSelectAreUnknown() {
        let card = SimulatedPIVCard()
        #expect(Self.status(card, "00CB3FFF055C035FC10200") == 0x6D00)
        #expect(Self.status(card, "00A4040005A00000030800") == 0x9000)
        #expect(Self.status(card, "00A4040005A000000999") == 0x6A82)
        #expect(Self.status(card, "00A4000002 3F00") == 0x6A86)
    }

    @Test(arguments: [
        ("00CB3FFF055C035FC10200", UInt16(0x6A82)),  // no CHUID yet: unknown object
        ("00CB3FFF055C035FC1FF00", 0x6A82),  // no such object
        ("00CB3FFE055C035FC10200", 0x6A86),  // wrong P1-P2
        ("00CB3FFF055D035FC10200", 0x6A80),  // not a tag list
        ("00CB3FFF045C035FC100", 0x6A80),  // truncated TLV inside the data
        ("00CB3FFF055C035FC1", 0x6700),  // Lc larger than the data
        ("00DB3FFF0A5C035FC1025303010203", 0x6982),  // PUT DATA without the management key
        ("0099000000", 0x6D00),  // unknown instruction
        ("80CB3FFF055C035FC10200", 0x6E00),  // proprietary class
        ("0CCB3FFF055C035FC10200", 0x6882),  // secure messaging
        ("00C0000000", 0x6985),  // GET RESPONSE with nothing pending
        ("002000810831323334353637FF", 0x6A88),  // VERIFY of the PUK
        ("00200080053132333435", 0x6700),  // PIN of 5 bytes
        ("00200080083132333435FFFFFF", 0x6A80),  // PIN of 5 digits, padded
        ("00200080083132333435364142", 0x6A80),  // PIN with letters
        ("0047009A05AC03800111", 0x6982),  // GENERATE without the management key
        ("0047009B05AC03800111", 0x6A86),  // GENERATE into the management key slot
        ("0087119E047C02820000", 0x6A88),  // GENERAL AUTHENTICATE with an empty slot
        ("0087119E02820000", 0x6A80),  // not a dynamic authentication template
        ("10CB3FFF035C017E", 0x6884),  // chaining a command that does not chain
    ])
    func wrongUseGetsTheRightStatusWord(command: String, expected: UInt16) {
        let card = SimulatedPIVCard()
        #expect(Self.status(card, "00A404000BA00000030800001000010000") == 0x9000)
        #expect(Self.status(card, command) == expected, "command \(command)")
    }

    @Test func pinRetriesCountDownToBlockedAndPUKUnblocks() async throws {
        let (_, client, _) = Fixtures.blankCard()
        _ = try await client.select()
        #expect(try await client.pinStatus() == .notVerified(triesLeft: 3))
        for left in [2, 1, 0] {
            await #expect(throws: PIVError.card(.verificationFailed(triesLeft: left), command: "VERIFY")) {
                try await client.verifyPIN("999999")
            }
        }
        #expect(try await client.pinStatus() == .blocked)
        await #expect(throws: PIVError.card(.blocked, command: "VERIFY")) { try await client.verifyPIN("123456") }
        await #expect(throws: PIVError.card(.verificationFailed(triesLeft: 2), command: "RESET RETRY COUNTER")) {
            try await client.unblockPIN(puk: "87654321", newPIN: "222222")
        }
        try await client.unblockPIN(puk: "12345678", newPIN: "222222")
        #expect(try await client.pinStatus() == .notVerified(triesLeft: 3))
        try await client.verifyPIN("222222")
        #expect(try await client.pinStatus() == .verified)
        try await client.resetPINVerification()
        #expect(try await client.pinStatus() == .notVerified(triesLeft: 3))
    }

    @Test func pukBlocksAfterThreeWrongTries() async throws {
        let (_, client, _) = Fixtures.blankCard()
        _ = try await client.select()
        for _ in 0..<3 { _ = try? await client.unblockPIN(puk: "00000000", newPIN: "222222") }
        await #expect(throws: PIVError.card(.blocked, command: "RESET RETRY COUNTER")) {
            try await client.unblockPIN(puk: "12345678", newPIN: "222222")
        }
        await #expect(throws: PIVError.card(.blocked, command: "CHANGE REFERENCE DATA")) {
            try await client.changeReferenceData(.puk, old: "12345678", new: "11223344")
        }
    }

    @Test func changePINNeedsTheOldOne() async throws {
        let (_, client, _) = Fixtures.blankCard()
        _ = try await client.select()
        await #expect(throws: PIVError.card(.verificationFailed(triesLeft: 2), command: "CHANGE REFERENCE DATA")) {
            try await client.changeReferenceData(.pin, old: "000000", new: "654321")
        }
        try await client.changeReferenceData(.pin, old: "123456", new: "654321")
        try await client.verifyPIN("654321")
        await #expect(throws: PIVError.card(.incorrectData, command: "CHANGE REFERENCE DATA")) {
            try await client.changeReferenceData(.pin, old: "654321", new: "12a456")
        }
    }

    @Test func keyAccessRules() async throws {
        let (card, client, _) = Fixtures.blankCard()
        _ = try await client.select()
        try await client.authenticate(managementKey: .defaultKey)
        for slot in PIVKeyReference.certificateSlots {
            _ = try await client.generateKey(in: slot, algorithm: .eccP256)
        }
        card.reset()
        _ = try await client.select()
        let digest = [UInt8](repeating: 7, count: 32)
        func sign(_ slot: PIVKeyReference) async throws -> [UInt8] {
            try await client.generalAuthenticate(slot: slot, algorithm: .eccP256, input: digest)
        }
        // 9E always; 9A, 9C, 9D refuse without PIN.
        #expect(try await !sign(.cardAuthentication).isEmpty)
        for slot in [PIVKeyReference.authentication, .signature, .keyManagement] {
            await #expect(throws: PIVError.card(.securityStatusNotSatisfied, command: "GENERAL AUTHENTICATE \(slot)")) {
                _ = try await sign(slot)
            }
        }
        try await client.verifyPIN("123456")
        #expect(try await !sign(.authentication).isEmpty)
        #expect(try await !sign(.keyManagement).isEmpty)
        // 9C: PIN always: the VERIFY must come right before each use.
        await #expect(throws: PIVError.card(.securityStatusNotSatisfied, command: Self.authenticate(.signature))) {
            _ = try await sign(.signature)
        }
        try await client.verifyPIN("123456")
        #expect(try await !sign(.signature).isEmpty)
        await #expect(throws: PIVError.self) { _ = try await sign(.signature) }
        // Wrong algorithm for the key, wrong input length.
        await #expect(throws: PIVError.card(.incorrectParameters, command: Self.authenticate(.cardAuthentication))) {
            _ = try await client.generalAuthenticate(slot: .cardAuthentication, algorithm: .eccP384,
                                                     input: [UInt8](repeating: 1, count: 48))
        }
        #expect(Self.status(card, "0087119E267C24820081" + "1F" + String(repeating: "01", count: 31) + "00") == 0x6A80)
    }

    @Test func contactlessOnlyAllowsCardAuthentication() async throws {
        let (card, client, _) = Fixtures.blankCard()
        _ = try await client.select()
        try await client.authenticate(managementKey: .defaultKey)
        _ = try await client.generateKey(in: .cardAuthentication, algorithm: .eccP256)
        _ = try await client.generateKey(in: .authentication, algorithm: .eccP256)
        card.isContactless = true
        try await client.verifyPIN("123456")
        let digest = [UInt8](repeating: 9, count: 32)
        #expect(try await !client.generalAuthenticate(slot: .cardAuthentication, algorithm: .eccP256, input: digest)
            .isEmpty)
        await #expect(throws: PIVError.card(.securityStatusNotSatisfied, command: Self.authenticate(.authentication))) {
            _ = try await client.generalAuthenticate(slot: .authentication, algorithm: .eccP256, input: digest)
        }
    }

    @Test func wrongManagementKeyIsRefusedAndWitnessIsSingleUse() async throws {
        let (card, client, _) = Fixtures.blankCard()
        _ = try await client.select()
        let wrong = try PIVManagementKey(algorithm: .aes192, key: [UInt8](repeating: 0x42, count: 24))
        let name = "GENERAL AUTHENTICATE (management key)"
        await #expect(throws: PIVError.card(.securityStatusNotSatisfied, command: name)) {
            try await client.authenticate(managementKey: wrong)
        }
        let aes128 = try PIVManagementKey(algorithm: .aes128, key: [UInt8](repeating: 1, count: 16))
        await #expect(throws: PIVError.card(.incorrectParameters, command: name)) {
            try await client.authenticate(managementKey: aes128)
        }
        // A witness answer without a witness request is refused.
        #expect(Self.status(card, "00870A9B267C248010" + String(repeating: "00", count: 16) + "8110"
            + String(repeating: "00", count: 16)) == 0x6982)
        #expect(Self.status(card, "0047009E05AC03800111") == 0x6982)
    }

    @Test func managementKeyExternalAuthentication() async throws {
        let card = SimulatedPIVCard()
        #expect(Self.status(card, "00A4040005A00000030800") == 0x9000)
        let answer = card.respond(to: Fixtures.hex("00870A9B047C02810000"))
        #expect(Array(answer.prefix(4)) == Fixtures.hex("7C128110"))
        let challenge = Array(answer[4..<20])
        let response = try PIVManagementKey.defaultKey.encrypt(challenge)
        #expect(Self.status(card, "00870A9B147C128210" + response.hexString()) == 0x9000)
        #expect(Self.status(card, "0047009E05AC03800111" + "00") == 0x9000)
    }

    @Test func responseChainingAndBrokenCommandChains() async throws {
        let (card, client, _) = Fixtures.blankCard()
        _ = try await client.select()
        try await client.authenticate(managementKey: .defaultKey)
        let big = [UInt8]((0..<1000).map { UInt8($0 & 0xFF) })
        try await client.writeObject(.keyHistory, value: big)
        #expect(try await client.readObject(.keyHistory) == big)
        // A chain interrupted by another instruction is refused.
        #expect(Self.status(card, "10DB3FFF035C035F") == 0x9000)
        #expect(Self.status(card, "00CB3FFF035C017E00") == 0x6883)
        // Too large an object.
        let huge = [UInt8](repeating: 1, count: 5000)
        await #expect(throws: PIVError.self) { try await client.writeObject(.keyHistory, value: huge) }
        // PUT DATA with an empty 53 deletes the object.
        try await client.writeObject(.keyHistory, value: [])
        await #expect(throws: PIVError.card(.notFound, command: "GET DATA 5FC10C")) {
            _ = try await client.readObject(.keyHistory)
        }
    }

    @Test func pinProtectedObjectsNeedThePIN() async throws {
        let (_, client, _) = Fixtures.blankCard()
        _ = try await client.select()
        try await client.authenticate(managementKey: .defaultKey)
        try await client.writeObject(.printedInformation, value: Array("Nguyễn Văn An".utf8))
        await #expect(throws: PIVError.card(.securityStatusNotSatisfied, command: "GET DATA 5FC109")) {
            _ = try await client.readObject(.printedInformation)
        }
        try await client.verifyPIN("123456")
        #expect(try await client.readObject(.printedInformation) == Array("Nguyễn Văn An".utf8))
    }

    @Test func discoveryObjectIsPresentOnABlankCard() async throws {
        let (_, client, _) = Fixtures.blankCard()
        _ = try await client.select()
        let discovery = try await client.readDiscovery()
        #expect(discovery.aid == PIV.aid)
        #expect(discovery.applicationPINEnabled)
        #expect(!discovery.globalPINEnabled)
    }

    @Test func imageSurvivesSaveAndLoadWithItsKeys() async throws {
        let (card, client, _, issued) = try await Fixtures.issuedCard()
        _ = try await client.select()
        _ = try? await client.verifyPIN("000000")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cardgate-piv-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try card.save(to: url)
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let reloaded = try SimulatedPIVCard(contentsOf: url)
        #expect(reloaded.image == card.image)
        #expect(reloaded.image.pinTriesLeft == 2)
        let reader = PIVClient(channel: DirectCardChannel(reloaded))
        let challenge = [UInt8](repeating: 5, count: 32)
        let reading = try await reader.readPKICAK(challenge: challenge)
        #expect(reading.chuid.guid == issued.guid)
        #expect(PKICAK.verify(signature: reading.signature, challenge: challenge,
                              certificate: reading.certificate.certificate))
    }

    @Test func atrIsAWellFormedT1ATR() {
        let atr = SimulatedPIVCard.defaultATR
        #expect(atr.first == 0x3B)
        #expect(atr.dropFirst().reduce(0, ^) == 0)
        #expect(atr.count == 4 + 12 + 1)
    }
}
