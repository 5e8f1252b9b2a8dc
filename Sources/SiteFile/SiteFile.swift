import AccessPolicy

/// Loads CardGate's declarative site files (YAML) into a ``AccessPolicy/SiteModel``, reporting every error with
/// its file and line, or nothing at all: a site with any error is not returned, so it is never half-applied.
///
/// A site is usually one site file (zones, doors, schedules, holidays, access levels, departments) and one people
/// file (people and their cards) as YAML or CSV; see `Config/site.example.yaml`.
public enum SiteFile {
    /// One file to load: its text and the name used in diagnostics.
    public struct Source: Sendable {
        public var name: String
        public var text: String
        public var format: Format

        public init(name: String, text: String, format: Format? = nil) {
            self.name = name
            self.text = text
            self.format = format ?? (name.lowercased().hasSuffix(".csv") ? .peopleCSV : .yaml)
        }

        /// How the text is written.
        public enum Format: Sendable {
            case yaml
            /// A people file as CSV; see ``PeopleCSV``.
            case peopleCSV
        }
    }

    /// Parses one file without checking references to other files.
    public static func parse(_ source: Source) -> SiteFileDocument {
        switch source.format {
        case .yaml:
            var parser = SiteFileParser(file: source.name)
            parser.parse(source.text)
            return parser.document
        case .peopleCSV:
            return PeopleCSV.parse(source.text, file: source.name)
        }
    }

    /// Loads and validates files that together describe a site, later files appending to earlier ones.
    ///
    /// - Throws: every reading error and every problem of ``AccessPolicy/SiteModel/validate()``, each at its line.
    public static func load(_ sources: [Source]) throws(SiteFileError) -> SiteModel {
        var combined = SiteFileDocument(file: sources.first?.name ?? "site")
        for source in sources { combined.append(parse(source)) }
        var diagnostics = combined.diagnostics
        // A field that could not be read was given a default; the problems that follow are not reported again.
        diagnostics += combined.model.validate().compactMap(combined.diagnostic(for:))
        guard diagnostics.isEmpty else { throw SiteFileError(diagnostics: diagnostics.sorted()) }
        return combined.model
    }
}
