import CardSimulator
import Foundation
import PIV
import SmartCard
import Testing

/// Command encodings as SP 800-73-4 part 2 §3 defines them (SELECT 3.1.1, GET DATA 3.1.2, VERIFY 3.2.1,
/// CHANGE REFERENCE DATA 3.2.2, RESET RETRY COUNTER 3.2.3, GENERAL AUTHENTICATE 3.2.4, PUT DATA 3.3.1,
/// GENERATE ASYMMETRIC KEY PAIR 3.3.2) and the dynamic authentication template of its appendix A.
@Suite struct PIVEncodingTests {
    @Test func selectIsTheFullAIDWithLe() async throws {
        let (_, client, channel) = Fixtures.blankCard()
        let properties = try await client.select()
        #expect(channel.exchanges.first?.command == Fixtures.hex("00A404000BA000000308000010000100" + "00"))
        #expect(properties.applicationIdentifier == PIV.pix)
        #expect(properties.algorithms.contains(.eccP256))
        #expect(properties.algorithms.contains(.rsa2048))
    }

    @Test(arguments: [
        (PIVObjectTag.chuid, "00CB3FFF055C035FC10200"),
        (PIVObjectTag.cardAuthenticationCertificate, "00CB3FFF055C035FC10100"),
        (PIVObjectTag.authenticationCertificate, "00CB3FFF055C035FC10500"),
        (PIVObjectTag.signatureCertificate, "00CB3FFF055C035FC10A00"),
        (PIVObjectTag.keyManagementCertificate, "00CB3FFF055C035FC10B00"),
        (PIVObjectTag.discovery, "00CB3FFF035C017E00"),
    ])
    func getDataNamesTheObjectIn5C(tag: PIVObjectTag, expected: String) async throws {
        let (_, client, channel) = Fixtures.blankCard()
        _ = try await client.select()
        channel.reset()
        _ = try? await client.readObject(tag)
        #expect(channel.exchanges.first?.command == Fixtures.hex(expected))
    }

    @Test func verifyPadsThePINWithFF() async throws {
        let (_, client, channel) = Fixtures.blankCard()
        _ = try await client.select()
        channel.reset()
        try await client.verifyPIN("123456")
        #expect(channel.exchanges.map(\.command) == [Fixtures.hex("0020008008313233343536FFFF")])
        #expect(try await client.pinStatus() == .verified)
        #expect(channel.exchanges.last?.command == Fixtures.hex("00200080"))
    }

