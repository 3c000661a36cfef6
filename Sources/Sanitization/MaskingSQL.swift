import Migrations

/// The SQL of masking, per dialect. Values are computed in the database from a keyed HMAC of the
/// value (`hmac`), with the key in parameters (:ki/:ko to mask, :vi/:vo to verify); table and column
/// names come from the catalog and are quoted; nothing a user wrote is spliced in except `sql:`.
enum MaskingSQL {
    /// "user" + 16 hex digits + "@example.invalid".
    static let emailLength = 36
    /// "+1-NXX-555-01NN".
    static let phoneLength = 15
    static let emailDomain = "@example.invalid"

    static let firstNames = ["Alex", "Bailey", "Casey", "Dana", "Eden", "Finley", "Gray", "Harper", "Indy", "Jordan", "Kai", "Lane",
                             "Morgan", "Noel", "Oakley", "Parker", "Quinn", "Reese", "Sage", "Taylor", "Umber", "Val", "Wren", "Yael"]
    /// Invented, so that a masked name is never a real person's by accident.
    static let lastNames = ["Ashvale", "Brindlemoor", "Coldharbor", "Dunwiddle", "Elmsworth", "Fernhollow", "Glimmerby", "Hollowmere",
                            "Ironwake", "Juniperfell", "Kestrelby", "Larkspurne", "Mossgrave", "Nettlecombe", "Oakensholt", "Pebbleford"]
    static let streets = ["Amberleaf", "Birchwhistle", "Cinderbrook", "Dovetail", "Emberly", "Foxglade", "Gossamer", "Heronsgate",
                          "Ivybridge", "Jasperwell", "Kingfisher", "Lanternhill"]
    static let streetSuffixes = ["Street", "Lane", "Way", "Road", "Court", "Row"]
    static let lorem = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. "

    static func quote(_ identifier: String, _ dialect: SQLDialect) -> String {
        switch dialect {
        case .postgres: "\"" + identifier.replacing("\"", with: "\"\"") + "\""
        case .mysql: "`" + identifier.replacing("`", with: "``") + "`"
        }
    }

    static func literal(_ text: String) -> String {
        "'" + text.replacing("'", with: "''") + "'"
    }

    /// The column's value as text in the database's encoding-independent form (UTF-8 bytes are hashed).
    static func textValue(_ column: Catalog.Column, _ dialect: SQLDialect) -> String {
        let name = quote(column.name, dialect)
        switch dialect {
        case .postgres: return column.isString ? "\(name)::text" : "CAST(\(name) AS text)"
        case .mysql: return column.isString ? name : "CAST(\(name) AS CHAR)"
        }
    }

    /// Lower-case hex HMAC-SHA256 of `value` under the key in parameters `:<key>i` and `:<key>o`.
    static func hmac(_ value: String, key: String, _ dialect: SQLDialect) -> String {
        switch dialect {
        case .postgres:
            "encode(sha256(decode(:\(key)o, 'hex') || sha256(decode(:\(key)i, 'hex') || convert_to(\(value), 'UTF8'))), 'hex')"
        case .mysql:
            "SHA2(CONCAT(UNHEX(:\(key)o), UNHEX(SHA2(CONCAT(UNHEX(:\(key)i), CONVERT(\(value) USING utf8mb4)), 256))), 256)"
        }
    }

    /// 28 bits of the digest from `offset` (1-based), as a non-negative integer.
    static func number(_ digest: String, offset: Int, _ dialect: SQLDialect) -> String {
        switch dialect {
        case .postgres: "('x' || substr(\(digest), \(offset), 7))::bit(28)::int"
        case .mysql: "CAST(CONV(SUBSTR(\(digest), \(offset), 7), 16, 10) AS UNSIGNED)"
        }
    }

    static func pick(_ list: [String], _ number: String, _ dialect: SQLDialect) -> String {
        let items = list.map(literal).joined(separator: ", ")
        switch dialect {
        case .postgres: return "(ARRAY[\(items)])[1 + \(number) % \(list.count)]"
        case .mysql: return "ELT(1 + \(number) % \(list.count), \(items))"
        }
    }

    static func concat(_ parts: [String], _ dialect: SQLDialect) -> String {
        switch dialect {
        case .postgres: "(" + parts.joined(separator: " || ") + ")"
        case .mysql: "CONCAT(" + parts.joined(separator: ", ") + ")"
        }
    }

