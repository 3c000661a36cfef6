import Digests
import Testing
@testable import Sanitization

/// The spec and the plan as values: what is refused before any write, and why.
@Suite struct MaskingPlanTests {
    func column(_ name: String, _ type: String = "character varying", length: Int? = 255, nullable: Bool = true,
                unique: Bool = false) -> Catalog.Column {
        Catalog.Column(name: name, type: type, maxLength: length, nullable: nullable, unique: unique)
    }

    var catalog: Catalog {
        Catalog(schema: "public", tables: [
            Catalog.Table(name: "customers", columns: [column("id", "integer", length: nil, nullable: false, unique: true),
                                                       column("email", nullable: false, unique: true), column("full_name", length: 100),
                                                       column("plan", length: 10, nullable: false), column("born", "date", length: nil),
                                                       column("initial", length: 1)], primaryKey: ["id"]),
            Catalog.Table(name: "orders", columns: [column("id", "bigint", length: nil, nullable: false, unique: true),
                                                    column("customer_email", nullable: false)], primaryKey: ["id"]),
            Catalog.Table(name: "events", columns: [column("payload", "text", length: nil)], primaryKey: []),
        ], foreignKeys: [Catalog.ForeignKey(name: "orders_customer_email_fkey", table: "orders", columns: ["customer_email"],
                                            referencedTable: "customers", referencedColumns: ["email"])])
    }

    func spec(_ tables: [String: [String: String]]) throws -> MaskingSpec {
        MaskingSpec(tables: try tables.mapValues { try $0.mapValues { text throws(SanitizeError) in try MaskingStrategy(text) } })
    }

    @Test func aGoodSpecPlansEveryMaskedColumnAndTheForeignKey() throws {
        let plan = try MaskingPlan(spec: try spec(["customers": ["email": "email", "full_name": "name", "born": "fixed:2000-01-01", "initial": "keep"],
                                                   "orders": ["customer_email": "email"]]), catalog: catalog)
        #expect(plan.tables.map(\.table) == ["customers", "orders"])
        #expect(plan.tables[0].columns.map(\.column.name) == ["email", "full_name", "born"])
        #expect(plan.tables[0].key.name == "id")
        #expect(plan.foreignKeys.map(\.name) == ["orders_customer_email_fkey"])
    }

