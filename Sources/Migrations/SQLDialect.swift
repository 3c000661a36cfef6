/// The SQL dialects a migration can be written in; each has its own lexical rules for where a
/// statement ends (Flyway's split: one parser per dialect).
public enum SQLDialect: String, Sendable, CaseIterable {
    case postgres
    case mysql

    /// The Data API refuses `sql` longer than this.
    public static let statementCharacterLimit = 65_536

    public func split(_ text: String, file: String) throws(SQLSplitError) -> [SQLStatement] {
        var source = SQLSource(text, file: file)
        switch self {
        case .postgres: return try PostgresSplitter.split(&source)
        case .mysql: return try MySQLSplitter.split(&source)
        }
    }
}
