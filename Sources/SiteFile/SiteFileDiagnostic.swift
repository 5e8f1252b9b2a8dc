/// One error in a site or people file, with the file and line it was found at.
public struct SiteFileDiagnostic: Error, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var file: String
    /// 1-based; nil when the error is about the whole file.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `site.yaml:12: unknown zone "lobyy"`, the usual compiler format.
    public var description: String { file + (line.map { ":\($0)" } ?? "") + ": " + message }

    public static func < (lhs: SiteFileDiagnostic, rhs: SiteFileDiagnostic) -> Bool {
        (lhs.file, lhs.line ?? 0, lhs.message) < (rhs.file, rhs.line ?? 0, rhs.message)
    }
}

/// A site that cannot be loaded: every error of every file, sorted by file and line.
public struct SiteFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var diagnostics: [SiteFileDiagnostic]

    public init(diagnostics: [SiteFileDiagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
