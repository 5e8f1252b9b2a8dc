import AccessStore
import Foundation
import Hummingbird

/// The administration endpoints of the policy model: for each of `/v1/departments`, `/v1/people`, `/v1/cards`,
/// `/v1/zones`, `/v1/doors`, `/v1/schedules`, `/v1/holidays` and `/v1/access-levels`, a list (`GET`, with
/// `limit`, `cursor` and filters), one resource (`GET /{id}`), create (`POST`, 201 with `Location`), change
/// (`PATCH /{id}`, a JSON merge patch) and delete (`DELETE /{id}`, 409 while referenced); the card state changes;
/// and `PUT /v1/site`.
///
/// Administrators write; security staff and auditors read. Every change is validated against the whole model,
/// written with its `admin_change` event in one transaction, and answered once the policy in force has it.
extension GateRoutes {
    func registerAdministration(on group: RouterGroup<GateRequestContext>) {
        let admin = Administration(services: services)
        registerResource(DepartmentResource.self, parameter: "departmentId", admin: admin, on: group)
        registerResource(PersonResource.self, parameter: "personId", admin: admin, on: group)
        registerResource(CardResource.self, parameter: "cardId", admin: admin, on: group)
        registerResource(ZoneResource.self, parameter: "zoneId", admin: admin, on: group)
        registerResource(DoorResource.self, parameter: "doorId", admin: admin, on: group)
        registerResource(ScheduleResource.self, parameter: "scheduleId", admin: admin, on: group)
        registerResource(HolidayResource.self, parameter: "holidayId", admin: admin, on: group)
        registerResource(AccessLevelResource.self, parameter: "accessLevelId", admin: admin, on: group)
        registerCardActions(admin: admin, on: group)
        group.put("site") { request, context in try await applySite(request, context, admin: admin) }
    }

    private func registerResource<Resource: AdminResource>(
        _ type: Resource.Type, parameter: String, admin: Administration, on group: RouterGroup<GateRequestContext>
    ) {
        let one = RouterPath("\(Resource.path)/:\(parameter)")
        group.get(RouterPath(Resource.path)) { request, context in
            try await listResources(Resource.self, request, context, admin: admin)
        }
        group.post(RouterPath(Resource.path)) { request, context in
            try await createResource(Resource.self, request, context, admin: admin)
        }
        group.get(one) { request, context in
            _ = try await require(RoleSet.readers, request, context)
            let id = try Self.pathId(parameter, context)
            return try JSONResponse.make(.ok, try await Self.stored(Resource.self, id: id, admin: admin).resource)
        }
        group.patch(one) { request, context in
            try await patchResource(Resource.self, parameter: parameter, request, context, admin: admin)
        }
        group.delete(one) { request, context in
            let caller = try await require(RoleSet.administrators, request, context)
            let id = try Self.pathId(parameter, context)
            let (_, inForce) = try await admin.apply(AdminEdit(.delete(Resource.collection, id: id)), caller: caller)
            return Administration.marked(Response(status: .noContent), inForce: inForce)
        }
    }

    /// `GET /v1/<collection>?limit&cursor&<filters>` → `{items, nextCursor}` in id order.
    func listResources<Resource: AdminResource>(
        _ type: Resource.Type, _ request: Request, _ context: GateRequestContext, admin: Administration
    ) async throws -> Response {
        _ = try await require(RoleSet.readers, request, context)
        var limit = 50
        var cursor: String?
        var filters: [AdminCatalog.Filter: String] = [:]
        let supported = AdminCatalog.supported(by: Resource.collection)
        for (key, value) in request.uri.queryParameters {
            let key = String(key)
            let value = String(value)
            switch key {
            case "limit":
                guard let number = Int(value), (1...AdminCatalog.maximumLimit).contains(number) else {
                    throw APIProblem.badRequest("limit must be an integer from 1 to \(AdminCatalog.maximumLimit)",
                        code: "invalid-query")
                }
                limit = number
            case "cursor":
                guard Self.isValidId(value) else {
                    throw APIProblem.badRequest("cursor must be a nextCursor from an earlier page",
                        code: "invalid-query")
                }
                cursor = value
            default:
                guard let filter = AdminCatalog.Filter(rawValue: key), supported.contains(filter) else {
                    let names = (["limit", "cursor"] + supported.map(\.rawValue)).joined(separator: ", ")
                    throw APIProblem.badRequest(
                        "unknown query parameter '\(key.prefix(64))' (this list takes \(names))", code: "invalid-query")
                }
                if let choices = Resource.filterChoices[filter] {
                    guard choices.contains(value) else {
                        throw APIProblem.badRequest("\(key) must be one of \(choices.joined(separator: ", "))",
                            code: "invalid-query")
                    }
                } else if !Self.isValidId(value) {
                    throw APIProblem.badRequest("\(key) must be an id", code: "invalid-query")
                }
                filters[filter] = value
            }
        }
        let page: AdminCatalog.Page
        do {
            page = try await admin.catalog.page(Resource.collection, filters: filters, after: cursor, limit: limit)
        } catch {
            throw APIProblem.unavailable("the store cannot be read: \(error.code)", code: "store-unavailable")
        }
        return try JSONResponse.make(.ok,
            ResourcePage(items: try page.entities.map(Resource.init(entity:)), nextCursor: page.nextCursor))
    }

