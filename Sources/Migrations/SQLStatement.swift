/// One statement of a migration file, as the database will receive it: no terminator, no leading
/// comments, and the 1-based line of the file it starts on (what an error message points to).
public struct SQLStatement: Equatable, Sendable {
    public let text: String
    public let line: Int

    public init(text: String, line: Int) {
        self.text = text
        self.line = line
    }
}
