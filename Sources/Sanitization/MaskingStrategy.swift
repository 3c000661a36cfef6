/// What happens to one column's values. Every strategy but `sql` and `keep` is computed inside the
/// database from a keyed HMAC of the value, so the same input gives the same output in every table
/// of one refresh (joins on masked columns still match), and no value leaves the database.
public enum MaskingStrategy: Sendable, Equatable, CustomStringConvertible {
    /// `user<16 hex>@example.invalid`: unique as the input is (64 bits of the HMAC).
    case email
    /// "First Last" from fixed lists.
    case name
    /// `+1-NXX-555-01NN`, a fictional NANP number.
    case phone
    /// "<number> <street> <suffix>" from fixed lists.
    case address
    /// Lorem ipsum of the value's own length.
    case text
    case null
    case fixed(String)
    /// Hex of the keyed HMAC, cut to the column's length (16 characters at least).
    case hash
    case keep
    /// An SQL expression of the row, taken as written.
    case sql(String)

    public init(_ text: String) throws(SanitizeError) {
        switch text {
        case "email": self = .email
        case "name": self = .name
        case "phone": self = .phone
        case "address": self = .address
        case "text": self = .text
        case "null": self = .null
        case "hash": self = .hash
        case "keep": self = .keep
        default:
            if text.hasPrefix("fixed:") {
                self = .fixed(String(text.dropFirst("fixed:".count)))
            } else if text.hasPrefix("sql:"), !text.dropFirst(4).allSatisfy(\.isWhitespace) {
                self = .sql(String(text.dropFirst("sql:".count)))
            } else {
                throw .spec("unknown strategy \"\(text)\"; use email, name, phone, address, text, null, fixed:<value>, hash, keep or sql:<expression>")
            }
        }
    }

    public var description: String {
        switch self {
        case .email: "email"
        case .name: "name"
        case .phone: "phone"
        case .address: "address"
        case .text: "text"
        case .null: "null"
        case .fixed(let value): "fixed:\(value)"
        case .hash: "hash"
        case .keep: "keep"
        case .sql(let expression): "sql:\(expression)"
        }
    }

    /// Whether it changes the column at all.
    public var masks: Bool { self != .keep }

    /// Strategies whose output is a string made from the value, for string columns only.
    var needsStringColumn: Bool {
        switch self {
        case .email, .name, .phone, .address, .text, .hash: true
        default: false
        }
    }

    /// Distinct inputs give distinct outputs (to the odds of a 64-bit collision), or NULL, which a
    /// unique constraint allows any number of times.
    var keepsUniqueness: Bool {
        switch self {
        case .email, .hash, .null, .keep, .sql: true
        case .name, .phone, .address, .text, .fixed: false
        }
    }

    /// The shortest column the strategy's output fits in; nil when any length does.
    var minimumLength: Int? {
        switch self {
        case .email: MaskingSQL.emailLength
        case .phone: MaskingSQL.phoneLength
        case .name, .address: 8
        case .hash: 16
        case .fixed(let value): value.count
        default: nil
        }
    }
}
