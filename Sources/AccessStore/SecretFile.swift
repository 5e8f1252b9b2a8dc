#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files that hold secrets (the journal key, an API token): created new with mode 0600, written and synced,
/// never overwriting an existing file or following a symbolic link.
enum SecretFile {
    /// Creates `path` with `contents`; on any failure the file is removed again.
    ///
    /// - Parameters:
    ///   - what: names the file in messages (`journal key file`).
    ///   - existsCode: the error code when the path exists; `failureCode` for any other failure.
    static func create(
        at path: String, contents: [UInt8], what: String, existsCode: AccessStoreError.Code,
        failureCode: AccessStoreError.Code
    ) throws(AccessStoreError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = errno
            if reason == EEXIST {
                throw AccessStoreError(existsCode, "\(what) \(path) already exists")
            }
            throw AccessStoreError(failureCode, "cannot create \(path): \(String(cString: strerror(reason)))")
        }
        defer { close(descriptor) }
        let written = contents.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard fchmod(descriptor, 0o600) == 0, written == contents.count, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(path)
            throw AccessStoreError(failureCode, "cannot write \(path): \(reason)")
        }
    }
}
