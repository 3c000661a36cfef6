/// Applies a migration set to one database, Flyway-style: validate what is applied, then apply
/// what is pending, in order, each file at most once even with concurrent runners. What to do
/// comes from a `MigrationPlan`; `info`, `validate` and `repair` read the same plan.
public struct MigrationRunner {
    public struct Summary: Sendable, Equatable {
        /// Keys of what ran (Migration.key): versions, R__<description>, file names.
        public var applied: [String] = []
        public var alreadyApplied = 0
        public var total = 0
        public var currentVersion: String?
        public var warnings: [String] = []
        public var naming: MigrationNaming = .flyway
        /// Every applied row's key, for plain naming's count.
        public var recorded = 0

        /// One line for the stack's events and the custom resource's `Response`: what ran, then
        /// where the database is. At most ten names, so the answer stays far below 4 KB.
        public var message: String {
            let names = applied.map { Migration.displayName(key: $0) }
            let shown = names.count > 10 ? names.prefix(10).joined(separator: ", ") + ", … and \(names.count - 10) more" : names.joined(separator: ", ")
            let unit = naming == .plain ? "file" : "migration"
            let ran: String
            switch names.count {
            case 0: ran = "no pending \(unit)s"
            case 1: ran = "applied 1 \(unit) (\(shown))"
            default:
                let range = applied.allSatisfy({ MigrationVersion(Substring($0)) != nil }) ? "\(names[0])..\(names[names.count - 1])" : shown
                ran = "applied \(names.count) \(unit)s (\(range))"
            }
            if naming == .plain { return "\(ran); \(recorded) file\(recorded == 1 ? "" : "s") applied in all" }
            return "\(ran); " + (currentVersion.map { "database at V\($0)" } ?? "database has no migrations applied")
        }
    }

    let executor: any SQLExecutor
    let dialect: SQLDialect
    var table: HistoryTable
    let baseline: MigrationVersion?
    let placeholders: Placeholders
    /// Asked before each statement; false means stop now and roll back (the deadline is near).
    let mayContinue: () -> Bool
    let clock: () -> Int64

    /// Whether the table was named by the user: only the default falls back to the former one.
    let tableIsDefault: Bool

    /// `table`: the history table's name; nil for ours (`staging_refresh_schema_history`).
    /// `baseline`: on a database without history, versions up to it count as applied.
    public init(executor: any SQLExecutor, dialect: SQLDialect, table: String? = nil, baseline: MigrationVersion? = nil,
                placeholders: Placeholders = Placeholders(), mayContinue: @escaping () -> Bool = { true },
                clock: @escaping () -> Int64) throws(MigrationError) {
        self.executor = executor
        self.dialect = dialect
        self.table = try HistoryTable(name: table ?? HistoryTable.defaultName, dialect: dialect)
        self.tableIsDefault = table == nil
        self.baseline = baseline
        self.placeholders = placeholders
        self.mayContinue = mayContinue
        self.clock = clock
    }

    /// `migrate`.
    public func run(_ set: MigrationSet) throws -> Summary {
        var runner = self
        let (warning, existed) = try runner.prepare()
        var summary = try runner.apply(set, historyExisted: existed)
        if let warning { summary.warnings.insert(warning, at: 0) }
        return summary
    }

    /// `info` and `validate`: the plan as things stand, changing nothing (not even creating the table).
    public func plan(_ set: MigrationSet) throws -> MigrationPlan {
        var runner = self
        let (warning, existed) = try runner.prepare()
        let rows = existed ? try runner.rows() : []
        let plan = MigrationPlan(set: set, rows: rows, table: runner.table.name, baseline: baseline, historyExists: existed)
        return warning.map { plan.adding(warning: $0) } ?? plan
    }