    static func left(_ expression: String, _ length: String, _ dialect: SQLDialect) -> String {
        dialect == .postgres ? "left(\(expression), \(length))" : "LEFT(\(expression), \(length))"
    }

    /// The length a strategy's output is cut to in `column`; two columns joined by a foreign key
    /// must agree on it as on the strategy.
    static func outputLength(_ strategy: MaskingStrategy, _ column: Catalog.Column?) -> Int? {
        switch strategy {
        case .email: emailLength
        case .phone: phoneLength
        case .hash, .name, .address: min(64, column?.maxLength ?? 64)
        default: nil
        }
    }

    /// The new value of `column` under `strategy`; `fixed` is the parameter holding a fixed value.
    static func expression(_ strategy: MaskingStrategy, _ column: Catalog.Column, fixed: String, _ dialect: SQLDialect) -> String {
        let name = quote(column.name, dialect)
        let digest = hmac(textValue(column, dialect), key: "k", dialect)
        let cut = { (expression: String) -> String in
            if let limit = column.maxLength, limit < 64 { return left(expression, String(limit), dialect) }
            return expression
        }
        let guarded = { (expression: String) in "CASE WHEN \(name) IS NULL THEN NULL ELSE \(expression) END" }
        switch strategy {
        case .email:
            let hex = dialect == .postgres ? "substr(\(digest), 1, 16)" : "SUBSTR(\(digest), 1, 16)"
            return concat([literal("user"), hex, literal(emailDomain)], dialect)
        case .name:
            return cut(concat([pick(firstNames, number(digest, offset: 1, dialect), dialect), literal(" "),
                               pick(lastNames, number(digest, offset: 8, dialect), dialect)], dialect))
        case .phone:
            let area = "(200 + \(number(digest, offset: 1, dialect)) % 800)"
            let line = number(digest, offset: 8, dialect) + " % 100"
            let padded = dialect == .postgres ? "lpad((\(line))::text, 2, '0')" : "LPAD(\(line), 2, '0')"
            return concat([literal("+1-"), dialect == .postgres ? "\(area)::text" : area, literal("-555-01"), padded], dialect)
        case .address:
            let house = "(1 + \(number(digest, offset: 1, dialect)) % 9899)"
            return cut(concat([dialect == .postgres ? "\(house)::text" : house, literal(" "),
                               pick(streets, number(digest, offset: 8, dialect), dialect), literal(" "),
                               pick(streetSuffixes, number(digest, offset: 15, dialect), dialect)], dialect))
        case .text:
            let length = dialect == .postgres ? "char_length(\(name))" : "CHAR_LENGTH(\(name))"
            let repeated = dialect == .postgres ? "repeat(\(literal(lorem)), 1 + \(length) / \(lorem.count))"
                                                : "REPEAT(\(literal(lorem)), 1 + \(length) DIV \(lorem.count))"
            return left(repeated, length, dialect)
        case .hash:
            let length = min(64, column.maxLength ?? 64)
            return length < 64 ? left(digest, String(length), dialect) : digest
        case .null:
            return "NULL"
        case .fixed:
            if dialect == .postgres && !column.isString { return guarded("CAST(:\(fixed) AS \(column.type))") }
            return guarded(":\(fixed)")
        case .sql(let expression):
            return "(\(expression))"
        case .keep:
            return name
        }
    }

    /// `key > :last` (when there is a last key) and `key <= :upper`, with the parameters cast to the key's type.
    static func range(_ key: Catalog.Column, hasLast: Bool, hasUpper: Bool, _ dialect: SQLDialect) -> String {
        let name = quote(key.name, dialect)
        let cast = { (parameter: String) -> String in
            switch dialect {
            case .postgres: return "CAST(:\(parameter) AS \(key.castType))"
            case .mysql: return key.isInteger ? "CAST(:\(parameter) AS SIGNED)" : ":\(parameter)"
            }
        }
        var parts: [String] = []
        if hasLast { parts.append("\(name) > \(cast("last"))") }
        if hasUpper { parts.append("\(name) <= \(cast("upper"))") }
        return parts.isEmpty ? "TRUE" : parts.joined(separator: " AND ")
    }

    /// The last key of the next `rows` rows after :last, as text; NULL when none are left.
    /// The table, qualified by its schema (or database): the connection's search_path or default
    /// database may name another one.
    static func table(_ plan: MaskingPlan.TablePlan, _ dialect: SQLDialect) -> String {
        quote(plan.schema, dialect) + "." + quote(plan.table, dialect)
    }

