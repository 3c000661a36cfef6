import Testing
@testable import Migrations

/// The plan as a value: which state each migration is in and what runs, from files and history rows.
@Suite struct MigrationPlanTests {
    func set(_ files: [String: String], naming: MigrationNaming = .flyway) throws -> MigrationSet {
        try MigrationSet(files: files.map { ($0.key, Array($0.value.utf8)) }, naming: naming)
    }

    func row(_ version: String, _ sql: String, success: Bool = true, description: String = "x") -> HistoryTable.Row {
        HistoryTable.Row(version: version, description: description, checksum: Migration(kind: .plain, description: "", fileName: "f.sql",
                                                                                          bytes: Array(sql.utf8)).checksum, success: success)
    }

    func plan(_ set: MigrationSet, _ rows: [HistoryTable.Row], baseline: String? = nil, exists: Bool = true) -> MigrationPlan {
        MigrationPlan(set: set, rows: rows, table: "history", baseline: baseline.flatMap { MigrationVersion(Substring($0)) }, historyExists: exists)
    }

    func states(_ plan: MigrationPlan) -> [String] { plan.entries.map { "\($0.name) \($0.state.rawValue)" } }

    @Test func versionedFirstThenRepeatablesByNameAndOnlyChangedRepeatablesRunAgain() throws {
        let files = try set(["R__b.sql": "b2", "V2__two.sql": "2", "R__a.sql": "a", "V1__one.sql": "1", "V10__ten.sql": "10"])
        let result = plan(files, [row("1", "1"), row("R__a", "a"), row("R__b", "b1")])
        #expect(states(result) == ["V1 Success", "V2 Pending", "V10 Pending", "R__a Success", "R__b Outdated"])
        #expect(result.pending.map(\.key) == ["2", "10", "R__b"])
        #expect(result.problems.isEmpty)
    }

    @Test func aBaselineOnANewDatabaseMarksEarlierVersionsWithoutRunningThem() throws {
        let files = try set(["V1__a.sql": "1", "V2__b.sql": "2", "V3__c.sql": "3"])
        let fresh = plan(files, [], baseline: "2", exists: false)
        #expect(states(fresh) == ["V1 Below Baseline", "V2 Baseline", "V3 Pending"])
        #expect(fresh.baselineToRecord?.description == "2" && fresh.currentVersion == "2")
        // Once recorded, the row decides, whatever the setting says now; an edited file below it is not checked.
        let recorded = plan(try set(["V1__a.sql": "edited", "V2__b.sql": "2", "V3__c.sql": "3"]),
                            [row("2", "", description: HistoryTable.baselineDescription), row("3", "3")])
        #expect(states(recorded) == ["V1 Below Baseline", "V2 Baseline", "V3 Success"])
        #expect(recorded.problems.isEmpty && recorded.pending.isEmpty)
        // A database with history is never baselined.
        let later = plan(files, [row("1", "1")], baseline: "2", exists: true)
        #expect(later.pending.map(\.key) == ["2", "3"] && later.baselineToRecord == nil)
        #expect(later.warnings == ["BaselineVersion 2 is ignored: history already exists (a baseline is recorded only on a database without history)"])
    }

    @Test func aBaselineWithoutItsFileIsStillShown() throws {
        let result = plan(try set(["V7__g.sql": "7"]), [], baseline: "5", exists: false)
        #expect(states(result) == ["V5 Baseline", "V7 Pending"])
    }

    @Test func changedFailedAndMissingAreReportedAndOnlyTheFirstTwoStopARun() throws {
        let files = try set(["V1__a.sql": "1 edited", "V2__b.sql": "2"])
        let result = plan(files, [row("1", "1"), row("2", "2", success: false), row("3", "3", description: "gone")])
        #expect(states(result) == ["V1 Checksum Changed", "V2 Failed", "V3 Missing"])
        #expect(result.problems.map(\.description).map { String($0.prefix(40)) }
                == ["V1__a.sql was changed after V1 was appli", "V2 started but did not finish (history.s"])
        #expect(result.warnings == ["V3 is applied but its file is missing from the migrations directory"])
    }

    @Test func plainFilesRunInByteOrderTrackedByName() throws {
        let files = try set(["b.sql": "b", "A.sql": "A", "a.sql": "a", "10.sql": "10", "9.sql": "9"], naming: .plain)
        #expect(files.migrations.map(\.key) == ["10.sql", "9.sql", "A.sql", "a.sql", "b.sql"])
        let result = plan(files, [row("9.sql", "9")])
        #expect(result.pending.map(\.displayName) == ["10.sql", "A.sql", "a.sql", "b.sql"])
        #expect(result.currentVersion == nil)
    }

    @Test func theInfoTableHasAColumnPerField() throws {
        let result = plan(try set(["V1__create_users.sql": "1"]), [])
        let lines = result.table.split(separator: "\n")
        #expect(lines[1] == "| Version | Description  | Type      | State   | Checksum     |")
        #expect(lines[3].hasPrefix("| V1      | create users | Versioned | Pending | "))
    }
}

@Suite struct PlaceholderTests {
    @Test func namesAreReplacedAndDollarQuotesAreLeftAlone() throws {
        let placeholders = try Placeholders(["schema": "app", "role": "reader"])
        let sql = "GRANT SELECT ON ${schema}.t TO ${role};\nSELECT $${schema}$$, $x$${schema}$x$, '${ not a name }', ${};"
        #expect(try placeholders.apply(to: sql, file: "V1__g.sql")
                == "GRANT SELECT ON app.t TO reader;\nSELECT $${schema}$$, $x$${schema}$x$, '${ not a name }', ${};")
    }

    @Test func anUnknownNameIsRefusedWithItsLine() throws {
        let placeholders = try Placeholders(["schema": "app"])
        #expect(throws: MigrationSetError.unknownPlaceholder(file: "V2__x.sql", line: 3, name: "owner", known: ["schema"])) {
            try placeholders.apply(to: "-- one\n-- two\nALTER TABLE t OWNER TO ${owner};", file: "V2__x.sql")
        }
        #expect(throws: MigrationSetError.badPlaceholderName("1st")) { try Placeholders(["1st": "x"]) }
    }

    @Test func textWithoutPlaceholdersIsReturnedAsIs() throws {
        #expect(try Placeholders().apply(to: "SELECT '$' || $1;", file: "f.sql") == "SELECT '$' || $1;")
    }
}

@Suite struct SummaryMessageTests {
    @Test func messagesNameWhatRan() {
        var summary = MigrationRunner.Summary(applied: ["1", "2", "3"], currentVersion: "3")
        #expect(summary.message == "applied 3 migrations (V1..V3); database at V3")
        summary.applied = ["4", "R__views"]
        #expect(summary.message == "applied 2 migrations (V4, R__views); database at V3")
        summary.applied = []
        #expect(summary.message == "no pending migrations; database at V3")
        let plain = MigrationRunner.Summary(applied: (1...12).map { "f\($0).sql" }, naming: .plain, recorded: 12)
        #expect(plain.message == "applied 12 files (f1.sql, f2.sql, f3.sql, f4.sql, f5.sql, f6.sql, f7.sql, f8.sql, f9.sql, f10.sql, … and 2 more); 12 files applied in all")
    }
}
