import AccessPolicy
import ArgumentParser
import Foundation
import SiteFile

/// Reads site and people files for the site commands, printing every error (`FILE:LINE: message`) to standard
/// error and exiting with status 1 when there is any.
enum SiteFiles {
    static func load(_ paths: [String]) throws -> SiteModel {
        var sources: [SiteFile.Source] = []
        for path in paths {
            do {
                sources.append(SiteFile.Source(name: path, text: try String(contentsOfFile: path, encoding: .utf8)))
            } catch {
                printError("\(path): cannot read: \(error.localizedDescription)")
                throw ExitCode.failure
            }
        }
        do {
            return try SiteFile.load(sources)
        } catch {
            for diagnostic in error.diagnostics { printError(diagnostic.description) }
            printError("\(error.diagnostics.count) error" + (error.diagnostics.count == 1 ? "" : "s"))
            throw ExitCode.failure
        }
    }

    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
