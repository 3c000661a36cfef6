/// The version of `V1.2.10__x.sql`: dot- or underscore-separated numbers, compared as numbers
/// (1.10 after 1.9) with trailing zeros ignored (1.0 is 1), as Flyway does.
public struct MigrationVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// The parts without trailing zeros: the identity used for order and duplicates.
    let parts: [UInt64]
    /// As the author wrote it, with `_` shown as `.`.
    public let description: String

    /// nil unless `text` is numbers separated by single `.` or `_`.
    public init?(_ text: Substring) {
        let pieces = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "." || $0 == "_" })
        var parts: [UInt64] = []
        for piece in pieces {
            guard !piece.isEmpty, piece.allSatisfy({ $0.isASCII && $0.isNumber }), let number = UInt64(piece) else { return nil }
            parts.append(number)
        }
        while parts.count > 1, parts.last == 0 { parts.removeLast() }
        self.parts = parts
        description = pieces.joined(separator: ".")
    }

    public static func < (a: MigrationVersion, b: MigrationVersion) -> Bool {
        a.parts.lexicographicallyPrecedes(b.parts)
    }

    public static func == (a: MigrationVersion, b: MigrationVersion) -> Bool { a.parts == b.parts }
    public func hash(into hasher: inout Hasher) { hasher.combine(parts) }
}
