import Crypto
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The daemon's Ed25519 journal key, which signs journal checkpoints.
///
/// The key file is text: the line `CardGate journal key v1`, then the 32-byte private key in standard
/// base64 on the second line. It must be a regular file owned by the current user that the group and
/// others can neither read nor write (mode 0600 or stricter); any other file is refused.
public struct JournalKey: Sendable {
    /// The first line of every key file.
    public static let header = "CardGate journal key v1"

    /// The raw private key (Crypto's key type is not `Sendable` on every platform, its bytes are).
    private let rawPrivateKey: Data
    /// The raw 32-byte Ed25519 public key.
    public let publicKey: Data

    /// A key from its raw 32-byte private representation (tests, tools).
    public init(rawPrivateKey: Data) throws(AccessStoreError) {
        do {
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: rawPrivateKey)
            self.rawPrivateKey = key.rawRepresentation
            self.publicKey = key.publicKey.rawRepresentation
        } catch {
            throw AccessStoreError(.keyMalformed, "not a 32-byte Ed25519 private key")
        }
    }

    /// A new random key, kept in memory only.
    public static func generate() -> JournalKey {
        JournalKey(privateKey: Curve25519.Signing.PrivateKey())
    }

    private init(privateKey: Curve25519.Signing.PrivateKey) {
        self.rawPrivateKey = privateKey.rawRepresentation
        self.publicKey = privateKey.publicKey.rawRepresentation
    }

    /// Signs `message` with Ed25519; the signature is 64 bytes.
    func sign(_ message: [UInt8]) throws(AccessStoreError) -> Data {
        do {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: rawPrivateKey).signature(for: message)
        } catch {
            throw AccessStoreError(.keyMalformed, "the journal key could not sign: \(error)")
        }
    }

    /// Loads the key at `path`, refusing files that others could read.
    ///
    /// - Throws: `keyMissing`, `keyUnreadable`, `keyPermissions` or `keyMalformed`.
    public static func load(from path: String) throws(AccessStoreError) -> JournalKey {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = errno
            if reason == ENOENT {
                throw AccessStoreError(.keyMissing, "journal key file \(path) does not exist")
            }
            throw AccessStoreError(.keyUnreadable, "journal key file \(path): \(String(cString: strerror(reason)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw AccessStoreError(.keyUnreadable, "journal key \(path) is not a regular file")
        }
        guard info.st_mode & 0o077 == 0 else {
            let mode = String(info.st_mode & 0o777, radix: 8)
            throw AccessStoreError(
                .keyPermissions, "journal key file \(path) has mode \(mode); it must be 0600 (chmod 600 \(path))")
        }
        guard info.st_uid == geteuid() else {
            throw AccessStoreError(.keyPermissions, "journal key file \(path) belongs to another user")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw AccessStoreError(.keyUnreadable, "journal key file \(path) cannot be read")
        }
        defer { try? handle.close() }
        let contents: Data
        do {
            contents = try handle.readToEnd() ?? Data()
        } catch {
            throw AccessStoreError(.keyUnreadable, "journal key file \(path): \(error)")
        }
        return try parse(contents, path: path)
    }

    /// Parses the text of a key file.
    static func parse(_ contents: Data, path: String) throws(AccessStoreError) -> JournalKey {
        let lines = String(decoding: contents, as: UTF8.self)
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard lines.count == 2, lines[0] == header, let raw = Data(base64Encoded: lines[1]), raw.count == 32
        else {
            throw AccessStoreError(.keyMalformed, "\(path) is not a CardGate journal key file")
        }
        return try JournalKey(rawPrivateKey: raw)
    }

    /// Creates a new key file at `path` with mode 0600; never overwrites an existing file.
    ///
    /// - Throws: `keyExists` when the path exists, `keyUnreadable` when it cannot be written.
    @discardableResult
    public static func create(at path: String) throws(AccessStoreError) -> JournalKey {
        let key = generate()
        let text = header + "\n" + key.rawPrivateKey.base64EncodedString() + "\n"
        try SecretFile.create(
            at: path, contents: Array(text.utf8), what: "journal key file", existsCode: .keyExists,
            failureCode: .keyUnreadable)
        return key
    }
}

extension JournalKey {
    /// The key a process appending to `store`'s journal signs checkpoints with.
    ///
    /// The file at `path` is loaded when `required` (the key was named explicitly) or when it exists. Without it,
    /// a journal whose checkpoints were ever signed is refused: new events would stay unsigned, and `verify`
    /// reports unsigned events beyond the checkpoint policy as damage. A journal never signed gets `nil`.
    /// - Throws: `keyMissing` for a signed journal without its key, and the errors of ``load(from:)``.
    public static func forAppending(to store: AccessStore, at path: String, required: Bool)
        throws(AccessStoreError) -> JournalKey?
    {
        if required || FileManager.default.fileExists(atPath: path) {
            return try load(from: path)
        }
        let signed: Bool
        do {
            signed = try store.writer.read { db in
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM journal_key)") ?? false
            }
        } catch {
            throw AccessStoreError(error)
        }
        guard !signed else {
            throw AccessStoreError(
                .keyMissing, "journal key file \(path) does not exist, but this journal's checkpoints are signed: "
                    + "restore the key file (or name it) so that new events are signed too")
        }
        return nil
    }
}
