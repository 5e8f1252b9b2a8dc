import SmartCard

/// The application property template a PIV card returns to SELECT (SP 800-73-5 part 2, table 3).
public struct PIVApplicationProperties: Hashable, Sendable {
    /// The application identifier as `4F` carries it (the PIX, or the full AID on some cards).
    public var applicationIdentifier: [UInt8]
    /// The coexistent tag allocation authority's AID (`79`/`4F`), if present.
    public var allocationAuthority: [UInt8]?
    /// The application label (`50`), if present.
    public var label: String?
    /// The application's URL (`5F50`), if present.
    public var url: String?
    /// The cryptographic algorithms the card lists (`AC`/`80`).
    public var algorithms: [PIVAlgorithm]

    public init(applicationIdentifier: [UInt8], allocationAuthority: [UInt8]? = nil, label: String? = nil,
                url: String? = nil, algorithms: [PIVAlgorithm]) {
        self.applicationIdentifier = applicationIdentifier
        self.allocationAuthority = allocationAuthority
        self.label = label
        self.url = url
        self.algorithms = algorithms
    }

    /// Parses the SELECT answer: one `61` template.
    /// - Throws: `PIVError.malformedResponse` or `.notPIVCard`.
    public init(selectResponse bytes: [UInt8]) throws(PIVError) {
        let template: TLV
        let children: [TLV]
        do {
            template = try TLV.decodeSingle(bytes)
            guard template.tag == 0x61 else { throw PIVError.notPIVCard("SELECT answer starts with \(template.tag)") }
            children = try template.children()
        } catch let error as TLVError {
            throw .tlv(error, in: "application property template")
        } catch let error as PIVError {
            throw error
        } catch {
            throw .malformedResponse("\(error)")
        }
        guard let identifier = children.first(0x4F)?.value, !identifier.isEmpty else {
            throw .notPIVCard("application property template has no application identifier")
        }
        guard PIV.pix.starts(with: identifier) || identifier.starts(with: PIV.pix)
            || PIV.aid.starts(with: identifier) || identifier.starts(with: PIV.aid)
        else {
            throw .notPIVCard("application identifier \(identifier.hexString()) is not PIV")
        }
        applicationIdentifier = identifier
        do throws(TLVError) {
            allocationAuthority = try children.first(0x79)?.child(0x4F)?.value
            let listed = try children.first(0xAC)?.children().filter { $0.tag == 0x80 } ?? []
            algorithms = listed.compactMap { $0.value.count == 1 ? PIVAlgorithm(rawValue: $0.value[0]) : nil }
        } catch {
            throw .tlv(error, in: "application property template")
        }
        label = children.first(0x50).flatMap { String(validating: $0.value, as: UTF8.self) }
        url = children.first(0x5F50).flatMap { String(validating: $0.value, as: UTF8.self) }
    }

    /// The template as a card sends it.
    public var encoded: [UInt8] {
        var children = [TLV(tag: 0x4F, value: applicationIdentifier)]
        if let allocationAuthority {
            children.append(TLV(tag: 0x79, children: [TLV(tag: 0x4F, value: allocationAuthority)]))
        }
        if let label { children.append(TLV(tag: 0x50, value: Array(label.utf8))) }
        if let url { children.append(TLV(tag: 0x5F50, value: Array(url.utf8))) }
        if !algorithms.isEmpty {
            children.append(TLV(tag: 0xAC, children: algorithms.map { TLV(tag: 0x80, value: [$0.rawValue]) }
                + [TLV(tag: 0x06, value: [])]))
        }
        return TLV(tag: 0x61, children: children).encoded
    }
}
