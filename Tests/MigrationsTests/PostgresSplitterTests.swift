import Testing
@testable import Migrations

/// A case: the file's text and the statements (text, line) it must split into.
struct SplitCase: CustomTestStringConvertible, Sendable {
    let name: String
    let sql: String
    let expected: [SQLStatement]
    var testDescription: String { name }

    init(_ name: String, _ sql: String, _ expected: [(String, Int)]) {
        self.name = name
        self.sql = sql
        self.expected = expected.map { SQLStatement(text: $0.0, line: $0.1) }
    }
}

@Suite struct PostgresSplitterTests {
    static let cases: [SplitCase] = [
        SplitCase("one statement", "SELECT 1;", [("SELECT 1", 1)]),
        SplitCase("two on one line", "SELECT 1; SELECT 2;", [("SELECT 1", 1), ("SELECT 2", 1)]),
        SplitCase("last without terminator", "SELECT 1;\nSELECT 2", [("SELECT 1", 1), ("SELECT 2", 2)]),
        SplitCase("empty statements dropped", ";;\n;SELECT 1;;  ;", [("SELECT 1", 2)]),
        SplitCase("blank file", " \n\t\n", []),
        SplitCase("only comments", "-- nothing\n/* at all */\n", []),
        SplitCase("line numbers after blank lines", "\n\n\nSELECT 1;\n\nSELECT\n2;", [("SELECT 1", 4), ("SELECT\n2", 6)]),
        SplitCase("leading comment not part of the statement", "-- make t\nCREATE TABLE t (a int);", [("CREATE TABLE t (a int)", 2)]),
        SplitCase("inner comment kept", "SELECT 1 -- one\n, 2;", [("SELECT 1 -- one\n, 2", 1)]),
        SplitCase("semicolon in line comment", "SELECT 1 -- a; b\n;", [("SELECT 1 -- a; b", 1)]),
        SplitCase("semicolon in block comment", "SELECT /* ; */ 1;", [("SELECT /* ; */ 1", 1)]),
        SplitCase("nested block comments", "/* a /* b; */ c; */ SELECT 1;", [("SELECT 1", 1)]),
        SplitCase("nested comment inside statement", "SELECT /* x /* y */ ; */ 1;", [("SELECT /* x /* y */ ; */ 1", 1)]),
        SplitCase("semicolon in string", "SELECT 'a;b';", [("SELECT 'a;b'", 1)]),
        SplitCase("doubled quote", "SELECT 'it''s; fine';", [("SELECT 'it''s; fine'", 1)]),
        SplitCase("backslash is literal in standard strings", "SELECT 'C:\\'; SELECT 2;", [("SELECT 'C:\\'", 1), ("SELECT 2", 1)]),
        SplitCase("escape string with backslash quote", "SELECT E'a\\';b'; SELECT 2;", [("SELECT E'a\\';b'", 1), ("SELECT 2", 1)]),
        SplitCase("lower-case escape string", "SELECT e'\\\\'; SELECT 2;", [("SELECT e'\\\\'", 1), ("SELECT 2", 1)]),
        SplitCase("escape string with doubled quote", "SELECT E'x'';y';", [("SELECT E'x'';y'", 1)]),
        SplitCase("an identifier ending in e is no escape string", "SELECT name'x';", [("SELECT name'x'", 1)]),
        SplitCase("Unicode string", "SELECT U&'d\\0061t;a';", [("SELECT U&'d\\0061t;a'", 1)]),
        SplitCase("Unicode identifier", "SELECT 1 AS U&\"a;b\";", [("SELECT 1 AS U&\"a;b\"", 1)]),
        SplitCase("quoted identifier", "CREATE TABLE \"a;b\" (x int);", [("CREATE TABLE \"a;b\" (x int)", 1)]),
        SplitCase("doubled quote in identifier", "SELECT 1 AS \"x\"\";y\";", [("SELECT 1 AS \"x\"\";y\"", 1)]),
        SplitCase("dashes in string are no comment", "SELECT '--'; SELECT 2;", [("SELECT '--'", 1), ("SELECT 2", 1)]),
        SplitCase("comment marker in identifier", "SELECT 1 AS \"/*\"; SELECT 2;", [("SELECT 1 AS \"/*\"", 1), ("SELECT 2", 1)]),
        SplitCase("dollar body", "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;",
                  [("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql", 1)]),
        SplitCase("tagged dollar body", "DO $body$ BEGIN PERFORM 1; END $body$;", [("DO $body$ BEGIN PERFORM 1; END $body$", 1)]),
        SplitCase("pg_dump's $_$ tag", "CREATE FUNCTION f() RETURNS int\n    AS $_$\n  SELECT 1;\n$_$;\nSELECT 2;",
                  [("CREATE FUNCTION f() RETURNS int\n    AS $_$\n  SELECT 1;\n$_$", 1), ("SELECT 2", 5)]),
        SplitCase("other tag inside body", "DO $a$ SELECT $$;$$; $b$ ; $b$ $a$; SELECT 2;",
                  [("DO $a$ SELECT $$;$$; $b$ ; $b$ $a$", 1), ("SELECT 2", 1)]),
        SplitCase("quote inside dollar body", "DO $$ SELECT 'x; $$; SELECT 2;", [("DO $$ SELECT 'x; $$", 1), ("SELECT 2", 1)]),
        SplitCase("positional parameter is no dollar quote", "PREPARE p AS SELECT $1; SELECT 2;", [("PREPARE p AS SELECT $1", 1), ("SELECT 2", 1)]),
        SplitCase("dollar inside identifier", "SELECT a$b$c FROM t; SELECT 2;", [("SELECT a$b$c FROM t", 1), ("SELECT 2", 1)]),
        SplitCase("tags are case sensitive", "DO $A$ x; $a$ ; $A$; SELECT 2;", [("DO $A$ x; $a$ ; $A$", 1), ("SELECT 2", 1)]),
        SplitCase("BEGIN ATOMIC body",
                  "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT a + 1;\n  SELECT a + 2;\nEND;\nSELECT 3;",
                  [("CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT a + 1;\n  SELECT a + 2;\nEND", 1), ("SELECT 3", 6)]),
        SplitCase("CASE ... END inside BEGIN ATOMIC",
                  "CREATE PROCEDURE p() BEGIN ATOMIC SELECT CASE WHEN true THEN 1 ELSE 2 END; INSERT INTO t VALUES (1); END; SELECT 2;",
                  [("CREATE PROCEDURE p() BEGIN ATOMIC SELECT CASE WHEN true THEN 1 ELSE 2 END; INSERT INTO t VALUES (1); END", 1), ("SELECT 2", 1)]),
        SplitCase("begin atomic in lower case with a comment between", "create function f() returns int begin /* x */ atomic select 1; end; select 2;",
                  [("create function f() returns int begin /* x */ atomic select 1; end", 1), ("select 2", 1)]),
        SplitCase("plain BEGIN is a transaction", "BEGIN; SELECT 1; COMMIT;", [("BEGIN", 1), ("SELECT 1", 1), ("COMMIT", 1)]),
        SplitCase("CASE outside a body does not nest", "SELECT CASE WHEN true THEN 1 END; SELECT 2;", [("SELECT CASE WHEN true THEN 1 END", 1), ("SELECT 2", 1)]),
        SplitCase("multi-line string keeps its start line", "\nINSERT INTO t VALUES ('a\nb;\nc');\nSELECT 1;",
                  [("INSERT INTO t VALUES ('a\nb;\nc')", 2), ("SELECT 1", 5)]),
        SplitCase("non-ASCII text", "SELECT 'żółw;'; SELECT \"ünï;\";", [("SELECT 'żółw;'", 1), ("SELECT \"ünï;\"", 1)]),
        SplitCase("CRLF line ends", "SELECT 1;\r\nSELECT 2;\r\n", [("SELECT 1", 1), ("SELECT 2", 2)]),
        SplitCase("trailing comment after last statement", "SELECT 1; -- done", [("SELECT 1", 1)]),
        SplitCase("bit string and national string", "SELECT B'1010', N'x;y'; SELECT 2;", [("SELECT B'1010', N'x;y'", 1), ("SELECT 2", 1)]),
        SplitCase("a division sign is no comment", "SELECT 4/2; SELECT 3-1;", [("SELECT 4/2", 1), ("SELECT 3-1", 1)]),
        // pg_dump -s writes a multi-action rule like this; psql sends it as one statement.
        SplitCase("semicolons inside parentheses", "CREATE RULE r AS ON INSERT TO t DO ( INSERT INTO u VALUES (1); NOTIFY t; );\nSELECT 2;",
                  [("CREATE RULE r AS ON INSERT TO t DO ( INSERT INTO u VALUES (1); NOTIFY t; )", 1), ("SELECT 2", 2)]),
        SplitCase("a stray closing parenthesis does not hold the next statement", "SELECT 1); SELECT 2;", [("SELECT 1)", 1), ("SELECT 2", 1)]),
        SplitCase("a lone CR ends a line comment", "-- old Mac line ends\rSELECT 1;\rSELECT 2;", [("SELECT 1", 1), ("SELECT 2", 1)]),
        SplitCase("pg_dump's restrict lines are psql's", "\\restrict AbC123\nCREATE TABLE t (a int);\n\\unrestrict AbC123\n",
                  [("CREATE TABLE t (a int)", 2)]),
        SplitCase("COPY from a file is SQL", "COPY t FROM '/tmp/x.csv';", [("COPY t FROM '/tmp/x.csv'", 1)]),
        // psql lexes '…' by the server's standard_conforming_strings, which a file may turn off.
        SplitCase("backslash escapes once standard strings are off", "SET standard_conforming_strings = off;\nSELECT 'a\\';b'; SELECT 2;",
                  [("SET standard_conforming_strings = off", 1), ("SELECT 'a\\';b'", 2), ("SELECT 2", 2)]),
        SplitCase("SET … TO 'off' and back on", "SET SESSION standard_conforming_strings TO 'off'; SET standard_conforming_strings = on; SELECT 'C:\\'; SELECT 2;",
                  [("SET SESSION standard_conforming_strings TO 'off'", 1), ("SET standard_conforming_strings = on", 1),
                   ("SELECT 'C:\\'", 1), ("SELECT 2", 1)]),
        SplitCase("BEGIN ATOMIC means a body only in CREATE FUNCTION or PROCEDURE", "DO $$ BEGIN END $$; BEGIN ATOMIC; SELECT 1;",
                  [("DO $$ BEGIN END $$", 1), ("BEGIN ATOMIC", 1), ("SELECT 1", 1)]),
        SplitCase("CREATE OR REPLACE PROCEDURE with BEGIN ATOMIC", "CREATE OR REPLACE PROCEDURE p() BEGIN ATOMIC SELECT 1; SELECT 2; END; SELECT 3;",
                  [("CREATE OR REPLACE PROCEDURE p() BEGIN ATOMIC SELECT 1; SELECT 2; END", 1), ("SELECT 3", 1)]),
    ]

