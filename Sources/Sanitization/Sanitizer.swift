import Migrations

/// Masks a database after its spec, reconciler-style: each run reads the progress table, masks the
/// chunks still to do, verifies each chunk before it commits, and returns when done or when the
/// deadline nears. The SQL runs through any SQLExecutor (the Data API in Lambda).
public struct Sanitizer {
    let executor: any SQLExecutor
    let dialect: SQLDialect
    let key: MaskingKey
    let verificationKey: MaskingKey
    /// Asked before each chunk with how long that chunk may take; false stops the run there.
    let mayContinue: (Int64) -> Bool
    let clock: () -> Int64
    let log: (String) -> Void
    let progress: ProgressTable

    public init(executor: any SQLExecutor, dialect: SQLDialect, key: MaskingKey, mayContinue: @escaping (Int64) -> Bool = { _ in true },
                clock: @escaping () -> Int64, log: @escaping (String) -> Void = { _ in }) {
        self.executor = executor
        self.dialect = dialect
        self.key = key
        verificationKey = key.derived("staging-refresh verification")
        self.mayContinue = mayContinue
        self.clock = clock
        self.log = log
        progress = ProgressTable(dialect: dialect)
    }

    /// The plan against the database as it is, without writing anything.
    public func plan(_ spec: MaskingSpec) throws -> MaskingPlan {
        let catalog = try guarded("reading the catalog") {
            try CatalogReader(executor: executor, dialect: dialect).read(schema: spec.schema, excluding: [ProgressTable.name])
        }
        return try MaskingPlan(spec: spec, catalog: catalog)
    }

    public func run(_ spec: MaskingSpec) throws -> SanitizeReport {
        let plan = try plan(spec)
        var report = SanitizeReport()
        report.kept = plan.kept
        try guarded("creating \(ProgressTable.name)") { _ = try executor.execute(progress.create, [], transaction: nil, ddl: true) }
        let recorded = try guarded("reading \(ProgressTable.name)") {
            try executor.execute(progress.selectAll, [], transaction: nil, ddl: false).compactMap(ProgressTable.row)
        }
        var pace = Pace()
        for table in plan.tables {
            let existing = recorded.first { $0.table == table.table }
            let result = try guarded("masking \(table.table)") { try mask(table, existing: existing, spec: spec, pace: &pace) }
            report.tables.append(result)
            guard result.verified else { return report }
            log("\(table.table): " + SanitizeReport.line(result))
        }
        // The checks scan whole tables: they too wait for a run with time for them.
        guard pace.mayGoOn(mayContinue) else { return report }
        for foreignKey in plan.foreignKeys {
            let orphans = try guarded("checking foreign key \(foreignKey.name)") {
                CatalogReader.integer(try executor.execute(MaskingSQL.orphans(foreignKey, schema: plan.schema, dialect), [], transaction: nil, ddl: false).first?.first ?? .null) ?? 0
            }
            if orphans > 0 {
                throw SanitizeError.foreignKeyBroken(constraint: foreignKey.name,
                                                     child: "\(foreignKey.table)(\(foreignKey.columns.joined(separator: ", ")))",
                                                     parent: "\(foreignKey.referencedTable)(\(foreignKey.referencedColumns.joined(separator: ", ")))",
                                                     orphans: orphans)
            }
            report.foreignKeysChecked.append(foreignKey.name)
        }
        report.finished = true
        return report
    }

    private var maskingParameters: [(name: String, value: SQLValue)] {
        [("ki", .text(key.innerPad)), ("ko", .text(key.outerPad))]
    }

    private var verificationParameters: [(name: String, value: SQLValue)] {
        [("vi", .text(verificationKey.innerPad)), ("vo", .text(verificationKey.outerPad))]
    }

    private func count(_ table: MaskingPlan.TablePlan) throws -> Int64 {
        CatalogReader.integer(try executor.execute(MaskingSQL.count(table, dialect), [], transaction: nil, ddl: false).first?.first ?? .null) ?? 0
    }

    /// How far a run has got: the first step of a run always goes ahead, so every run makes progress (the
    /// caller's margin covers one); after that a step goes ahead only when the time left covers the
    /// slowest chunk so far grown as far as ChunkSizer may grow it.
    struct Pace {
        var progressed = false
        var slowest: Int64 = 0

        func mayGoOn(_ mayContinue: (Int64) -> Bool) -> Bool {
            !progressed || mayContinue(max(slowest * 4, 1_000))
        }

        mutating func record(_ milliseconds: Int64) {
            progressed = true
            slowest = max(slowest, milliseconds)
        }
    }

    private func mask(_ table: MaskingPlan.TablePlan, existing: ProgressTable.Row?, spec: MaskingSpec, pace: inout Pace) throws -> SanitizeReport.Table {
        let columns = table.columns.map { "\($0.column.name) (\($0.strategy))" }
        let unfinished = { (row: ProgressTable.Row?) in
            SanitizeReport.Table(table: table.table, rows: row?.rowsBefore ?? 0, chunks: row?.chunks ?? 0,
                                 seconds: Double(row?.milliseconds ?? 0) / 1_000, columns: columns, verified: false)
        }
        var row: ProgressTable.Row
        if let existing, existing.checksum == table.checksum {
            row = existing
        } else {
            // Counting and sampling scan the table: a step like a chunk.
            guard pace.mayGoOn(mayContinue) else { return unfinished(nil) }
            let began = clock()
            row = try start(table, spec: spec)
            pace.record(clock() - began)
        }
        var chunks = row.chunks
        var milliseconds = row.milliseconds
        var sizer = ChunkSizer(rows: spec.chunkRows)
        while row.state != "done" {
            guard pace.mayGoOn(mayContinue) else {
                return SanitizeReport.Table(table: table.table, rows: row.rowsBefore, chunks: chunks, seconds: Double(milliseconds) / 1_000,
                                            columns: columns, verified: false)
            }
            let began = clock()
            guard try chunk(table, rows: sizer.rows, samples: row.samples, began: began) else { break }
            let lastChunk = clock() - began
            pace.record(lastChunk)
            sizer.record(milliseconds: lastChunk)
            chunks += 1
            milliseconds += lastChunk
        }
        if row.state != "done" {
            let after = try count(table)
            guard after == row.rowsBefore else { throw SanitizeError.rowCountChanged(table: table.table, before: row.rowsBefore, after: after) }
            _ = try executor.execute(progress.finish, [("table", .text(table.table))], transaction: nil, ddl: false)
            row.state = "done"
        }
        return SanitizeReport.Table(table: table.table, rows: row.rowsBefore, chunks: chunks, seconds: Double(milliseconds) / 1_000,
                                    columns: columns, verified: true)
    }

