import AccessStore
import ArgumentParser
import Foundation

/// Text the journal commands print.
enum JournalReport {
    static func describe(_ result: JournalVerification) -> String {
        if let damage = result.damage {
            var text = "journal DAMAGED: \(damage.kind.rawValue) at sequence \(damage.sequence)"
            if let through = damage.throughSequence { text += " through \(through)" }
            return text + ": \(damage.detail)\n(\(result.eventsChecked) events checked before the damage)"
        }
        let range = result.firstSequence.map { "\($0)...\(result.lastSequence ?? $0)" } ?? "none"
        let anchor = result.anchorSequence.map { ", anchored at \($0)" } ?? ""
        let trust = result.keyTrust == .suppliedKeys ? "supplied keys" : "keys recorded in the database"
        let witness = result.witnessedCheckpoints > 0
            ? ", all \(result.witnessedCheckpoints) witnessed checkpoints present" : ", no witness"
        return """
            journal intact: \(result.eventsChecked) events (\(range))\(anchor), \
            \(result.checkpointsChecked) checkpoints checked against \(trust), \
            \(result.unsignedEvents) events after the last checkpoint\(witness)
            """
    }

    /// Prints the error and exits with status 1.
    static func fail(_ error: any Error) -> Never {
        let text: String
        switch error {
        case let error as AccessStoreError: text = "\(error.code): \(error.message)"
        case let error as ExitCode: exit(error.rawValue)
        default: text = String(describing: error)
        }
        FileHandle.standardError.write(Data("cardgate: \(text)\n".utf8))
        exit(1)
    }
}

/// Parses the times `journal export` accepts.
enum JournalTime {
    /// UTC milliseconds for an ISO 8601 date-time with offset, or a date at midnight in `timeZone`.
    static func parse(_ text: String, timeZone: String) -> Int64? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = ISO8601DateFormatter().date(from: text) ?? withFraction.date(from: text) {
            return Int64((date.timeIntervalSince1970 * 1000).rounded())
        }
        let dateOnly = DateFormatter()
        dateOnly.locale = Locale(identifier: "en_US_POSIX")
        dateOnly.calendar = Calendar(identifier: .gregorian)
        dateOnly.timeZone = TimeZone(identifier: timeZone)
        dateOnly.dateFormat = "yyyy-MM-dd"
        guard text.count == 10, let date = dateOnly.date(from: text) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
