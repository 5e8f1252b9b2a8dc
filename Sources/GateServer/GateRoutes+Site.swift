import AccessPolicy
import AccessStore
import Foundation
import Hummingbird
import SiteFile
import Yams

/// `PUT /v1/site`: applies a declarative site file, the YAML (or JSON) that `cardgate site apply` reads.
extension GateRoutes {
    /// The largest site file accepted (a people file of a large site runs to megabytes).
    static let maximumSiteFileSize = 32 * 1024 * 1024

    /// Applies the body as a site file, all or nothing, through ``SiteApplier``: the departments, zones, doors,
    /// schedules, holidays and access levels become the file's (missing ones are removed), and with a `people`
    /// or `credentials` section the people and cards too; the time zone when the file sets one. → 200 with the
    /// report; 422 with every error, each naming its line or record, and nothing changed.
    func applySite(_ request: Request, _ context: GateRequestContext, admin: Administration) async throws
        -> Response
    {
        let caller = try await require(RoleSet.administrators, request, context)
        let buffer = try await JSONBody.bytes(of: request, limit: Self.maximumSiteFileSize,
            within: services.configuration.requestBodyTimeout, accepts: JSONBody.isJSONOrYAML)
        guard buffer.readableBytes > 0 else { throw APIProblem.badRequest("the request body is empty") }
        guard let text = String(bytes: Array(buffer.readableBytesView), encoding: .utf8) else {
            throw APIProblem.badRequest("the site file is not UTF-8 text", code: "invalid-body")
        }
        let document = SiteFile.parse(SiteFile.Source(name: "site", text: text, format: .yaml))
        guard document.diagnostics.isEmpty else {
            let errors = document.diagnostics.sorted().map(\.description)
            throw APIProblem(.unprocessableContent, code: "invalid-site",
                detail: "the site file has \(errors.count) error(s): " + errors.prefix(5).joined(separator: "; "),
                extensions: ["errors": .strings(errors)])
        }
        var scope = SiteApplyScope.site
        if !Self.topLevelKeys(of: text).isDisjoint(with: ["people", "credentials", "cards"]) {
            scope = scope.union(.people)
        }
        scope.timeZone = document.setsTimeZone
        let report: SiteApplyReport
        do {
            report = try await services.store.apply(document.model, scope: scope, actor: caller.tokenId,
                journal: admin.editor.journal)
        } catch {
            throw Self.problem(error)
        }
        admin.recorder.announce(report.event)
        // Checked even when the file changed nothing: an earlier apply of the same file may not have come into force
        // (its rebuild failed or ran late), and a daemon on static site files never follows the store.
        let inForce = await admin.storeModelInForce()
        func counts(_ values: [SiteCollection: Int]) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: values.map { ($0.key.rawValue, $0.value) })
        }
        return Administration.marked(
            try JSONResponse.make(.ok, SiteApplyAnswer(added: counts(report.added), changed: counts(report.changed),
                removed: counts(report.removed), timeZoneChanged: report.timeZoneChanged, summary: report.summary,
                eventId: String(report.event.sequence))),
            inForce: inForce)
    }

    /// The keys of the document's top-level mapping (empty when it is not one).
    static func topLevelKeys(of text: String) -> Set<String> {
        guard let root = try? Yams.compose(yaml: text), let mapping = root.mapping else { return [] }
        return Set(mapping.keys.compactMap(\.string))
    }

    /// The problem of a refused apply: every record at fault, or the store's failure.
    static func problem(_ error: SiteApplyError) -> APIProblem {
        guard error.problems.isEmpty else {
            let errors = error.problems.map(\.description)
            return APIProblem(.unprocessableContent, code: "invalid-site",
                detail: "the site cannot be applied, nothing was changed: " + errors.prefix(5).joined(separator: "; "),
                extensions: ["errors": .strings(errors)])
        }
        guard let storeError = error.storeError else {
            return .unavailable("the site could not be applied", code: "store-unavailable")
        }
        if storeError.code == .constraintViolated || storeError.code == .invalidInput {
            return APIProblem(.unprocessableContent, code: "refused-by-store",
                detail: "the store refused the site, nothing was changed: \(storeError.message)")
        }
        return .unavailable("the store cannot be written: \(storeError.code)", code: "store-unavailable")
    }
}

/// The answer of `PUT /v1/site`: counts per collection, whether the time zone changed, a one-line summary and the
/// journal event of the apply.
struct SiteApplyAnswer: Encodable {
    var added: [String: Int]
    var changed: [String: Int]
    var removed: [String: Int]
    var timeZoneChanged: Bool
    var summary: String
    var eventId: String
}
