/// Why sanitization refused to start or stopped. Each names the table and column a person has to
/// look at, and what to change.
public enum SanitizeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// masking.json cannot be read or says something impossible.
    case spec(String)
    /// The spec does not fit the database: every problem found, one per line.
    case plan([String])
    /// Personal-looking columns the spec does not mention (deny by default).
    case unlisted([String])
    /// A masked column still holds a sampled original value after its chunk was masked.
    case verificationFailed(table: String, column: String, survivors: Int)
    case rowCountChanged(table: String, before: Int64, after: Int64)
    case foreignKeyBroken(constraint: String, child: String, parent: String, orphans: Int64)
    /// The database refused a statement; `context` says which table or step.
    case database(context: String, message: String)

    public var description: String {
        switch self {
        case .spec(let problem):
            return "masking spec: \(problem)"
        case .plan(let problems):
            return "the masking spec does not fit the database:\n- " + problems.joined(separator: "\n- ")
        case .unlisted(let columns):
            return "columns that look personal are not in the masking spec (deny by default): \(columns.joined(separator: ", ")). "
                + "Give each a strategy in masking.json, or \"keep\" when it holds nothing personal; nothing was masked"
        case .verificationFailed(let table, let column, let survivors):
            return "verification failed for \(table).\(column): \(survivors) sampled original value\(survivors == 1 ? "" : "s") "
                + "survived masking (its strategy returns the input for them); the chunk was rolled back, and the database stays closed"
        case .rowCountChanged(let table, let before, let after):
            return "\(table) had \(before) rows before masking and has \(after) after; something else writes to the staging database"
        case .foreignKeyBroken(let constraint, let child, let parent, let orphans):
            return "foreign key \(constraint) no longer holds after masking: \(orphans) row\(orphans == 1 ? "" : "s") of \(child) "
                + "match no \(parent); mask both columns with the same strategy"
        case .database(let context, let message):
            return "\(context): \(message)"
        }
    }
}