    /// `repair`, as Flyway's: failed rows are removed (their files run again) and the recorded
    /// checksum of each applied file that changed becomes the file's. Returns what it did.
    public func repair(_ set: MigrationSet) throws -> [String] {
        var runner = self
        let (_, existed) = try runner.prepare()
        guard existed else { return [] }
        let byKey = Dictionary(set.migrations.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var done: [String] = []
        for row in try runner.rows() where !row.isBaseline {
            let name = Migration.displayName(key: row.version)
            if !row.success {
                _ = try executor.execute(runner.table.deleteFailedSQL, [("version", .text(row.version))], transaction: nil, ddl: false)
                done.append("removed the failed row of \(name); check what of it was applied before running again")
            } else if let migration = byKey[row.version], migration.kind != .repeatable, migration.checksum != row.checksum {
                _ = try executor.execute(runner.table.realignSQL, [("version", .text(row.version)), ("checksum", .text(migration.checksum))],
                                         transaction: nil, ddl: false)
                done.append("recorded \(migration.fileName)'s new checksum for \(name)")
            }
        }
        return done
    }

    /// Where the history lives: the schema, and whether the table is ours. Returns the former
    /// default's warning, and whether the history table existed.
    private mutating func prepare() throws -> (warning: String?, existed: Bool) {
        table.qualifier = try executor.execute(table.currentSchemaSQL, [], transaction: nil, ddl: false).first?.first?.text
        return try resolveTable()
    }

    /// Before anything runs: a table of the history's name that is not ours is refused (it is the
    /// app's), and with the default name a database migrated under the former default keeps its
    /// history there, with the warning returned.
    private mutating func resolveTable() throws -> (warning: String?, existed: Bool) {
        let existing = try columns(of: table.name)
        if !existing.isEmpty, Set(existing) != HistoryTable.columns {
            throw MigrationError.foreignTable(table: table.qualifiedName, columns: existing.sorted())
        }
        guard existing.isEmpty, tableIsDefault else { return (nil, !existing.isEmpty) }
        let former = try columns(of: HistoryTable.formerDefaultName)
        guard Set(former) == HistoryTable.columns else { return (nil, false) }  // absent, or the app's: ours is created
        let qualifier = table.qualifier
        table = try HistoryTable(name: HistoryTable.formerDefaultName, dialect: dialect)
        table.qualifier = qualifier
        return ("the history is in \(HistoryTable.formerDefaultName), this project's former default name; rename it so an app's "
            + "own schema_migrations can never be mistaken for it: ALTER TABLE \(HistoryTable.formerDefaultName) RENAME TO \(HistoryTable.defaultName)", true)
    }

    private func columns(of name: String) throws -> [String] {
        try executor.execute(table.columnsSQL, [("schema", table.qualifier.map(SQLValue.text) ?? .null), ("name", .text(name))],
                             transaction: nil, ddl: false).compactMap { $0.first?.text?.lowercased() }
    }

    private func rows() throws -> [HistoryTable.Row] {
        HistoryTable.rows(try executor.execute(table.selectSQL, [], transaction: nil, ddl: false))
    }

    private func apply(_ set: MigrationSet, historyExisted: Bool) throws -> Summary {
        var summary = Summary(total: set.migrations.count, naming: set.naming)
        try createTable(baseline: historyExisted ? nil : baseline)
        let history = try rows()
        let plan = MigrationPlan(set: set, rows: history, table: table.name, baseline: baseline, historyExists: historyExisted)
        // Validate everything before running anything.
        if let problem = plan.problems.first { throw problem }
        summary.warnings = plan.warnings
        summary.alreadyApplied = set.migrations.count - plan.pending.count
        // Split every pending file first: a syntax problem in V9 should stop the run before V5 runs.
        let statements = try plan.pending.map { migration in
            try dialect.split(try placeholders.apply(to: migration.sql, file: migration.fileName), file: migration.fileName)
        }
        let previous = Dictionary(history.map { ($0.version, $0.checksum) }, uniquingKeysWith: { first, _ in first })
        for (migration, statements) in zip(plan.pending, statements) {
            let done = summary.applied.count + summary.alreadyApplied
            let ran = switch dialect {
            case .postgres: try applyInTransaction(migration, statements, applied: done, total: summary.total)
            case .mysql: try applyWithClaim(migration, statements, previous: previous[migration.key], applied: done, total: summary.total)
            }
            if ran { summary.applied.append(migration.key) } else { summary.alreadyApplied += 1 }
        }
        let after = try rows().filter(\.success)
        summary.recorded = after.filter { !$0.isBaseline }.count
        summary.currentVersion = after.compactMap { MigrationVersion(Substring($0.version)) }.max()?.description
        return summary
    }

    /// Two PostgreSQL sessions creating the same table at once collide on the catalog even with
    /// IF NOT EXISTS, so there the table (and a baseline row) is created under the same advisory
    /// lock as the files.
    private func createTable(baseline: MigrationVersion?) throws {
        let baselineRow = baseline.map { version in
            [("version", SQLValue.text(version.description)), ("description", .text(HistoryTable.baselineDescription)),
             ("checksum", .text(HistoryTable.baselineChecksum)), ("ms", .integer(0))]
        }
        guard dialect == .postgres else {
            _ = try executor.execute(table.createSQL, [], transaction: nil, ddl: true)
            if let baselineRow {
                do {
                    _ = try executor.execute(table.insertSQL(success: true), baselineRow, transaction: nil, ddl: false)
                } catch {
                    // Another run wrote it first; anything else in its place is a real conflict.
                    guard try rows().contains(where: \.isBaseline) else { throw error }
                }
            }
            return
        }
        try inLockedTransaction { transaction in
            _ = try executor.execute(table.createSQL, [], transaction: transaction, ddl: true)
            if let baselineRow {
                let empty = try executor.execute(table.selectSQL, [], transaction: transaction, ddl: false).isEmpty
                if empty { _ = try executor.execute(table.insertSQL(success: true), baselineRow, transaction: transaction, ddl: false) }
            }
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
        [("version", .text(migration.key)), ("description", .text(migration.description)),
         ("checksum", .text(migration.checksum)), ("ms", .integer(ms))]
    }

    /// PostgreSQL: lock, re-check, statements, history row, commit; any failure rolls all of it back.
    private func applyInTransaction(_ migration: Migration, _ statements: [SQLStatement], applied: Int, total: Int) throws -> Bool {
        try inLockedTransaction { transaction in
            let key = [("version", SQLValue.text(migration.key))]
            if let row = HistoryTable.rows(try executor.execute(table.selectOneSQL, key, transaction: transaction, ddl: false)).first {
                if row.checksum == migration.checksum { return false }  // another runner applied it while this one waited for the lock
                guard migration.kind == .repeatable else {
                    throw MigrationError.checksumChanged(file: migration.fileName, version: row.version)
                }
                _ = try executor.execute(table.deleteOutdatedSQL, key + [("previous", .text(row.checksum))], transaction: transaction, ddl: false)
            }
            let started = clock()
            try run(statements, of: migration, transaction: transaction, applied: applied, total: total)
            _ = try executor.execute(table.insertSQL(success: true), parameters(migration, ms: clock() - started),
                                     transaction: transaction, ddl: false)
            return true
        }
    }

    /// MySQL: DDL commits implicitly, so a row with success = false claims the file first (the
    /// primary key lets one runner win) and marks it dirty until the last statement succeeds. A
    /// changed repeatable's old row is removed first, only as it was read.
    private func applyWithClaim(_ migration: Migration, _ statements: [SQLStatement], previous: String?, applied: Int, total: Int) throws -> Bool {
        guard mayContinue() else { throw MigrationError.outOfTime(applied: applied, total: total) }
        let key = [("version", SQLValue.text(migration.key))]
        if let previous, migration.kind == .repeatable {
            _ = try executor.execute(table.deleteOutdatedSQL, key + [("previous", .text(previous))], transaction: nil, ddl: false)
        }
        do {
            _ = try executor.execute(table.insertSQL(success: false), parameters(migration), transaction: nil, ddl: false)
        } catch {
            guard let row = HistoryTable.rows(try executor.execute(table.selectOneSQL, key, transaction: nil, ddl: false)).first else { throw error }
            guard row.success else { throw MigrationError.dirty(version: row.version, table: table.name) }
            guard row.checksum == migration.checksum else { throw error }
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
