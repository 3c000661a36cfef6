import Digests

/// The history table: which versions are applied, with their checksums. The SQL is per dialect;
/// the table's name is checked to be a plain identifier before it goes into any.
///
/// The default name is ours, `staging_refresh_schema_history` (as Flyway chose
/// `flyway_schema_history`): Rails, golang-migrate and Ecto all keep a `schema_migrations` of their
/// own, which a restored production database brings along.
struct HistoryTable {
    static let defaultName = "staging_refresh_schema_history"
    /// This project's default before: still read when it has our columns and the new one is absent.
    static let formerDefaultName = "schema_migrations"
    /// What makes a table ours: exactly these columns.
    static let columns: Set<String> = ["version", "description", "checksum", "applied_at", "execution_ms", "success"]

    let name: String
    let dialect: SQLDialect
    /// Schema (PostgreSQL) or database (MySQL) the table lives in: a migration may change
    /// search_path (pg_dump output empties it), so the runner's own statements name it in full.
    var qualifier: String?

    var qualifiedName: String {
        guard let qualifier else { return name }
        switch dialect {
        case .postgres: return "\"\(qualifier.replacing("\"", with: "\"\""))\".\(name)"
        case .mysql: return "`\(qualifier.replacing("`", with: "``"))`.\(name)"
        }
    }

    /// Asks the database where unqualified names go right now, before any migration runs.
    var currentSchemaSQL: String {
        dialect == .postgres ? "SELECT current_schema()" : "SELECT DATABASE()"
    }

    /// One row. `version` is the migration's key (Migration.key).
    struct Row: Equatable {
        let version: String
        let description: String
        let checksum: String
        let success: Bool

        /// The row a baseline writes: versions up to it count as applied without running.
        var isBaseline: Bool { description == HistoryTable.baselineDescription }
    }

    static let baselineDescription = "<< Baseline >>"
    static let baselineChecksum = String(repeating: "0", count: 64)

    init(name: String, dialect: SQLDialect) throws(MigrationError) {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, !(0x30...0x39).contains(first), bytes.count <= 63,
              bytes.allSatisfy({ SQLSource.isIdentifierPart($0) && $0 < 0x80 && $0 != UInt8(ascii: "$") }) else {
            throw .badTableName(name)
        }
        self.name = name
        self.dialect = dialect
    }

    var createSQL: String {
        switch dialect {
        case .postgres:
            return "CREATE TABLE IF NOT EXISTS \(qualifiedName) (version text PRIMARY KEY, description text NOT NULL, checksum char(64) NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), execution_ms bigint NOT NULL, success boolean NOT NULL)"
        case .mysql:
            return "CREATE TABLE IF NOT EXISTS \(qualifiedName) (version varchar(64) PRIMARY KEY, description varchar(255) NOT NULL, checksum char(64) NOT NULL, applied_at timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), execution_ms bigint NOT NULL, success boolean NOT NULL)"
        }
    }

    /// The columns of a table of this name where the history lives (none: no such table).
    var columnsSQL: String {
        "SELECT column_name FROM information_schema.columns WHERE table_schema = :schema AND table_name = :name"
    }

    var selectSQL: String { "SELECT version, checksum, success, description FROM \(qualifiedName)" }
    var selectOneSQL: String { "SELECT version, checksum, success, description FROM \(qualifiedName) WHERE version = :version" }

    func insertSQL(success: Bool) -> String {
        "INSERT INTO \(qualifiedName) (version, description, checksum, execution_ms, success) VALUES (:version, :description, :checksum, :ms, \(success ? "true" : "false"))"
    }

    var markSucceededSQL: String { "UPDATE \(qualifiedName) SET success = true, execution_ms = :ms WHERE version = :version" }
    /// A repeatable's row makes way for its new checksum; only the row as it was read, so of two
    /// runners only one replaces it.
    var deleteOutdatedSQL: String { "DELETE FROM \(qualifiedName) WHERE version = :version AND checksum = :previous" }
    /// repair: a failed row goes, so the file runs again.
    var deleteFailedSQL: String { "DELETE FROM \(qualifiedName) WHERE version = :version AND success = false" }
    /// repair: the recorded checksum becomes the file's.
    var realignSQL: String { "UPDATE \(qualifiedName) SET checksum = :checksum WHERE version = :version" }

    /// PostgreSQL: one advisory lock per history table, taken inside each file's transaction.
    var lockSQL: String {
        let key = SHA256.hash(Array("staging-refresh:\(name)".utf8)).prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return "SELECT pg_advisory_xact_lock(\(Int64(bitPattern: key)))"
    }

    static func rows(_ records: [[SQLValue]]) -> [Row] {
        records.compactMap { record in
            guard record.count == 4, let version = record[0].text, let checksum = record[1].text else { return nil }
            return Row(version: version, description: record[3].text ?? "", checksum: checksum, success: record[2].isTrue)
        }
    }
}
