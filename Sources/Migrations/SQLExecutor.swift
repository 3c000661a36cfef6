/// What the runner needs of a database: one statement at a time, in a transaction or not
/// (golang-migrate's "driver" side). The RDS Data API is one; the runner knows nothing of it.
public protocol SQLExecutor {
    /// Runs one statement; returns its rows. `ddl` marks statements that may run long (the Data
    /// API then lets them finish after its call timeout).
    func execute(_ sql: String, _ parameters: [(name: String, value: SQLValue)], transaction: String?, ddl: Bool) throws -> [[SQLValue]]
    func begin() throws -> String
    func commit(_ transaction: String) throws
    func rollback(_ transaction: String) throws
}

public enum SQLValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case text(String)
    case boolean(Bool)
    case real(Double)

    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// MySQL's BOOLEAN is TINYINT(1), so a flag may come back as a number.
    public var isTrue: Bool {
        switch self {
        case .boolean(let value): return value
        case .integer(let value): return value != 0
        case .text(let value): return value == "1" || value == "t" || value == "true"
        default: return false
        }
    }
}