    /// `POST /v1/<collection>` → 201 with the resource and its `Location`; the id is generated when absent.
    func createResource<Resource: AdminResource>(
        _ type: Resource.Type, _ request: Request, _ context: GateRequestContext, admin: Administration
    ) async throws -> Response {
        let caller = try await require(RoleSet.administrators, request, context)
        var resource = try await JSONBody.decode(Resource.self, request: request,
            limit: services.configuration.maximumBodySize,
            within: services.configuration.requestBodyTimeout)
        if resource.id.isEmpty { resource.id = Resource.generateId() }
        let entity = try resource.entity(previous: nil)
        let fields = try Self.changedFields(from: nil, to: try Resource(entity: entity))
        let (result, inForce) = try await admin.apply(AdminEdit(.create(entity), fields: fields), caller: caller)
        let stored = try Resource(entity: result.entity ?? entity)
        var response = Administration.marked(try JSONResponse.make(.created, stored), inForce: inForce)
        response.headers[.location] = "/v1/\(Resource.path)/\(stored.id)"
        return response
    }

    /// `PATCH /v1/<collection>/{id}` with a JSON merge patch (RFC 7396): the fields given change, `null` clears an
    /// optional field, unknown fields are refused; → 200 with the resource.
    func patchResource<Resource: AdminResource>(
        _ type: Resource.Type, parameter: String, _ request: Request, _ context: GateRequestContext,
        admin: Administration
    ) async throws -> Response {
        let caller = try await require(RoleSet.administrators, request, context)
        let id = try Self.pathId(parameter, context)
        let buffer = try await JSONBody.bytes(of: request, limit: services.configuration.maximumBodySize,
            within: services.configuration.requestBodyTimeout)
        guard case .object(let changes) = try JSONBody.decode(JSONValue.self, from: buffer).get() else {
            throw APIProblem.badRequest("a PATCH body is a JSON object of the fields to change", code: "invalid-body")
        }
        if let newId = changes["id"], newId != .string(id) {
            throw APIProblem.badRequest("id cannot be changed", code: "invalid-body")
        }
        let (previous, current) = try await Self.stored(Resource.self, id: id, admin: admin)
        let merged = try current.jsonValue.merged(with: .object(changes))
        let resource = try JSONBody.decode(Resource.self, from: ByteBuffer(bytes: try JSONEncoder().encode(merged)))
            .get()
        let entity = try resource.entity(previous: previous)
        let updated = try Resource(entity: entity)
        if let card = updated as? CardResource, let old = current as? CardResource, card.status != old.status {
            throw APIProblem.badRequest(
                "a card's status changes through POST /v1/cards/{id}/suspend, reactivate, revoke or report-lost",
                code: "invalid-body")
        }
        let fields = try Self.changedFields(from: current, to: updated)
        guard !fields.isEmpty || entity.normalized != previous.normalized else {
            return Administration.marked(try JSONResponse.make(.ok, current), inForce: await admin.storeModelInForce())
        }
        let (result, inForce) = try await admin.apply(AdminEdit(.update(entity, previous: previous), fields: fields),
            caller: caller)
        return Administration.marked(try JSONResponse.make(.ok, try Resource(entity: result.entity ?? entity)),
            inForce: inForce)
    }

    /// The stored entity `id` and its resource; 404 when there is none.
    static func stored<Resource: AdminResource>(
        _ type: Resource.Type, id: String, admin: Administration
    ) async throws -> (entity: AdminEntity, resource: Resource) {
        let entity: AdminEntity?
        do {
            entity = try await admin.catalog.entity(Resource.collection, id: id)
        } catch {
            throw APIProblem.unavailable("the store cannot be read: \(error.code)", code: "store-unavailable")
        }
        guard let entity else {
            throw APIProblem.notFound(AdminEditError.notFound(Resource.collection, id: id).description)
        }
        return (entity, try Resource(entity: entity))
    }

    /// The API fields whose values differ between two versions of a resource (all fields for a new one).
    static func changedFields<Resource: AdminResource>(from old: Resource?, to new: Resource) throws -> [String] {
        guard case .object(let after) = try new.jsonValue else { return [] }
        var before: [String: JSONValue] = [:]
        if let old, case .object(let object) = try old.jsonValue { before = object }
        return Set(before.keys).union(after.keys).filter { before[$0] != after[$0] && $0 != "id" }.sorted()
    }
}

/// `{items, nextCursor}`; `nextCursor` is null on the last page.
struct ResourcePage<Item: Encodable>: Encodable {
    var items: [Item]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey { case items, nextCursor }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}
