import Testing
@testable import Refresh

@Suite struct DataAPISupportTests {
    @Test(arguments: ["13.11", "13.12", "14.8", "14.10", "15.3", "15.4", "16.1", "17.4", "18.3", "19.0"])
    func postgresVersionsWithTheDataAPI(_ version: String) {
        #expect(DataAPISupport.problem(engine: "aurora-postgresql", version: version) == nil)
    }

    @Test(arguments: [("13.10", "13.11"), ("14.7", "14.8"), ("15.2", "15.3"), ("16.0", "16.1"), ("17.2", "17.4"), ("12.16", "13.11"), ("11.9", "13.11")])
    func postgresVersionsWithoutItNameTheMinimum(_ version: String, _ minimum: String) {
        let problem = DataAPISupport.problem(engine: "aurora-postgresql", version: version)
        #expect(problem == "Aurora PostgreSQL \(version) has no RDS Data API; it needs \(minimum) or later")
    }

    @Test func mysqlNeedsAurora307() {
        #expect(DataAPISupport.problem(engine: "aurora-mysql", version: "8.0.mysql_aurora.3.07.0") == nil)
        #expect(DataAPISupport.problem(engine: "aurora-mysql", version: "8.0.mysql_aurora.3.08.1") == nil)
        #expect(DataAPISupport.problem(engine: "aurora-mysql", version: "8.0.mysql_aurora.3.06.0")?.contains("needs 8.0.mysql_aurora.3.07.0") == true)
        #expect(DataAPISupport.problem(engine: "aurora-mysql", version: "5.7.mysql_aurora.2.11.3")?.contains("has no RDS Data API") == true)
    }

    @Test func notAuroraHasNoDataAPI() {
        #expect(DataAPISupport.problem(engine: "postgres", version: "16.1")?.contains("only Aurora clusters") == true)
    }
}
