/// What sanitization will do, derived from the spec and the catalog before anything is written:
/// every problem is found here, all at once, and nothing is masked when there is one.
public struct MaskingPlan: Sendable, Equatable {
    public struct MaskedColumn: Sendable, Equatable {
        public var column: Catalog.Column
        public var strategy: MaskingStrategy
    }

    public struct TablePlan: Sendable, Equatable {
        /// The schema (PostgreSQL) or database (MySQL) the catalog was read from: every statement names it.
        public var schema: String
        public var table: String
        /// The one-column primary key chunks are ranges of.
        public var key: Catalog.Column
        /// Masked columns, in the table's column order (keep is left out).
        public var columns: [MaskedColumn]
        public var checksum: String
    }

    public var tables: [TablePlan]
    /// Foreign keys with a masked column on either side: checked after masking.
    public var foreignKeys: [Catalog.ForeignKey]
    public var schema: String
    /// Columns the spec says to keep although they look personal, for the report.
    public var kept: [String]

    public init(spec: MaskingSpec, catalog: Catalog) throws(SanitizeError) {
        var problems: [String] = []
        var unlisted: [String] = []
        var kept: [String] = []
        for table in catalog.tables {
            let listed = spec.tables[table.name] ?? [:]
            for column in table.columns {
                guard let reason = spec.detector.reason(column: column.name, type: column.type) else { continue }
                if listed[column.name] == nil {
                    unlisted.append("\(table.name).\(column.name) (\(reason))")
                } else if listed[column.name] == .keep {
                    kept.append("\(table.name).\(column.name)")
                }
            }
        }
        var plans: [TablePlan] = []
        for name in spec.tables.keys.sorted() {
            guard let table = catalog.table(name) else {
                problems.append("table \(name) is not in schema \(catalog.schema); check its spelling in masking.json")
                continue
            }
            var masked: [MaskedColumn] = []
            let listed = spec.tables[name]!
            for column in listed.keys.sorted() where table.column(column) == nil {
                problems.append("\(name).\(column) does not exist; check its spelling in masking.json")
            }
            for column in table.columns {
                guard let strategy = listed[column.name], strategy.masks else { continue }
                if let problem = Self.problem(strategy, column, table: table) {
                    problems.append("\(name).\(column.name) (\(strategy)): \(problem)")
                } else {
                    masked.append(MaskedColumn(column: column, strategy: strategy))
                }
            }
            guard !masked.isEmpty else { continue }
            guard table.primaryKey.count == 1, let key = table.column(table.primaryKey[0]) else {
                problems.append("\(name) has \(table.primaryKey.isEmpty ? "no primary key" : "a primary key of \(table.primaryKey.count) columns"); "
                                + "masking works in ranges of a one-column primary key: add one, or mask the table in a migration")
                continue
            }
            for trigger in catalog.triggers where trigger.table == name && !spec.allowTriggers.contains("\(name).\(trigger.name)") {
                problems.append("\(name) has trigger \(trigger.name), which fires on masking's UPDATEs and could copy the original values "
                                + "elsewhere: drop or disable it before refreshing, or list \"\(name).\(trigger.name)\" in allowTriggers once what it writes is masked too")
            }
            plans.append(TablePlan(schema: catalog.schema, table: name, key: key, columns: masked, checksum: spec.checksum(of: name)))
        }
        var checked: [Catalog.ForeignKey] = []
        for foreignKey in catalog.foreignKeys {
            var touches = false
            for (child, parent) in zip(foreignKey.columns, foreignKey.referencedColumns) {
                let childStrategy = spec.tables[foreignKey.table]?[child] ?? .keep
                let parentStrategy = spec.tables[foreignKey.referencedTable]?[parent] ?? .keep
                guard childStrategy.masks || parentStrategy.masks else { continue }
                touches = true
                let childColumn = catalog.table(foreignKey.table)?.column(child)
                let parentColumn = catalog.table(foreignKey.referencedTable)?.column(parent)
                if childStrategy == .null { continue }
                let same = childStrategy == parentStrategy
                    && MaskingSQL.outputLength(childStrategy, childColumn) == MaskingSQL.outputLength(parentStrategy, parentColumn)
                if !same {
                    problems.append("\(foreignKey.table).\(child) references \(foreignKey.referencedTable).\(parent) (\(foreignKey.name)), "
                                    + "masked with \(childStrategy) and \(parentStrategy): give both the same strategy (and length), or null the referencing column")
                }
            }
            if touches { checked.append(foreignKey) }
        }
        if !unlisted.isEmpty { throw .unlisted(unlisted) }
        if !problems.isEmpty { throw .plan(problems) }
        tables = plans
        foreignKeys = checked
        schema = catalog.schema
        self.kept = kept
    }

    /// Why `strategy` cannot be applied to `column`, or nil.
    static func problem(_ strategy: MaskingStrategy, _ column: Catalog.Column, table: Catalog.Table) -> String? {
        if table.primaryKey.contains(column.name) {
            return "it is the primary key, which masking ranges over; mask a copy of it instead"
        }
        if strategy.needsStringColumn && !column.isString {
            return "the column is \(column.type), and this strategy writes text; use null, fixed:<value>, keep or sql:<expression>"
        }
        if strategy == .null && !column.nullable {
            return "the column is NOT NULL; use fixed:<value> or another strategy"
        }
        if column.unique && !strategy.keepsUniqueness {
            return "the column is unique, and \(strategy) can give two rows the same value; use email, hash or null"
        }
        if let limit = column.maxLength, let needed = strategy.minimumLength, column.isString, limit < needed {
            return "the column holds \(limit) characters, and this strategy needs \(needed); widen it, or use \(limit >= 16 ? "hash, " : "")fixed:<value> or null"
        }
        return nil
    }
}