    @Test func unlistedPersonalColumnsFailTheRunUnlessKept() throws {
        #expect(throws: SanitizeError.unlisted(["customers.email (name matches /e_?mail/)", "customers.full_name (name matches /(first|last|middle|full|sur|user|maiden|given|family|display|nick|contact|customer|account_holder)_?name/)",
                                                "orders.customer_email (name matches /e_?mail/)"])) {
            try MaskingPlan(spec: try spec([:]), catalog: catalog)
        }
        let kept = try MaskingPlan(spec: try spec(["customers": ["email": "keep", "full_name": "keep"], "orders": ["customer_email": "keep"]]),
                                   catalog: catalog)
        #expect(kept.tables.isEmpty && kept.kept == ["customers.email", "customers.full_name", "orders.customer_email"])
    }

    @Test func everyImpossibleStrategyIsNamedAtOnce() throws {
        let problems: [String]
        do {
            _ = try MaskingPlan(spec: try spec(["customers": ["email": "name", "plan": "null", "born": "email", "initial": "name", "id": "hash",
                                                              "nope": "text", "full_name": "keep"],
                                                "orders": ["customer_email": "hash"], "events": ["payload": "text"], "ghost": ["a": "text"]]),
                                catalog: catalog)
            Issue.record("the plan was accepted")
            return
        } catch SanitizeError.plan(let found) {
            problems = found
        }
        let expected = [
            "events has no primary key",
            "table ghost is not in schema public",
            "customers.nope does not exist",
            "customers.id (hash): it is the primary key",
            "customers.email (name): the column is unique",
            "customers.plan (null): the column is NOT NULL",
            "customers.born (email): the column is date",
            "customers.initial (name): the column holds 1 characters, and this strategy needs 8",
            "orders.customer_email references customers.email (orders_customer_email_fkey), masked with hash and name",
        ]
        for text in expected {
            #expect(problems.contains { $0.hasPrefix(text) }, "missing: \(text) in \(problems)")
        }
    }

    @Test func aTriggerThatFiresWhileMaskingIsRefusedUnlessAllowed() throws {
        var withTrigger = catalog
        withTrigger.triggers = [Catalog.Trigger(table: "customers", name: "audit_changes")]
        var masked = try spec(["customers": ["email": "email", "full_name": "name"], "orders": ["customer_email": "email"]])
        do {
            _ = try MaskingPlan(spec: masked, catalog: withTrigger)
            Issue.record("a firing trigger was accepted")
        } catch SanitizeError.plan(let problems) {
            #expect(problems == ["customers has trigger audit_changes, which fires on masking's UPDATEs and could copy the original values elsewhere: "
                                 + "drop or disable it before refreshing, or list \"customers.audit_changes\" in allowTriggers once what it writes is masked too"])
        }
        masked.allowTriggers = ["customers.audit_changes"]
        #expect(try MaskingPlan(spec: masked, catalog: withTrigger).tables.count == 2)
    }

    @Test func theSpecFileIsReadStrictly() throws {
        let good = try MaskingSpec(json: Array(#"{"tables": {"t": {"c": "sql:lower(c)", "d": "fixed:a:b"}}, "chunkRows": 10}"#.utf8))
        #expect(good.tables["t"]?["c"] == .sql("lower(c)") && good.tables["t"]?["d"] == .fixed("a:b") && good.chunkRows == 10)
        #expect(throws: SanitizeError.spec("unknown key \"tabels\"; the keys are allowTriggers, chunkRows, personalPatterns, sampleSize, schema, tables")) {
            try MaskingSpec(json: Array(#"{"tabels": {}}"#.utf8))
        }
        #expect(throws: SanitizeError.spec("t.c: unknown strategy \"mask\"; use email, name, phone, address, text, null, fixed:<value>, hash, keep or sql:<expression>")) {
            try MaskingSpec(json: Array(#"{"tables": {"t": {"c": "mask"}}}"#.utf8))
        }
        #expect(throws: SanitizeError.self) { try MaskingSpec(json: Array(#"{"tables": {"t": {"c": "sql:  "}}}"#.utf8)) }
        #expect(throws: SanitizeError.self) { try MaskingSpec(json: Array(#"{"tables": {}, "chunkRows": 0}"#.utf8)) }
        #expect(throws: SanitizeError.self) { try MaskingSpec(json: Array(#"{"tables": {}, "personalPatterns": ["("]}"#.utf8)) }
    }

    @Test func theChecksumFollowsTheTablesStrategiesOnly() throws {
        let one = try spec(["t": ["a": "email", "b": "name"], "u": ["c": "text"]])
        let two = try spec(["t": ["b": "name", "a": "email"], "u": ["c": "null"]])
        #expect(one.checksum(of: "t") == two.checksum(of: "t"))
        #expect(one.checksum(of: "u") != two.checksum(of: "u"))
    }

    @Test func personalColumnsByNameAndType() throws {
        let detector = PersonalColumns()
        for name in ["email", "contact_email", "EMail", "phone_number", "first_name", "LastName", "username", "name", "street_address",
                     "postal_code", "zipcode", "date_of_birth", "ssn", "last_ip", "api_token", "password_hash", "iban"] {
            #expect(detector.reason(column: name, type: "text") != nil, "\(name) should look personal")
        }
        for name in ["id", "plan", "total_cents", "created_at", "product_name", "shipping_method", "description", "zipper_count"] {
            #expect(detector.reason(column: name, type: "text") == nil, "\(name) should not look personal")
        }
        #expect(detector.reason(column: "origin", type: "inet") == "type inet")
        #expect(try PersonalColumns(patterns: ["^sku$"]).reason(column: "SKU", type: "text") == "name matches /^sku$/")
    }
}

@Suite struct MaskingPiecesTests {
    @Test func theKeyPadsGiveRFC2104HMAC() throws {
        let secret = Array("a-masking-key-for-tests-only-0123456789".utf8)
        let key = try MaskingKey(secret: secret)
        let message = Array("person@corp.example".utf8)
        // What the database computes: sha256(opad || sha256(ipad || m)).
        let inner = SHA256.hash(hex(key.innerPad) + message)
        #expect(SHA256.hash(hex(key.outerPad) + inner).hexString == HMAC.sha256(key: secret, message: message).hexString)
        #expect(key.digest("person@corp.example") == HMAC.sha256(key: secret, message: message).hexString)
        #expect(key.derived("verification") != key)
        #expect("\(key)" == "MaskingKey(redacted)")
        #expect(throws: SanitizeError.self) { try MaskingKey(secret: Array("short".utf8)) }
    }

    func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    @Test func chunksAimAtFiveSecondsAndChangeGradually() {
        var sizer = ChunkSizer(rows: 1_000)
        sizer.record(milliseconds: 100)
        #expect(sizer.rows == 4_000)  // fast: at most 4x
        sizer.record(milliseconds: 4_000)
        #expect(sizer.rows == 5_000)
        sizer.record(milliseconds: 60_000)
        #expect(sizer.rows == 2_500)  // slow: at least half
        var huge = ChunkSizer(rows: 900_000)
        huge.record(milliseconds: 1)
        #expect(huge.rows == ChunkSizer.maximumRows)
        var tiny = ChunkSizer(rows: 1)
        tiny.record(milliseconds: 100_000)
        #expect(tiny.rows == 1)
    }

    @Test func identifiersAreQuotedAndValuesNeverSpliced() {
        #expect(MaskingSQL.quote("we\"ird", .postgres) == "\"we\"\"ird\"")
        #expect(MaskingSQL.quote("we`ird", .mysql) == "`we``ird`")
        let column = Catalog.Column(name: "born", type: "date", maxLength: nil)
        #expect(MaskingSQL.expression(.fixed("2000-01-01"), column, fixed: "f0", .postgres)
                == "CASE WHEN \"born\" IS NULL THEN NULL ELSE CAST(:f0 AS date) END")
        let email = MaskingSQL.expression(.email, Catalog.Column(name: "email", type: "varchar", maxLength: 255), fixed: "f0", .mysql)
        #expect(email.contains(":ki") && email.contains(":ko") && !email.contains("2000"))
    }

    @Test func theReportSaysWhatWasDone() {
        var report = SanitizeReport()
        report.tables = [SanitizeReport.Table(table: "users", rows: 10, chunks: 2, seconds: 0.25, columns: ["email (email)"], verified: true)]
        report.finished = true
        report.foreignKeysChecked = ["orders_fk"]
        #expect(report.message == "masked 1 column in 1 table (10 rows); verified: no sampled value survived, row counts unchanged, the 1 foreign key on a masked column holds")
        #expect(SanitizeReport.line(report.tables[0]) == "rows=10, chunks=2, seconds=0.3, columns=email (email)")
    }
}
