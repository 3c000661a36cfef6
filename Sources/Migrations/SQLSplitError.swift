/// Why a migration file cannot be split into statements. Each case names the file and line so the
/// author can go straight to it.
public enum SQLSplitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A quote, quoted identifier, comment or dollar-quoted body still open at the end of the file.
    case unterminated(what: String, file: String, line: Int)
    /// The RDS Data API takes at most `limit` characters per statement.
    case statementTooLong(file: String, line: Int, length: Int, limit: Int)
    /// A `DELIMITER` directive without a delimiter after it.
    case emptyDelimiter(file: String, line: Int)
    /// A psql meta-command (`\connect`, `\i`, …): the Data API runs SQL, not psql.
    case metaCommand(name: String, file: String, line: Int)
    /// `COPY … FROM stdin` with its data inline, as pg_dump writes data dumps.
    case copyFromStdin(file: String, line: Int)

    public var description: String {
        switch self {
        case let .unterminated(what, file, line):
            return "\(file):\(line): \(what) is never closed; close it, or check the quotes before it"
        case let .statementTooLong(file, line, length, limit):
            return "\(file):\(line): statement of \(length) characters is over the Data API's limit of \(limit); split it into smaller statements"
        case let .emptyDelimiter(file, line):
            return "\(file):\(line): DELIMITER needs a delimiter after it, e.g. DELIMITER //"
        case let .metaCommand(name, file, line):
            return "\(file):\(line): \\\(name) is a psql meta-command, and the Data API runs SQL, not psql; remove it or write it as SQL"
        case let .copyFromStdin(file, line):
            return "\(file):\(line): COPY … FROM stdin carries its data inline, which only psql can send; dump the data with pg_dump --inserts"
        }
    }
}