    /// Counts the rows and samples each masked column (as digests), then records a fresh progress row.
    private func start(_ table: MaskingPlan.TablePlan, spec: MaskingSpec) throws -> ProgressTable.Row {
        let rows = try count(table)
        var samples: [String: [String]] = [:]
        for masked in table.columns {
            var parameters = verificationParameters
            if case .fixed(let value) = masked.strategy { parameters.append(("fixed", .text(value))) }
            let digests = try executor.execute(MaskingSQL.sample(table, masked, size: spec.sampleSize, dialect), parameters, transaction: nil, ddl: false)
                .compactMap { $0.first?.text }
            if !digests.isEmpty { samples[masked.column.name] = digests }
        }
        let transaction = try executor.begin()
        do {
            _ = try executor.execute(progress.delete, [("table", .text(table.table))], transaction: transaction, ddl: false)
            _ = try executor.execute(progress.insert, [("table", .text(table.table)), ("checksum", .text(table.checksum)), ("rows", .integer(rows)),
                                                       ("samples", .text(ProgressTable.encode(samples)))], transaction: transaction, ddl: false)
            try executor.commit(transaction)
        } catch {
            try? executor.rollback(transaction)
            throw error
        }
        return ProgressTable.Row(table: table.table, checksum: table.checksum, state: "masking", lastKey: nil, rowsBefore: rows,
                                 chunks: 0, milliseconds: 0, samples: samples)
    }

    /// Masks and verifies the next `rows` rows in one transaction, and records it. False when no
    /// rows were left.
    private func chunk(_ table: MaskingPlan.TablePlan, rows: Int, samples: [String: [String]], began: Int64) throws -> Bool {
        let transaction = try executor.begin()
        let checksOff = dialect == .postgres ? "SET LOCAL session_replication_role = replica" : "SET foreign_key_checks = 0"
        var restore: String? { dialect == .mysql ? "SET foreign_key_checks = 1" : nil }
        do {
            // The row lock serialises runs; what it holds is where this one continues.
            let locked = try executor.execute(progress.selectForUpdate, [("table", .text(table.table))], transaction: transaction, ddl: false)
            guard let current = locked.first.flatMap(ProgressTable.row), current.state != "done" else {
                try executor.commit(transaction)
                return false
            }
            // Referencing and referenced columns are masked a chunk apart, and triggers must not copy
            // the originals elsewhere: both are off for this transaction; the keys are checked at the end.
            _ = try executor.execute(checksOff, [], transaction: transaction, ddl: false)
            var parameters: [(name: String, value: SQLValue)] = []
            if let last = current.lastKey { parameters.append(("last", .text(last))) }
            let bound = try executor.execute(MaskingSQL.upperBound(table, rows: rows, hasLast: current.lastKey != nil, dialect),
                                             parameters, transaction: transaction, ddl: false)
            guard let upper = bound.first?.first?.text else {
                if let restore { _ = try executor.execute(restore, [], transaction: transaction, ddl: false) }
                try executor.commit(transaction)
                return false
            }
            parameters.append(("upper", .text(upper)))
            _ = try executor.execute(MaskingSQL.update(table, hasLast: current.lastKey != nil, dialect),
                                     parameters + maskingParameters + MaskingSQL.fixedParameters(table), transaction: transaction, ddl: true)
            for masked in table.columns {
                guard let digests = samples[masked.column.name], !digests.isEmpty else { continue }
                let list = digests.enumerated().map { ("s\($0.offset)", SQLValue.text($0.element)) }
                let found = try executor.execute(MaskingSQL.survivors(table, masked, count: digests.count, hasLast: current.lastKey != nil, dialect),
                                                 parameters + verificationParameters + list, transaction: transaction, ddl: false)
                let survivors = CatalogReader.integer(found.first?.first ?? .null) ?? 0
                if survivors > 0 {
                    throw SanitizeError.verificationFailed(table: table.table, column: masked.column.name, survivors: Int(survivors))
                }
            }
            _ = try executor.execute(progress.advance, [("upper", .text(upper)), ("ms", .integer(clock() - began)), ("table", .text(table.table))],
                                     transaction: transaction, ddl: false)
            if let restore { _ = try executor.execute(restore, [], transaction: transaction, ddl: false) }
            try executor.commit(transaction)
            return true
        } catch {
            if let restore { _ = try? executor.execute(restore, [], transaction: transaction, ddl: false) }
            try? executor.rollback(transaction)
            throw error
        }
    }

    /// Runs `work`, naming `context` in a database error.
    private func guarded<T>(_ context: String, _ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch let error as SanitizeError {
            throw error
        } catch {
            throw SanitizeError.database(context: context, message: String(describing: error))
        }
    }
}
