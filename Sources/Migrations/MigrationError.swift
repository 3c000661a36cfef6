/// Why a migration run stopped. Each case carries what an operator needs to act.
public enum MigrationError: Error, Sendable, CustomStringConvertible {
    case badTableName(String)
    case checksumChanged(file: String, version: String)
    /// MySQL only: a file started and did not finish, so its DDL may be half applied.
    case dirty(version: String, table: String)
    case statementFailed(file: String, line: Int, message: String)
    case outOfTime(applied: Int, total: Int)

    public var description: String {
        switch self {
        case let .badTableName(name):
            return "MIGRATIONS_TABLE '\(name)' is not a plain SQL identifier; use letters, digits and _, e.g. schema_migrations"
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
