/// Deny by default: which columns look personal by their name or type. A spec must give every such
/// column a strategy (or `keep`), so a column added to production after the spec was written fails
/// the refresh instead of reaching staging unmasked.
public struct PersonalColumns: Sendable, Equatable {
    /// Case-insensitive regular expressions, matched anywhere in a column's name.
    public static let defaultPatterns = [
        "e_?mail", "phone", "mobile", "(^|_)fax($|_)",
        "(first|last|middle|full|sur|user|maiden|given|family|display|nick|contact|customer|account_holder)_?name", "^name$",
        "address", "street", "(^|_)(zip|postal|postcode)(_?code)?($|_)", "birth", "(^|_)dob($|_)",
        "ssn", "social_security", "passport", "national_id", "tax_id", "(^|_)ip($|_)", "ip_?addr",
        "token", "passw", "(^|_)pwd($|_)", "secret", "iban", "card_number", "(^|_)lat(itude)?($|_)", "(^|_)lon(g|gitude)?($|_)",
    ]
    /// Column types that hold addresses of people's machines.
    public static let personalTypes: Set<String> = ["inet", "cidr", "macaddr", "macaddr8"]

    public let patterns: [String]
    // Regex is not Sendable; the compiled forms are rebuilt from `patterns` where they are used.

    public init() {
        patterns = Self.defaultPatterns
    }

    public init(patterns: [String]) throws(SanitizeError) {
        for pattern in patterns {
            do {
                _ = try Regex(pattern)
            } catch {
                throw .spec("personalPatterns: \"\(pattern)\" is not a regular expression (\(error))")
            }
        }
        self.patterns = patterns
    }

    /// The pattern (or type) that makes `column` look personal; nil when nothing does.
    public func reason(column: String, type: String) -> String? {
        if Self.personalTypes.contains(type.lowercased()) { return "type \(type)" }
        let name = column.lowercased()
        for pattern in patterns {
            guard let regex = try? Regex(pattern).ignoresCase() else { continue }
            if name.contains(regex) { return "name matches /\(pattern)/" }
        }
        return nil
    }
}
