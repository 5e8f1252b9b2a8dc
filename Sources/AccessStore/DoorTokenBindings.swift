import GRDB

/// Which controller tokens in use are bound to a door: a door they name cannot be removed until they are revoked,
/// by an administrative delete or by a site apply.
enum DoorTokenBindings {
    /// The ids of the tokens not revoked that are bound to `doorId`, in order.
    static func activeTokens(boundTo doorId: String, in db: Database) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT t.id FROM token_door d JOIN token t ON t.id = d.token_id
            WHERE d.door_id = ? AND t.revoked_ms IS NULL ORDER BY t.id
            """, arguments: [doorId])
    }
}
