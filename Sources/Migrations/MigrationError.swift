/// Why a migration run stopped. Each case carries what an operator needs to act.
public enum MigrationError: Error, Sendable, CustomStringConvertible {
    case badTableName(String)
    /// The named history table exists with columns that are not ours: another tool's table.
    case foreignTable(table: String, columns: [String])
    case checksumChanged(file: String, version: String)
    /// MySQL only: a file started and did not finish, so its DDL may be half applied.
    case dirty(version: String, table: String)
    case statementFailed(file: String, line: Int, message: String)
    case outOfTime(applied: Int, total: Int)

    public var description: String {
        switch self {
        case let .badTableName(name):
            return "MIGRATIONS_TABLE '\(name)' is not a plain SQL identifier; use letters, digits and _, e.g. \(HistoryTable.defaultName)"
        case let .foreignTable(table, columns):
            return "the history table \(table) exists with other columns (\(columns.joined(separator: ", "))): it is another tool's table "
                + "(Rails, golang-migrate and Ecto keep one named schema_migrations) and is left as it is. Set MIGRATIONS_TABLE "
                + "(the custom resource's MigrationsTable) to a name of this project's own, e.g. \(HistoryTable.defaultName); nothing was run"
        case let .checksumChanged(file, version):
            return "\(file) was changed after V\(version) was applied (its SHA-256 differs from the recorded one); restore the applied file and put the change in a new version"
        case let .dirty(version, table):
            return "V\(version) started but did not finish (\(table).success is false), and MySQL cannot roll DDL back. If another run is applying it right now, let that run finish and run again. Otherwise check what of it was applied and undo or complete it by hand, then run DELETE FROM \(table) WHERE version = '\(version)' and run again"
        case let .statementFailed(file, line, message):
            return "\(file):\(line): \(message)"
        case let .outOfTime(applied, total):
            return "applied \(applied) of \(total) before the deadline; the next Update continues"
        }
    }
}
