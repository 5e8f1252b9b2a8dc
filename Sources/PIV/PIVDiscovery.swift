import SmartCard

/// The Discovery Object (`7E`, SP 800-73-5 part 1 table 17): the AID and the PIN usage policy.
public struct PIVDiscovery: Hashable, Sendable {
    /// The PIV AID (`4F`).
    public var aid: [UInt8]
    /// The two PIN usage policy bytes (`5F2F`).
    public var pinUsagePolicy: [UInt8]

    /// The policy CardGate's cards carry: PIV application PIN only, no global PIN, no OCC.
    public static let standard = PIVDiscovery(aid: PIV.aid, pinUsagePolicy: [0x40, 0x00])

    public init(aid: [UInt8], pinUsagePolicy: [UInt8]) {
        self.aid = aid
        self.pinUsagePolicy = pinUsagePolicy
    }

    /// Whether the PIV application PIN satisfies the PIV access control rules (bit 7 of the first byte).
    public var applicationPINEnabled: Bool { (pinUsagePolicy.first ?? 0) & 0x40 != 0 }
    /// Whether the global PIN satisfies them too (bit 6).
    public var globalPINEnabled: Bool { (pinUsagePolicy.first ?? 0) & 0x20 != 0 }
    /// Whether on-card biometric comparison is supported (bit 5).
    public var occEnabled: Bool { (pinUsagePolicy.first ?? 0) & 0x10 != 0 }

    /// Parses the whole object as GET DATA returns it (`7E` template).
    public init(encoded bytes: [UInt8]) throws(PIVError) {
        let children: [TLV]
        do throws(TLVError) {
            let object = try TLV.decodeSingle(bytes)
            guard object.tag == 0x7E else { throw TLVError.unexpectedTag(expected: 0x7E, found: object.tag) }
            children = try object.children()
        } catch {
            throw .tlv(error, in: "discovery object")
        }
        guard let aid = children.first(0x4F)?.value, aid.starts(with: PIV.rid) else {
            throw .invalidObject(.discovery, "no PIV AID (4F)")
        }
        guard let policy = children.first(0x5F2F)?.value, policy.count == 2 else {
            throw .invalidObject(.discovery, "PIN usage policy (5F2F) missing or not 2 bytes")
        }
        self.aid = aid
        self.pinUsagePolicy = policy
    }

    public var encoded: [UInt8] {
        TLV(tag: 0x7E, children: [TLV(tag: 0x4F, value: aid), TLV(tag: 0x5F2F, value: pinUsagePolicy)]).encoded
    }
}
