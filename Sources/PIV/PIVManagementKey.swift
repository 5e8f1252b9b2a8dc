import Crypto
import _CryptoExtras
import SmartCard

/// A card management key (reference `9B`): an AES key and its PIV algorithm identifier.
public struct PIVManagementKey: Hashable, Sendable {
    public var algorithm: PIVAlgorithm
    public var key: [UInt8]

    /// The well-known default management key of test cards, AES-192 `0102…0708` three times.
    /// Every issued card must have it changed; CardGate's simulated blank cards start with it.
    public static let defaultKey = PIVManagementKey(
        validatedAlgorithm: .aes192, key: [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8])

    /// - Throws: `PIVError.unsupportedAlgorithm` for anything but AES, `.invalidArgument` for a wrong length.
    public init(algorithm: PIVAlgorithm, key: [UInt8]) throws(PIVError) {
        guard let length = algorithm.aesKeyLength else { throw .unsupportedAlgorithm(algorithm) }
        guard key.count == length else {
            throw .invalidArgument("an \(algorithm.name) management key is \(length) bytes, not \(key.count)")
        }
        self.init(validatedAlgorithm: algorithm, key: key)
    }

    /// Parses hex; the algorithm follows from the length (16, 24, 32 bytes) unless given.
    public init(hex: String, algorithm: PIVAlgorithm? = nil) throws(PIVError) {
        guard let key = [UInt8](hexString: hex) else { throw .invalidArgument("management key is not hex") }
        let chosen: PIVAlgorithm
        switch (algorithm, key.count) {
        case (let given?, _): chosen = given
        case (nil, 16): chosen = .aes128
        case (nil, 24): chosen = .aes192
        case (nil, 32): chosen = .aes256
        default: throw .invalidArgument("management key of \(key.count) bytes; AES keys are 16, 24 or 32 bytes")
        }
        try self.init(algorithm: chosen, key: key)
    }

    private init(validatedAlgorithm: PIVAlgorithm, key: [UInt8]) {
        self.algorithm = validatedAlgorithm
        self.key = key
    }

    /// The cipher's block size (AES: 16 bytes): the length of witnesses and challenges.
    public var blockSize: Int { 16 }

    /// Encrypts one block (the single-block AES permutation).
    public func encrypt(_ block: [UInt8]) throws(PIVError) -> [UInt8] {
        var output = block
        do { try AES.permute(&output, key: SymmetricKey(data: key)) } catch {
            throw .invalidArgument("block of \(block.count) bytes cannot be encrypted")
        }
        return output
    }

    /// Decrypts one block.
    public func decrypt(_ block: [UInt8]) throws(PIVError) -> [UInt8] {
        var output = block
        do { try AES.inversePermute(&output, key: SymmetricKey(data: key)) } catch {
            throw .invalidArgument("block of \(block.count) bytes cannot be decrypted")
        }
        return output
    }
}
