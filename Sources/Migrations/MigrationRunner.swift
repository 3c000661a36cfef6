/// Applies a migration set to one database, Flyway-style: validate what is applied, then apply
/// what is pending, in version order, each file at most once even with concurrent runners.
public struct MigrationRunner {
    public struct Summary: Sendable, Equatable {
        public var applied: [String] = []
        public var alreadyApplied = 0
        public var total = 0
        public var currentVersion: String?
        public var warnings: [String] = []
    }

    let executor: any SQLExecutor
    let dialect: SQLDialect
    var table: HistoryTable
    /// Asked before each statement; false means stop now and roll back (the deadline is near).
    let mayContinue: () -> Bool
    let clock: () -> Int64

    /// Whether the table was named by the user: only the default falls back to the former one.
    let tableIsDefault: Bool

    /// `table`: the history table's name; nil for ours (`staging_refresh_schema_history`).
    public init(executor: any SQLExecutor, dialect: SQLDialect, table: String? = nil,
                mayContinue: @escaping () -> Bool = { true }, clock: @escaping () -> Int64) throws(MigrationError) {
        self.executor = executor
        self.dialect = dialect
        self.table = try HistoryTable(name: table ?? HistoryTable.defaultName, dialect: dialect)
        self.tableIsDefault = table == nil
        self.mayContinue = mayContinue
        self.clock = clock
    }

    public func run(_ set: MigrationSet) throws -> Summary {
        var runner = self
        runner.table.qualifier = try executor.execute(table.currentSchemaSQL, [], transaction: nil, ddl: false).first?.first?.text
        let warning = try runner.resolveTable()
        var summary = try runner.apply(set)
        if let warning { summary.warnings.insert(warning, at: 0) }
        return summary
    }

    /// Before anything runs: a table of the history's name that is not ours is refused (it is the
    /// app's), and with the default name a database migrated under the former default keeps its
    /// history there, with the warning returned.
    private mutating func resolveTable() throws -> String? {
        let existing = try columns(of: table.name)
        if !existing.isEmpty, Set(existing) != HistoryTable.columns {
            throw MigrationError.foreignTable(table: table.qualifiedName, columns: existing.sorted())
        }
        guard existing.isEmpty, tableIsDefault else { return nil }
        let former = try columns(of: HistoryTable.formerDefaultName)
        guard Set(former) == HistoryTable.columns else { return nil }  // absent, or the app's: ours is created
        let qualifier = table.qualifier
        table = try HistoryTable(name: HistoryTable.formerDefaultName, dialect: dialect)
        table.qualifier = qualifier
        return "the history is in \(HistoryTable.formerDefaultName), this project's former default name; rename it so an app's "
            + "own schema_migrations can never be mistaken for it: ALTER TABLE \(HistoryTable.formerDefaultName) RENAME TO \(HistoryTable.defaultName)"
    }

    private func columns(of name: String) throws -> [String] {
        try executor.execute(table.columnsSQL, [("schema", table.qualifier.map(SQLValue.text) ?? .null), ("name", .text(name))],
                             transaction: nil, ddl: false).compactMap { $0.first?.text?.lowercased() }
    }

    private func apply(_ set: MigrationSet) throws -> Summary {
        var summary = Summary(total: set.migrations.count)
        try createTable()
        let applied = HistoryTable.rows(try executor.execute(table.selectSQL, [], transaction: nil, ddl: false))
        let byVersion = Dictionary(applied.compactMap { row in MigrationVersion(Substring(row.version)).map { ($0, row) } },
                                   uniquingKeysWith: { first, _ in first })
        // Validate everything before running anything.
        for row in applied where !row.success { throw MigrationError.dirty(version: row.version, table: table.name) }
        for migration in set.migrations {
            if let row = byVersion[migration.version], row.checksum != migration.checksum {
                throw MigrationError.checksumChanged(file: migration.fileName, version: row.version)
            }
        }
        let known = Set(set.migrations.map(\.version))
        for (version, row) in byVersion where !known.contains(version) {
            summary.warnings.append("V\(row.version) is applied but its file is missing from the migrations directory")
        }
        let pending = set.migrations.filter { byVersion[$0.version] == nil }
        summary.alreadyApplied = set.migrations.count - pending.count
        // Split every pending file first: a syntax problem in V9 should stop the run before V5 runs.
        let statements = try pending.map { migration in try dialect.split(migration.sql, file: migration.fileName) }
        for (migration, statements) in zip(pending, statements) {
            let ran = switch dialect {
            case .postgres: try applyInTransaction(migration, statements, applied: summary.applied.count + summary.alreadyApplied, total: summary.total)
            case .mysql: try applyWithClaim(migration, statements, applied: summary.applied.count + summary.alreadyApplied, total: summary.total)
            }
            if ran { summary.applied.append(migration.version.description) } else { summary.alreadyApplied += 1 }
        }
        let versions = HistoryTable.rows(try executor.execute(table.selectSQL, [], transaction: nil, ddl: false))
            .filter(\.success).compactMap { MigrationVersion(Substring($0.version)) }
        summary.currentVersion = versions.max()?.description
        return summary
    }

