/// Input quoted in an error message or log line, cut to a few hundred characters: an event can
/// hold megabytes, and an error that repeats all of it is unreadable and fills the log.
public enum QuotedInput {
    public static let limit = 200

    /// `'text'`, or `'first 200 characters…' (5000000 characters)` for longer input.
    public static func quote(_ text: some StringProtocol, limit: Int = QuotedInput.limit) -> String {
        var count = 0
        var end = text.startIndex
        while end < text.endIndex, count < limit {
            end = text.index(after: end)
            count += 1
        }
        guard end < text.endIndex else { return "'\(text)'" }
        return "'\(text[..<end])…' (\(text.count) characters)"
    }
}
