import CardSimulator
import Foundation
@testable import PIV
import SmartCard
import Testing

@Suite struct InflateTests {
    /// 300 pseudo-random words, as the generator below makes them.
    static func words() -> [UInt8] {
        let list = ["card", "gate", "door", "staff", "office", "key", "badge", "zone", "entry", "log", "pin",
                    "signature", "challenge", "reader"]
        var state: UInt64 = 1
        var out: [String] = []
        for _ in 0..<300 {
            state = (state &* 1_103_515_245 &+ 12_345) % (1 << 31)
            out.append(list[Int(state % UInt64(list.count))])
        }
        return Array(out.joined(separator: " ").utf8)
    }

    /// `gzip -9 -n` of `words()` (GNU gzip 1.12): one dynamic-Huffman block.
    static let dynamicFixture = Fixtures.hex(
        "1f8b080000000000020385555b4ec4300cbc4aae16b669a9a81a942d1fcbe951edc41edb01beb68a5f33e3c7d675dd1f"
            + "257d94577acbcb56d273dfce7c7db592965a1b19e8e3a85bfadccff45dcf6edaf25552d5f8476e0b2422477a7b5e795d"
            + "299842ee0f7d6a252fa5a5725eedc5313e65f780e73b8ecceff938ca695053c80d568d3e13e3232c44c405333606646b"
            + "b32590f74cfbb3054101eca4e5c4daeb88c0a3e0c495ecaa61ef9a2fec7b10f14a42c209f2506e291c91c49e981e8248"
            + "06d5ff2386c2cfebb16d8c6278e4f4fd99e21c55344dbbce194681fbd7cc8135074d41ff49d854b3e908c75ecb089be9"
            + "9025ba2b928464865d0ad4c3c812091c22959332069c833d7b6b8edf4a819fd0d123a2ac43dfcdfedaceabd7600fd223"
            + "45395d5375f8d3dfb1a137ac90f2d53c32017ea8ddcee35648cc1f3eb00a6e10e215ea4aeb4552a04028d2f4c30ecea2"
            + "585ca6c908c129e54f150e234d6d7f5ad068fe656037c25d9d6c306eadfb2f622c3f7ada3a13ec060000")
    /// `printf 'hello hello hello' | gzip -n`: one fixed-Huffman block with a back reference.
    static let fixedFixture = Fixtures.hex("1f8b0800000000000003cb48cdc9c957c84090008088f9e511000000")

    @Test func inflatesDynamicAndFixedBlocks() throws {
        #expect(try Inflate.gunzip(Self.dynamicFixture) == Self.words())
        #expect(try Inflate.gunzip(Self.fixedFixture) == Array("hello hello hello".utf8))
    }

    @Test func rejectsDamage() {
        var crc = Self.fixedFixture
        crc[crc.count - 6] ^= 1
        #expect(throws: Inflate.InflateError.checksumMismatch) { try Inflate.gunzip(crc) }
        #expect(throws: Inflate.InflateError.notGzip) { try Inflate.gunzip(Array("not gzip at all, no".utf8)) }
        #expect(throws: Inflate.InflateError.truncated) { try Inflate.gunzip(Array(Self.dynamicFixture.prefix(100))) }
        #expect(throws: Inflate.InflateError.outputTooLarge(1025)) {
            try Inflate.gunzip(Self.dynamicFixture, maxOutput: 1024)
        }
    }

    /// A gzip member of stored blocks, built here (RFC 1952 with RFC 1951 block type 0).
    static func storedGzip(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3]
        let length = data.count
        out += [1, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
        out += data
        let crc = Inflate.crc32(data)
        for shift in stride(from: UInt32(0), to: 32, by: 8) { out.append(UInt8((crc >> shift) & 0xFF)) }
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8((length >> shift) & 0xFF)) }
        return out
    }

    @Test func compressedCertificateObjectIsInflated() async throws {
        let (_, client, _, _) = try await Fixtures.issuedCard()
        _ = try await client.select()
        let plain = try await client.readCertificate(.cardAuthentication)
        let compressed = [TLV(tag: 0x70, value: Self.storedGzip(plain.der)), TLV(tag: 0x71, value: [0x01]),
                          TLV(tag: 0xFE, value: [])].flatMap(\.encoded)
        let object = try PIVCertificateObject(objectValue: compressed, tag: .cardAuthenticationCertificate)
        #expect(object.wasCompressed)
        #expect(object.certificate == plain.certificate)
        var broken = compressed
        broken[40] ^= 0xFF  // inside the stored certificate: the CRC no longer matches
        #expect(throws: PIVError.self) {
            try PIVCertificateObject(objectValue: broken, tag: .cardAuthenticationCertificate)
        }
    }
}