    /// The last key of the next `rows` rows after :last, as text; no row when none are left. Not
    /// max(): PostgreSQL has no max(uuid).
    static func upperBound(_ plan: MaskingPlan.TablePlan, rows: Int, hasLast: Bool, _ dialect: SQLDialect) -> String {
        let key = quote(plan.key.name, dialect)
        // Ordered by chunk.key, the key itself: the bare name would be the text output column, and "9" > "10".
        let asText = dialect == .postgres ? "CAST(chunk.\(key) AS text)" : "CAST(chunk.\(key) AS CHAR)"
        return "SELECT \(asText) AS bound FROM (SELECT \(key) FROM \(table(plan, dialect)) WHERE \(range(plan.key, hasLast: hasLast, hasUpper: false, dialect)) "
            + "ORDER BY \(key) LIMIT \(rows)) AS chunk ORDER BY chunk.\(key) DESC LIMIT 1"
    }

    static func update(_ plan: MaskingPlan.TablePlan, hasLast: Bool, _ dialect: SQLDialect) -> String {
        let assignments = plan.columns.enumerated().map { index, masked in
            "\(quote(masked.column.name, dialect)) = \(expression(masked.strategy, masked.column, fixed: "f\(index)", dialect))"
        }
        return "UPDATE \(table(plan, dialect)) SET \(assignments.joined(separator: ", ")) WHERE "
            + range(plan.key, hasLast: hasLast, hasUpper: true, dialect)
    }

    /// Fixed values' parameters for `update`.
    static func fixedParameters(_ plan: MaskingPlan.TablePlan) -> [(name: String, value: SQLValue)] {
        plan.columns.enumerated().compactMap { index, masked in
            if case .fixed(let value) = masked.strategy { return ("f\(index)", .text(value)) }
            return nil
        }
    }

    /// Verification digests of up to `size` random non-empty values of `masked`'s column.
    static func sample(_ plan: MaskingPlan.TablePlan, _ masked: MaskingPlan.MaskedColumn, size: Int, _ dialect: SQLDialect) -> String {
        let value = textValue(masked.column, dialect)
        var conditions = ["\(quote(masked.column.name, dialect)) IS NOT NULL"]
        if masked.column.isString { conditions.append("\(value) <> ''") }
        if case .fixed = masked.strategy { conditions.append("\(value) <> :fixed") }
        let random = dialect == .postgres ? "random()" : "RAND()"
        return "SELECT \(hmac(value, key: "v", dialect)) FROM \(table(plan, dialect)) WHERE \(conditions.joined(separator: " AND ")) "
            + "ORDER BY \(random) LIMIT \(size)"
    }

    /// How many rows of the chunk still hold one of `count` sampled values (:s0…).
    static func survivors(_ plan: MaskingPlan.TablePlan, _ masked: MaskingPlan.MaskedColumn, count: Int, hasLast: Bool, _ dialect: SQLDialect) -> String {
        let list = (0..<count).map { ":s\($0)" }.joined(separator: ", ")
        return "SELECT count(*) FROM \(table(plan, dialect)) WHERE \(range(plan.key, hasLast: hasLast, hasUpper: true, dialect)) "
            + "AND \(hmac(textValue(masked.column, dialect), key: "v", dialect)) IN (\(list))"
    }

    /// Rows of the foreign key's table whose key matches no row of the table it references.
    static func orphans(_ foreignKey: Catalog.ForeignKey, schema: String, _ dialect: SQLDialect) -> String {
        let child = quote(schema, dialect) + "." + quote(foreignKey.table, dialect)
        let parent = quote(schema, dialect) + "." + quote(foreignKey.referencedTable, dialect)
        let present = foreignKey.columns.map { "c.\(quote($0, dialect)) IS NOT NULL" }.joined(separator: " AND ")
        let match = zip(foreignKey.columns, foreignKey.referencedColumns)
            .map { "p.\(quote($1, dialect)) = c.\(quote($0, dialect))" }.joined(separator: " AND ")
        return "SELECT count(*) FROM \(child) c WHERE \(present) AND NOT EXISTS (SELECT 1 FROM \(parent) p WHERE \(match))"
    }

    static func count(_ plan: MaskingPlan.TablePlan, _ dialect: SQLDialect) -> String {
        "SELECT count(*) FROM \(table(plan, dialect))"
    }
}
