import AccessStore
import Foundation
import Testing

@Suite struct JournalKeyTests {
    @Test func aCreatedKeyFileIsPrivateAndLoadsBack() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("journal.key")
        let created = try JournalKey.create(at: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try JournalKey.load(from: path).publicKey == created.publicKey)
        #expect(throws: AccessStoreError(.keyExists, "")) { try JournalKey.create(at: path) }
    }

    @Test(arguments: [0o640, 0o604, 0o644, 0o660, 0o700 | 0o001])
    func aKeyFileOthersCanReachIsRefused(mode: Int) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("journal.key")
        try JournalKey.create(at: path)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        #expect(throws: AccessStoreError(.keyPermissions, "")) { try JournalKey.load(from: path) }
    }

    @Test func aMissingKeyFileSaysSo() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: AccessStoreError(.keyMissing, "")) { try JournalKey.load(from: directory.file("none.key")) }
    }

    @Test(arguments: ["", "CardGate journal key v1\n", "CardGate journal key v1\nAAAA\n", "hello\nworld\n"])
    func aMalformedKeyFileIsRefused(contents: String) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("journal.key")
        #expect(FileManager.default.createFile(
            atPath: path, contents: Data(contents.utf8), attributes: [.posixPermissions: 0o600]))
        #expect(throws: AccessStoreError(.keyMalformed, "")) { try JournalKey.load(from: path) }
    }
}
