/// What a sanitization run did, per table; `finished` is false when it stopped for the deadline and
/// the next run continues after the last committed chunk.
public struct SanitizeReport: Sendable, Equatable, Encodable {
    public struct Table: Sendable, Equatable, Encodable {
        public var table: String
        public var rows: Int64
        public var chunks: Int64
        public var seconds: Double
        /// "column (strategy)" for each masked column.
        public var columns: [String]
        public var verified: Bool
    }

    public var tables: [Table] = []
    public var finished = false
    /// Foreign keys checked after masking, by constraint name.
    public var foreignKeysChecked: [String] = []
    /// Personal-looking columns the spec keeps as they are.
    public var kept: [String] = []

    public var maskedRows: Int64 { tables.reduce(0) { $0 + $1.rows } }

    /// One line for the stack's events and the custom resource's `Response`.
    public var message: String {
        let verified = tables.filter(\.verified).count
        let columns = tables.reduce(0) { $0 + $1.columns.count }
        guard finished else {
            return "masking in progress: \(verified) of \(tables.count) table\(tables.count == 1 ? "" : "s") done; continuing"
        }
        let keys = switch foreignKeysChecked.count {
        case 0: "no foreign key involves a masked column"
        case 1: "the 1 foreign key on a masked column holds"
        default: "all \(foreignKeysChecked.count) foreign keys on masked columns hold"
        }
        return "masked \(columns) column\(columns == 1 ? "" : "s") in \(tables.count) table\(tables.count == 1 ? "" : "s") "
            + "(\(maskedRows) rows); verified: no sampled value survived, row counts unchanged, \(keys)"
    }

    /// "rows=…, chunks=…, seconds=…, columns=…" for one table, as the answer's Data carries it.
    public static func line(_ table: Table) -> String {
        let seconds = (table.seconds * 10).rounded() / 10
        return "rows=\(table.rows), chunks=\(table.chunks), seconds=\(seconds), columns=\(table.columns.joined(separator: "; "))"
    }
}
