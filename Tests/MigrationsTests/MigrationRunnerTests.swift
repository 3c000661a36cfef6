import Testing
@testable import Migrations

/// The runner's decisions against a stub database (StubExecutor): what runs, what is recorded, and
/// what stops a run before anything runs. The wire and real databases are the integration tests'.
@Suite struct MigrationRunnerTests {
    func set(_ files: [(String, String)]) throws -> MigrationSet {
        try MigrationSet(files: files.map { ($0.0, Array($0.1.utf8)) })
    }

    func checksum(_ text: String) -> String {
        Migration(kind: .plain, description: "", fileName: "x.sql", bytes: Array(text.utf8)).checksum
    }

    func runner(_ database: StubExecutor, _ dialect: SQLDialect, mayContinue: @escaping () -> Bool = { true }) throws -> MigrationRunner {
        try MigrationRunner(executor: database, dialect: dialect, mayContinue: mayContinue, clock: { 0 })
    }

    @Test(arguments: SQLDialect.allCases)
    func pendingFilesRunInOrderAndAreRecorded(dialect: SQLDialect) throws {
        let database = StubExecutor()
        let summary = try runner(database, dialect).run(try set([("V2__b.sql", "CREATE TABLE b (x int);"), ("V1__a.sql", "CREATE TABLE a (x int);")]))
        #expect(database.ran == ["CREATE TABLE a (x int)", "CREATE TABLE b (x int)"])
        #expect(summary.applied == ["1", "2"] && summary.currentVersion == "2")
        #expect(database.history?.values.allSatisfy(\.success) == true)
    }

    @Test(arguments: SQLDialect.allCases)
    func aChangedChecksumStopsTheRunBeforeAnythingRuns(dialect: SQLDialect) throws {
        let database = StubExecutor(history: [HistoryTable.Row(version: "1", description: "a", checksum: checksum("old"), success: true)])
        #expect(throws: MigrationError.self) {
            try runner(database, dialect).run(try set([("V1__a.sql", "new"), ("V2__b.sql", "SELECT 2;")]))
        }
        #expect(database.ran.isEmpty)
    }

    @Test func aDirtyMySQLRowStopsTheRunBeforeAnythingRuns() throws {
        let database = StubExecutor(history: [HistoryTable.Row(version: "1", description: "a", checksum: checksum("SELECT 1;"), success: false)])
        do {
            _ = try runner(database, .mysql).run(try set([("V1__a.sql", "SELECT 1;"), ("V2__b.sql", "SELECT 2;")]))
            Issue.record("a dirty row did not stop the run")
        } catch let error as MigrationError {
            #expect(error.description.hasPrefix("V1 started but did not finish"))
        }
        #expect(database.ran.isEmpty)
    }

    @Test func outOfTimeInPostgresRollsTheFileBackAndRecordsNothingOfIt() throws {
        let database = StubExecutor()
        var checks = 0
        let tight = try runner(database, .postgres, mayContinue: { checks += 1; return checks <= 2 })
        #expect(throws: MigrationError.self) {
            try tight.run(try set([("V1__a.sql", "SELECT 1;"), ("V2__b.sql", "SELECT 2; SELECT 3;")]))
        }
        // V1 committed; V2's first statement ran inside its transaction, which rolled back with no row.
        #expect(database.ran == ["SELECT 1", "SELECT 2"])
        #expect(database.history?.keys.sorted() == ["1"])
    }

    @Test func aFailingStatementNamesFileAndLineAndPostgresKeepsNoRow() throws {
        let database = StubExecutor()
        database.failWhen = { $0.contains("nowhere") }
        do {
            _ = try runner(database, .postgres).run(try set([("V1__a.sql", "SELECT 1;\n\nSELECT * FROM nowhere;")]))
            Issue.record("the failure was not reported")
        } catch let error as MigrationError {
            #expect(error.description == "V1__a.sql:3: ERROR: SELECT * FROM nowhere failed")
        }
        #expect(database.history?.isEmpty == true)
    }

    @Test func aMySQLClaimLostToARunnerThatFinishedCountsAsAlreadyApplied() throws {
        let database = StubExecutor()
        let file = "CREATE TABLE a (x int);"
        database.beforeInsert = { key in
            guard key == "1", database.history?["1"] == nil else { return }
            database.history?["1"] = HistoryTable.Row(version: "1", description: "a", checksum: self.checksum(file), success: true)
        }
        let summary = try runner(database, .mysql).run(try set([("V1__a.sql", file)]))
        #expect(summary.applied.isEmpty && summary.alreadyApplied == 1)
        #expect(database.ran.isEmpty)
    }

    @Test func aMySQLClaimLostToARunnerStillApplyingItStopsAsDirty() throws {
        let database = StubExecutor()
        database.beforeInsert = { key in
            guard key == "1", database.history?["1"] == nil else { return }
            database.history?["1"] = HistoryTable.Row(version: "1", description: "a", checksum: self.checksum("SELECT 1;"), success: false)
        }
        #expect(throws: MigrationError.self) { try runner(database, .mysql).run(try set([("V1__a.sql", "SELECT 1;")])) }
        #expect(database.ran.isEmpty)
    }

    @Test(arguments: SQLDialect.allCases)
    func aChangedRepeatableRunsAgainAndKeepsOneRow(dialect: SQLDialect) throws {
        let database = StubExecutor(history: [HistoryTable.Row(version: "R__views", description: "views", checksum: checksum("old"), success: true)])
        let summary = try runner(database, dialect).run(try set([("R__views.sql", "CREATE VIEW v AS SELECT 1;")]))
        #expect(summary.applied == ["R__views"] && database.ran == ["CREATE VIEW v AS SELECT 1"])
        #expect(database.history?["R__views"]?.checksum == checksum("CREATE VIEW v AS SELECT 1;"))
        #expect(database.history?.count == 1)
    }

    @Test func repairRemovesFailedRowsAndRealignsChangedChecksums() throws {
        let database = StubExecutor(history: [
            HistoryTable.Row(version: "1", description: "a", checksum: checksum("old"), success: true),
            HistoryTable.Row(version: "2", description: "b", checksum: checksum("SELECT 2;"), success: false),
        ])
        let done = try runner(database, .mysql).repair(try set([("V1__a.sql", "SELECT 1;"), ("V2__b.sql", "SELECT 2;")]))
        #expect(done == ["recorded V1__a.sql's new checksum for V1", "removed the failed row of V2; check what of it was applied before running again"])
        #expect(database.history?.keys.sorted() == ["1"] && database.history?["1"]?.checksum == checksum("SELECT 1;"))
    }
}