    /// Two PostgreSQL sessions creating the same table at once collide on the catalog even with
    /// IF NOT EXISTS, so there the table is created under the same advisory lock as the files.
    private func createTable() throws {
        guard dialect == .postgres else {
            _ = try executor.execute(table.createSQL, [], transaction: nil, ddl: true)
            return
        }
        try inLockedTransaction { transaction in
            _ = try executor.execute(table.createSQL, [], transaction: transaction, ddl: true)
            return true
        }
    }

    /// Begins a transaction, takes the history table's advisory lock, runs `body`; commits when it
    /// returns true, rolls back when it returns false or throws.
    @discardableResult
    private func inLockedTransaction(_ body: (String) throws -> Bool) throws -> Bool {
        let transaction = try executor.begin()
        do {
            _ = try executor.execute(table.lockSQL, [], transaction: transaction, ddl: false)
            let commit = try body(transaction)
            try commit ? executor.commit(transaction) : executor.rollback(transaction)
            return commit
        } catch {
            try? executor.rollback(transaction)
            throw error
        }
    }

    private func parameters(_ migration: Migration, ms: Int64 = 0) -> [(name: String, value: SQLValue)] {
        [("version", .text(migration.version.description)), ("description", .text(migration.description)),
         ("checksum", .text(migration.checksum)), ("ms", .integer(ms))]
    }

    /// PostgreSQL: lock, re-check, statements, history row, commit; any failure rolls all of it back.
    private func applyInTransaction(_ migration: Migration, _ statements: [SQLStatement], applied: Int, total: Int) throws -> Bool {
        try inLockedTransaction { transaction in
            let version = [("version", SQLValue.text(migration.version.description))]
            if let row = HistoryTable.rows(try executor.execute(table.selectOneSQL, version, transaction: transaction, ddl: false)).first {
                guard row.checksum == migration.checksum else {
                    throw MigrationError.checksumChanged(file: migration.fileName, version: row.version)
                }
                return false  // another runner applied it while this one waited for the lock
            }
            let started = clock()
            try run(statements, of: migration, transaction: transaction, applied: applied, total: total)
            _ = try executor.execute(table.insertSQL(success: true), parameters(migration, ms: clock() - started),
                                     transaction: transaction, ddl: false)
            return true
        }
    }

    /// MySQL: DDL commits implicitly, so a row with success = false claims the file first (the
    /// primary key lets one runner win) and marks it dirty until the last statement succeeds.
    private func applyWithClaim(_ migration: Migration, _ statements: [SQLStatement], applied: Int, total: Int) throws -> Bool {
        guard mayContinue() else { throw MigrationError.outOfTime(applied: applied, total: total) }
        do {
            _ = try executor.execute(table.insertSQL(success: false), parameters(migration), transaction: nil, ddl: false)
        } catch {
            let version = [("version", SQLValue.text(migration.version.description))]
            guard let row = HistoryTable.rows(try executor.execute(table.selectOneSQL, version, transaction: nil, ddl: false)).first else { throw error }
            guard row.success else { throw MigrationError.dirty(version: row.version, table: table.name) }
            return false
        }
        let started = clock()
        try run(statements, of: migration, transaction: nil, applied: applied, total: total)
        _ = try executor.execute(table.markSucceededSQL, parameters(migration, ms: clock() - started), transaction: nil, ddl: false)
        return true
    }

    private func run(_ statements: [SQLStatement], of migration: Migration, transaction: String?, applied: Int, total: Int) throws {
        for statement in statements {
            // Only a transaction can be stopped cleanly mid-file; MySQL's implicit commits would
            // leave the file half applied, so there the check is made before each file.
            guard transaction == nil || mayContinue() else { throw MigrationError.outOfTime(applied: applied, total: total) }
            do {
                _ = try executor.execute(statement.text, [], transaction: transaction, ddl: true)
            } catch {
                throw MigrationError.statementFailed(file: migration.fileName, line: statement.line, message: String(describing: error))
            }
        }
    }
}
