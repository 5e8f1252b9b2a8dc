import AccessPolicy

/// People and their cards as CSV, for administrators who keep them in a spreadsheet.
///
/// The first row names the columns; known columns are `id`, `displayName`, `departmentId`, `kind`, `status`,
/// `responder`, `pinHash`, and for a card `cardId`, `cardType` (piv/uid), `uid`, `fingerprint`, `guid`,
/// `cardStatus`, `validFrom`, `validUntil`. A person with several cards takes one row per card (the person's
/// fields are read from the first). Fields may be double-quoted; `""` inside quotes is a quote.
public enum PeopleCSV {
    static let columns: Set<String> = [
        "id", "displayName", "departmentId", "kind", "status", "responder", "pinHash", "cardId", "cardType", "uid",
        "fingerprint", "guid", "cardStatus", "validFrom", "validUntil",
    ]

    /// Parses CSV text into a document of people and credentials.
    public static func parse(_ text: String, file: String) -> SiteFileDocument {
        var document = SiteFileDocument(file: file)
        let rows = records(text)
        guard let header = rows.first else { return document }
        for name in header.fields where !columns.contains(name) {
            document.diagnostics.append(SiteFileDiagnostic(file: file, line: header.line,
                message: "unknown column \"\(name)\""))
        }
        var known: Set<String> = []
        for row in rows.dropFirst() where !(row.fields.count == 1 && row.fields[0].isEmpty) {
            func field(_ name: String) -> String? {
                guard let index = header.fields.firstIndex(of: name), index < row.fields.count else { return nil }
                let value = row.fields[index].trimmingCharacters(in: .whitespaces)
                return value.isEmpty ? nil : value
            }
            func error(_ message: String) {
                document.diagnostics.append(SiteFileDiagnostic(file: file, line: row.line, message: message))
            }
            if row.fields.count != header.fields.count {
                error("expected \(header.fields.count) fields, found \(row.fields.count)")
                continue
            }
            guard let id = field("id") else {
                error("missing id")
                continue
            }
            let location = EntityLocation(file: file, line: row.line, fieldLines: [:])
            if known.insert(id).inserted {
                func parsed<Value: RawRepresentable>(_ name: String, _ fallback: Value) -> Value
                where Value.RawValue == String {
                    guard let text = field(name) else { return fallback }
                    guard let value = Value(rawValue: text) else {
                        error("\(name) \"\(text)\" is not valid")
                        return fallback
                    }
                    return value
                }
                let responder = field("responder").map { ["true", "yes", "1"].contains($0.lowercased()) } ?? false
                document.model.people.append(Person(id: id, displayName: field("displayName") ?? id,
                    departmentId: field("departmentId"), kind: parsed("kind", PersonKind.staff),
                    status: parsed("status", PersonStatus.active), responder: responder, pinHash: field("pinHash")))
                document.locations[.people, default: []].append(location)
            }
            guard let cardId = field("cardId") else { continue }
            let type = field("cardType") ?? (field("fingerprint") == nil ? "uid" : "piv")
            let identifier: CredentialIdentifier?
            switch type {
            case "uid": identifier = field("uid").flatMap { CredentialIdentifier.uid(hex: $0) }
            case "piv":
                identifier = field("fingerprint").flatMap {
                    CredentialIdentifier.piv(fingerprintHex: $0,
                        guidHex: field("guid") ?? String(repeating: "0", count: 32))
                }
            default: identifier = nil
            }
            guard let identifier else {
                error("card \"\(cardId)\": needs cardType uid with uid hex, or piv with a 32-byte fingerprint")
                continue
            }
            let status = field("cardStatus").flatMap(CredentialStatus.init(rawValue:))
            if let text = field("cardStatus"), status == nil { error("cardStatus \"\(text)\" is not valid") }
            var validity = ValidityWindow()
            for (name, isStart) in [("validFrom", true), ("validUntil", false)] {
                guard let text = field(name) else { continue }
                guard let date = SiteTime.parse(text, timeZone: document.model.timeZone) else {
                    error("\(name) \"\(text)\" is not a date")
                    continue
                }
                if isStart { validity.from = date } else { validity.until = date }
            }
            document.model.credentials.append(Credential(id: cardId, personId: id, identifier: identifier,
                status: status ?? .active, validity: validity))
            document.locations[.credentials, default: []].append(location)
        }
        return document
    }

    /// Splits CSV text into records of fields, each with the line it starts on.
    static func records(_ text: String) -> [(line: Int, fields: [String])] {
        var records: [(Int, [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var recordLine = 1
        var iterator = text.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"": quoted = true
            case ",":
                fields.append(field)
                field = ""
            case "\n", "\r\n":
                fields.append(field)
                records.append((recordLine, fields))
                fields = []
                field = ""
                line += 1
                recordLine = line
            default: field.append(character)
            }
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            records.append((recordLine, fields))
        }
        return records
    }
}
