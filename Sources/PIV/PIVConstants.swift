import SmartCard

/// Fixed identifiers of the PIV card application (NIST SP 800-73-5 part 1 and part 2).
public enum PIV {
    /// The PIV application identifier (AID), `A0 00 00 03 08 00 00 10 00 01 00`.
    public static let aid: [UInt8] = [0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00]
    /// The registered application provider identifier of NIST, the right-truncated AID cards also accept.
    public static let rid: [UInt8] = [0xA0, 0x00, 0x00, 0x03, 0x08]
    /// The PIX of the PIV application, as the application property template's `4F` carries it.
    public static let pix: [UInt8] = [0x00, 0x00, 0x10, 0x00, 0x01, 0x00]
    /// The largest data field of one command in a chain (short APDUs).
    public static let chunkSize = 255
}

/// A PIV cryptographic algorithm identifier (SP 800-78-5 table 6-2).
///
/// A struct of named constants so that identifiers CardGate does not know are kept when a card lists them.
public struct PIVAlgorithm: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let tripleDES = PIVAlgorithm(rawValue: 0x03)
    public static let rsa1024 = PIVAlgorithm(rawValue: 0x06)
    public static let rsa2048 = PIVAlgorithm(rawValue: 0x07)
    public static let aes128 = PIVAlgorithm(rawValue: 0x08)
    public static let aes192 = PIVAlgorithm(rawValue: 0x0A)
    public static let aes256 = PIVAlgorithm(rawValue: 0x0C)
    public static let eccP256 = PIVAlgorithm(rawValue: 0x11)
    public static let eccP384 = PIVAlgorithm(rawValue: 0x14)
    /// Cipher suite 2 of secure messaging (ECCP256 with SHA-256 and AES-128).
    public static let secureMessagingCS2 = PIVAlgorithm(rawValue: 0x27)
    /// Cipher suite 7 of secure messaging (ECCP384 with SHA-384 and AES-256).
    public static let secureMessagingCS7 = PIVAlgorithm(rawValue: 0x2E)

    /// Whether this is an asymmetric signing algorithm CardGate supports on card keys.
    public var isAsymmetric: Bool { self == .rsa2048 || self == .eccP256 || self == .eccP384 }

    /// Key length in bytes for AES management keys.
    public var aesKeyLength: Int? {
        switch self {
        case .aes128: 16
        case .aes192: 24
        case .aes256: 32
        default: nil
        }
    }

    /// Length of the input the card signs: the field size for ECC, the modulus size for RSA.
    public var signatureInputLength: Int? {
        switch self {
        case .eccP256: 32
        case .eccP384: 48
        case .rsa2048: 256
        default: nil
        }
    }

    public var name: String {
        switch self {
        case .tripleDES: "3DES"
        case .rsa1024: "RSA-1024"
        case .rsa2048: "RSA-2048"
        case .aes128: "AES-128"
        case .aes192: "AES-192"
        case .aes256: "AES-256"
        case .eccP256: "ECC P-256"
        case .eccP384: "ECC P-384"
        case .secureMessagingCS2: "SM cipher suite 2"
        case .secureMessagingCS7: "SM cipher suite 7"
        default: "algorithm \([rawValue].hexString())"
        }
    }

    public var description: String { "\(name) (\([rawValue].hexString()))" }
}

/// A PIV key reference: the four asymmetric key slots CardGate uses, the management key, PIN and PUK.
public struct PIVKeyReference: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// PIV Authentication key (9A), PIN required.
    public static let authentication = PIVKeyReference(rawValue: 0x9A)
    /// Card management key (9B).
    public static let management = PIVKeyReference(rawValue: 0x9B)
    /// Digital Signature key (9C), PIN required on every use.
    public static let signature = PIVKeyReference(rawValue: 0x9C)
    /// Key Management key (9D), PIN required.
    public static let keyManagement = PIVKeyReference(rawValue: 0x9D)
    /// Card Authentication key (9E), usable without PIN: the PKI-CAK door key.
    public static let cardAuthentication = PIVKeyReference(rawValue: 0x9E)
    /// The PIV application PIN (80).
    public static let pin = PIVKeyReference(rawValue: 0x80)
    /// The PIN unblocking key (81).
    public static let puk = PIVKeyReference(rawValue: 0x81)

    /// The four asymmetric key slots that hold a certificate.
    public static let certificateSlots: [PIVKeyReference] = [.authentication, .signature, .keyManagement,
                                                              .cardAuthentication]

    /// The data object holding this slot's certificate.
    public var certificateObject: PIVObjectTag? {
        switch self {
        case .authentication: .authenticationCertificate
        case .signature: .signatureCertificate
        case .keyManagement: .keyManagementCertificate
        case .cardAuthentication: .cardAuthenticationCertificate
        default: nil
        }
    }

    public var name: String {
        switch self {
        case .authentication: "PIV Authentication"
        case .management: "Card Management"
        case .signature: "Digital Signature"
        case .keyManagement: "Key Management"
        case .cardAuthentication: "Card Authentication"
        case .pin: "PIN"
        case .puk: "PUK"
        default: "key"
        }
    }

    public var description: String { "\(name) (\([rawValue].hexString()))" }

    /// Parses `9E`, `9e` or a name such as `card-auth`.
    public init?(text: String) {
        switch text.lowercased() {
        case "9a", "authentication", "piv-auth": self = .authentication
        case "9c", "signature", "sign": self = .signature
        case "9d", "key-management", "keymgmt": self = .keyManagement
        case "9e", "card-auth", "card-authentication", "cak": self = .cardAuthentication
        default: return nil
        }
    }
}

/// The tag of a PIV data object as GET DATA and PUT DATA name it (SP 800-73-5 part 1 table 3).
public struct PIVObjectTag: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let cardCapabilityContainer = PIVObjectTag(rawValue: 0x5F_C107)
    public static let chuid = PIVObjectTag(rawValue: 0x5F_C102)
    public static let authenticationCertificate = PIVObjectTag(rawValue: 0x5F_C105)
    public static let fingerprints = PIVObjectTag(rawValue: 0x5F_C103)
    public static let securityObject = PIVObjectTag(rawValue: 0x5F_C106)
    public static let facialImage = PIVObjectTag(rawValue: 0x5F_C108)
    public static let printedInformation = PIVObjectTag(rawValue: 0x5F_C109)
    public static let signatureCertificate = PIVObjectTag(rawValue: 0x5F_C10A)
    public static let keyManagementCertificate = PIVObjectTag(rawValue: 0x5F_C10B)
    public static let cardAuthenticationCertificate = PIVObjectTag(rawValue: 0x5F_C101)
    public static let keyHistory = PIVObjectTag(rawValue: 0x5F_C10C)
    public static let iris = PIVObjectTag(rawValue: 0x5F_C121)
    public static let discovery = PIVObjectTag(rawValue: 0x7E)
    public static let biometricGroupTemplate = PIVObjectTag(rawValue: 0x7F61)

    /// The tag as bytes, the value of `5C` in GET DATA and PUT DATA.
    public var bytes: [UInt8] { TLVTag(rawValue: rawValue).bytes }

    /// Objects that may be read only after PIN verification.
    public var requiresPIN: Bool {
        self == .fingerprints || self == .facialImage || self == .printedInformation || self == .iris
    }

    /// Whether this tag names a PIV data object: the `5FC1xx` range, discovery and the biometric group template.
    public var isPIVObject: Bool {
        (rawValue & 0xFF_FF00) == 0x5F_C100 || self == .discovery || self == .biometricGroupTemplate
    }

    public var description: String { bytes.hexString() }
}