    @Test func changeAndResetRetryCounterCarryOldAndNew() async throws {
        let (_, client, channel) = Fixtures.blankCard()
        _ = try await client.select()
        channel.reset()
        try await client.changeReferenceData(.pin, old: "123456", new: "654321")
        try await client.unblockPIN(puk: "12345678", newPIN: "111111")
        #expect(channel.exchanges.map(\.command) == [
            Fixtures.hex("0024008010313233343536FFFF363534333231FFFF"),
            Fixtures.hex("002C0080103132333435363738313131313131FFFF"),
        ])
    }

    @Test func managementKeyMutualAuthenticationFollowsAppendixA() async throws {
        let (_, client, channel) = Fixtures.blankCard()
        _ = try await client.select()
        channel.reset()
        try await client.authenticate(managementKey: .defaultKey)
        let commands = channel.exchanges.map(\.command)
        #expect(commands.count == 2)
        #expect(commands.first == Fixtures.hex("0087 0A 9B 04 7C028000 00".filter { $0 != " " }))
        // Step two: 7C 26 { 80 10 witness, 81 10 challenge, 82 00 }.
        #expect(commands.last.map { Array($0.prefix(9)) } == Fixtures.hex("00870A9B287C268010"))
        #expect(commands.last.map { $0.count } == 5 + 0x28 + 1)
        let answer = channel.exchanges.first?.response ?? []
        #expect(Array(answer.prefix(4)) == Fixtures.hex("7C128010"))
    }

    @Test func generalAuthenticateECCIsOneCommandAndRSAIsChained() async throws {
        let (_, ecc, eccChannel, _) = try await Fixtures.issuedCard(algorithm: .eccP256)
        _ = try await ecc.select()
        eccChannel.reset()
        let digest = [UInt8](repeating: 0xAB, count: 32)
        _ = try await ecc.generalAuthenticate(slot: .cardAuthentication, algorithm: .eccP256, input: digest)
        let sent = eccChannel.exchanges.map(\.command)
        #expect(sent == [Fixtures.hex("0087119E267C2482008120") + digest + [0x00]])

        let (_, rsa, rsaChannel, _) = try await Fixtures.issuedCard(algorithm: .rsa2048)
        _ = try await rsa.select()
        rsaChannel.reset()
        let block = try PKICAK.cardInput(challenge: [1, 2, 3], algorithm: .rsa2048)
        _ = try await rsa.generalAuthenticate(slot: .cardAuthentication, algorithm: .rsa2048, input: block)
        let chained = rsaChannel.exchanges
        // 7C 82 01 06 { 82 00, 81 82 01 00 <256> } is 266 bytes: 255 with CLA 10, then 11 with CLA 00.
        #expect(chained[0].command.prefix(5) == [0x10, 0x87, 0x07, 0x9E, 0xFF])
        #expect(Array(chained[0].command[5..<14]) == Fixtures.hex("7C8201068200818201"))
        #expect(chained[1].command.prefix(5) == [0x00, 0x87, 0x07, 0x9E, 11])
        // The 264-byte answer arrives as 256 bytes + 61 08, then GET RESPONSE 00 C0 00 00 08.
        #expect(chained[1].response.suffix(2) == [0x61, 0x08])
        #expect(chained[2].command == Fixtures.hex("00C0000008"))
        #expect(chained.count == 3)
    }

    @Test func generateAndPutDataEncodings() async throws {
        let (_, client, channel) = Fixtures.blankCard()
        _ = try await client.select()
        try await client.authenticate(managementKey: .defaultKey)
        channel.reset()
        let key = try await client.generateKey(in: .cardAuthentication, algorithm: .eccP256)
        #expect(channel.exchanges.first?.command == Fixtures.hex("0047009E05AC03800111" + "00"))
        #expect(key.algorithm == .eccP256)
        #expect(Array(key.template.prefix(5)) == Fixtures.hex("7F49438641"))
        channel.reset()
        try await client.writeObject(.printedInformation, value: Array(repeating: 0x41, count: 300))
        let commands = channel.exchanges.map(\.command)
        #expect(commands.count == 2)
        #expect(Array(commands[0].prefix(16)) == Fixtures.hex("10DB3FFFFF5C035FC1095382012C4141"))
        #expect(commands[0].count == 5 + 255)
        #expect(commands[1].prefix(4) == [0x00, 0xDB, 0x3F, 0xFF])
    }

    @Test func fascnRoundTripsAndChecksParity() throws {
        // A FASC-N widely used on test PIV cards: agency 9999, system 9999, credential 999999.
        let known = Fixtures.hex("D4E739DA739CED39CE739D836858210842108421C84210C3EB")
        let decoded = try FASCN(encoded: known)
        #expect(decoded.agencyCode == "9999")
        #expect(decoded.systemCode == "9999")
        #expect(decoded.credentialNumber == "999999")
        #expect(decoded.encoded == known)
        var damaged = known
        damaged[3] ^= 0x04
        #expect(throws: PIVError.self) { try FASCN(encoded: damaged) }
        let made = try FASCN(agencyCode: "0032", systemCode: "0001", credentialNumber: "092446",
                             personIdentifier: "1112223333", organizationalIdentifier: "1223")
        #expect(try FASCN(encoded: made.encoded) == made)
        #expect(made.encoded.first.map { $0 >> 3 } == 0b11010)
    }

    @Test func chuidRoundTrips() throws {
        let fascn = try FASCN(agencyCode: "9999", systemCode: "0001", credentialNumber: "123456",
                              personIdentifier: "0000000001", organizationalIdentifier: "9999")
        let guid = UUID()
        let chuid = CHUID(fascn: fascn, guid: guid, expirationDate: PIVDate(year: 2030, month: 12, day: 31)!)
        let parsed = try CHUID(objectValue: chuid.objectValue)
        #expect(parsed == chuid)
        #expect(parsed.isSigned == false)
        #expect(chuid.objectValue.contains(subsequence: Fixtures.hex("350832303330313233313E00FE00")))
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<($0 + subsequence.count)]) == subsequence }
    }
}