    @Test(arguments: cases)
    func splits(_ example: SplitCase) throws {
        #expect(try SQLDialect.postgres.split(example.sql, file: "V1__t.sql") == example.expected)
    }

    @Test(arguments: [
        ("SELECT 'open;", "V1__t.sql:1: the string opened with ' is never closed"),
        ("SELECT 1;\nSELECT \"x;", "V1__t.sql:2: the identifier opened with \" is never closed"),
        ("\n\n/* a /* b */", "V1__t.sql:3: the comment opened with /* is never closed"),
        ("DO $x$ BEGIN END; $y$;", "V1__t.sql:1: the body opened with $x$ is never closed"),
        ("SELECT E'\\';", "V1__t.sql:1: the escape string opened with E' is never closed"),
        ("SELECT 1;\n\\connect other\n", "V1__t.sql:2: \\connect is a psql meta-command"),
        ("\\i other.sql", "V1__t.sql:1: \\i is a psql meta-command"),
        ("COPY public.t (a) FROM stdin;\n1\n\\.\n", "V1__t.sql:1: COPY … FROM stdin carries its data inline"),
    ])
    func refusesWhatIsNeverClosed(sql: String, message: String) {
        #expect {
            try SQLDialect.postgres.split(sql, file: "V1__t.sql")
        } throws: { error in
            String(describing: error).hasPrefix(message)
        }
    }

    @Test func refusesAStatementOverTheDataAPILimitWithItsLine() throws {
        let long = "SELECT '" + String(repeating: "x", count: 65_530) + "'"
        #expect(try SQLDialect.postgres.split("SELECT 1;\n" + String(repeating: "y", count: 65_536), file: "f.sql").count == 2)
        #expect(throws: SQLSplitError.statementTooLong(file: "V2__big.sql", line: 3, length: 65_539, limit: 65_536)) {
            try SQLDialect.postgres.split("SELECT 1;\n\n\(long);", file: "V2__big.sql")
        }
    }

    @Test func countsCharactersNotBytes() throws {
        let text = "SELECT '" + String(repeating: "ż", count: 65_000) + "'"  // 130,000 bytes, 65,009 characters
        #expect(try SQLDialect.postgres.split(text, file: "f.sql").first?.text.unicodeScalars.count == 65_009)
    }
}
