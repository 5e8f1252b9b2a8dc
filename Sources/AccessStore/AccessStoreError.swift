import GRDB
import GRDBSQLite

/// An error from the CardGate store: a stable code, a message for people, and the call site.
///
/// Errors compare equal when their codes are equal, so callers and tests match on the code.
/// Codes unknown to this version of CardGate are kept as they are, never mapped to a catch-all.
public struct AccessStoreError: Error, Equatable, CustomStringConvertible, Sendable {
    /// What went wrong, as a stable snake_case string.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The file is not an SQLite database (or is encrypted or overwritten at its header).
        public static let notADatabase = Code(rawValue: "not_a_database")
        /// SQLite found damaged pages while reading or writing.
        public static let corruptDatabase = Code(rawValue: "corrupt_database")
        /// The database is an SQLite file but not a CardGate store (tables missing).
        public static let notACardGateStore = Code(rawValue: "not_a_cardgate_store")
        /// The database or the disk is full; nothing was written.
        public static let diskFull = Code(rawValue: "disk_full")
        /// The database file could not be opened (missing, permissions, directory).
        public static let cannotOpen = Code(rawValue: "cannot_open")
        /// The database is read-only.
        public static let readOnly = Code(rawValue: "read_only")
        /// A disk read or write failed.
        public static let ioError = Code(rawValue: "io_error")
        /// Another process holds the database locked.
        public static let busy = Code(rawValue: "busy")
        /// A schema invariant (unique, check, foreign key, append-only trigger) refused the change.
        public static let constraintViolated = Code(rawValue: "constraint_violated")
        /// Any other SQLite error; the message names the SQLite code.
        public static let databaseError = Code(rawValue: "database_error")
        /// The journal key file does not exist.
        public static let keyMissing = Code(rawValue: "key_missing")
        /// The journal key file exists but cannot be read.
        public static let keyUnreadable = Code(rawValue: "key_unreadable")
        /// The journal key file may be read or written by the group or others, or has another owner.
        public static let keyPermissions = Code(rawValue: "key_permissions")
        /// The journal key file does not hold a CardGate journal key.
        public static let keyMalformed = Code(rawValue: "key_malformed")
        /// The journal key file already exists (creation never overwrites a key).
        public static let keyExists = Code(rawValue: "key_exists")
        /// An event or query was refused before touching the database.
        public static let invalidInput = Code(rawValue: "invalid_input")
        /// The operation was cancelled.
        public static let cancelled = Code(rawValue: "cancelled")
    }

    public var code: Code
    public var message: String
    public var file: String
    public var line: Int

    public init(_ code: Code, _ message: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String { "\(code): \(message)" }

    public static func == (lhs: AccessStoreError, rhs: AccessStoreError) -> Bool { lhs.code == rhs.code }

    /// Maps any error thrown by GRDB or by CardGate store code to an `AccessStoreError`.
    public init(_ error: any Error, file: String = #fileID, line: Int = #line) {
        if let error = error as? AccessStoreError {
            self = error
            return
        }
        if error is CancellationError {
            self.init(.cancelled, "cancelled", file: file, line: line)
            return
        }
        guard let error = error as? DatabaseError else {
            self.init(.databaseError, String(describing: error), file: file, line: line)
            return
        }
        let detail = error.message ?? "SQLite error \(error.extendedResultCode.rawValue)"
        let code: Code
        switch error.resultCode {
        case .SQLITE_NOTADB: code = .notADatabase
        case .SQLITE_CORRUPT: code = .corruptDatabase
        case .SQLITE_FULL: code = .diskFull
        case .SQLITE_CANTOPEN: code = .cannotOpen
        case .SQLITE_READONLY: code = .readOnly
        case .SQLITE_IOERR: code = .ioError
        case .SQLITE_BUSY, .SQLITE_LOCKED: code = .busy
        case .SQLITE_CONSTRAINT: code = .constraintViolated
        default: code = .databaseError
        }
        self.init(code, detail, file: file, line: line)
    }

    /// Maps a raw SQLite result code from a statement this module stepped itself.
    static func sqlite(_ resultCode: Int32, _ connection: OpaquePointer?, file: String = #fileID, line: Int = #line)
        -> AccessStoreError
    {
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "SQLite error"
        return AccessStoreError(
            DatabaseError(resultCode: ResultCode(rawValue: resultCode), message: message), file: file, line: line)
    }
}
