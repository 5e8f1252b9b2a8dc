import AccessStore
import Foundation
import GRDB
import Testing

@Suite struct StoreFailureTests {
    @Test func aFileThatIsNotADatabaseIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("garbage.sqlite")
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
        #expect(FileManager.default.createFile(atPath: path, contents: garbage))
        #expect(throws: AccessStoreError(.notADatabase, "")) { try AccessStore.open(at: path) }
        #expect(throws: AccessStoreError(.notADatabase, "")) {
            try AccessStore.open(at: path, options: .init(readOnly: true))
        }
    }

    @Test func anSQLiteFileWithoutTheJournalIsNotACardGateStore() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("other.sqlite")
        try DatabaseQueue(path: path).write { db in try db.execute(sql: "CREATE TABLE t (x)") }
        #expect(throws: AccessStoreError(.notACardGateStore, "")) {
            try AccessStore.open(at: path, options: .init(readOnly: true))
        }
    }

    @Test func damagedPagesAreReportedAsCorruption() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("journal.sqlite")
        do {
            let store = try AccessStore.open(at: path)
            try Sample.fill(store, count: 3000, batch: 500, writer: JournalWriter(key: nil))
            try store.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        }
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let size = try handle.seekToEnd()
        for page in stride(from: UInt64(8), to: size / 4096 - 1, by: 3) {
            try handle.seek(toOffset: page * 4096 + 8)
            try handle.write(contentsOf: Data(repeating: 0xA5, count: 2000))
        }
        try handle.close()
        #expect(throws: AccessStoreError(.corruptDatabase, "")) {
            let store = try AccessStore.open(at: path, options: .init(readOnly: true))
            _ = try JournalVerifier().verify(store.writer)
        }
    }

    @Test func aFullDiskFailsTheAppendAndKeepsEverythingAcknowledged() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("journal.sqlite")
        let store = try AccessStore.open(at: path, options: .init(maxPageCount: 120))
        let journal = EventJournal(store: store, key: .generate())
        var acknowledged: Int64 = 0
        var failure: AccessStoreError?
        for index in 0..<20_000 {
            do {
                acknowledged = try await journal.append(Sample.decision(index)).sequence
            } catch {
                failure = error
                break
            }
        }
        #expect(failure?.code == .diskFull)
        #expect(acknowledged > 0)
        let reopened = try AccessStore.open(at: path, options: .init(readOnly: true))
        let verification = try JournalVerifier().verify(reopened.writer)
        #expect(verification.isIntact)
        #expect(verification.lastSequence == acknowledged)
    }
}
