import Testing
@testable import Migrations

@Suite struct MySQLSplitterTests {
    static let cases: [SplitCase] = [
        SplitCase("one statement", "SELECT 1;", [("SELECT 1", 1)]),
        SplitCase("two on one line", "SELECT 1; SELECT 2;", [("SELECT 1", 1), ("SELECT 2", 1)]),
        SplitCase("last without terminator", "SELECT 1;\nSELECT 2", [("SELECT 1", 1), ("SELECT 2", 2)]),
        SplitCase("empty statements dropped", ";;\n;SELECT 1;;  ;", [("SELECT 1", 2)]),
        SplitCase("blank file", "\n \n", []),
        SplitCase("only comments", "# a\n-- b\n/* c */\n", []),
        SplitCase("hash comment", "SELECT 1 # a; b\n;", [("SELECT 1 # a; b", 1)]),
        SplitCase("dash dash space comment", "SELECT 1 -- a; b\n;", [("SELECT 1 -- a; b", 1)]),
        SplitCase("dash dash tab comment", "SELECT 1 --\ta; b\n;", [("SELECT 1 --\ta; b", 1)]),
        SplitCase("dash dash at end of line is a comment", "SELECT 1 --\n;", [("SELECT 1 --", 1)]),
        SplitCase("dash dash without space is minus minus", "SELECT 5--1; SELECT 2;", [("SELECT 5--1", 1), ("SELECT 2", 1)]),
        // The mariadb client drops a line that starts with `--`, whatever follows (mysql.cc's "Skip comment lines").
        SplitCase("a line starting with dashes is the client's comment", "--- note; here\nSELECT 1;\n--x\n;", [("SELECT 1", 2)]),
        SplitCase("dashes later in a line are minus minus", "SELECT 5\n --1; SELECT 2;", [("SELECT 5\n --1", 1), ("SELECT 2", 2)]),
        SplitCase("block comment", "SELECT /* ; */ 1;", [("SELECT /* ; */ 1", 1)]),
        SplitCase("block comments do not nest", "/* a /* b */ SELECT 1;", [("SELECT 1", 1)]),
        SplitCase("executable comment is kept", "/*!40101 SET NAMES utf8mb4 */;\nSELECT 1;", [("/*!40101 SET NAMES utf8mb4 */", 1), ("SELECT 1", 2)]),
        SplitCase("semicolon inside executable comment", "/*!50003 SET @x = 1; */; SELECT 2;", [("/*!50003 SET @x = 1; */", 1), ("SELECT 2", 1)]),
        SplitCase("optimizer hint", "SELECT /*+ NO_ICP(t) */ a FROM t;", [("SELECT /*+ NO_ICP(t) */ a FROM t", 1)]),
        SplitCase("single-quoted string", "SELECT 'a;b';", [("SELECT 'a;b'", 1)]),
        SplitCase("backslash quote", "SELECT 'it\\'s;'; SELECT 2;", [("SELECT 'it\\'s;'", 1), ("SELECT 2", 1)]),
        SplitCase("doubled quote", "SELECT 'it''s;';", [("SELECT 'it''s;'", 1)]),
        SplitCase("escaped backslash before quote", "SELECT 'C:\\\\'; SELECT 2;", [("SELECT 'C:\\\\'", 1), ("SELECT 2", 1)]),
        SplitCase("double-quoted string", "SELECT \"a;\\\"b\";", [("SELECT \"a;\\\"b\"", 1)]),
        SplitCase("backtick identifier", "CREATE TABLE `a;b` (x int);", [("CREATE TABLE `a;b` (x int)", 1)]),
        SplitCase("doubled backtick", "SELECT 1 AS `x``;y`;", [("SELECT 1 AS `x``;y`", 1)]),
        SplitCase("backslash in backticks is literal", "SELECT 1 AS `a\\`; SELECT 2;", [("SELECT 1 AS `a\\`", 1), ("SELECT 2", 1)]),
        SplitCase("comment markers in strings", "SELECT '#', '-- ', '/*'; SELECT 2;", [("SELECT '#', '-- ', '/*'", 1), ("SELECT 2", 1)]),
        SplitCase("DELIMITER for a procedure",
                  "DELIMITER //\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND//\nDELIMITER ;\nSELECT 3;",
                  [("CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND", 2), ("SELECT 3", 8)]),
        SplitCase("DELIMITER $$", "DELIMITER $$\nCREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN SET NEW.a = 1; END$$\nDELIMITER ;",
                  [("CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN SET NEW.a = 1; END", 2)]),
        SplitCase("lower-case delimiter directive", "delimiter ;;\nSELECT 1;;\ndelimiter ;\nSELECT 2;", [("SELECT 1", 2), ("SELECT 2", 4)]),
        SplitCase("semicolons are plain under another delimiter", "DELIMITER //\nSELECT 1; SELECT 2//", [("SELECT 1; SELECT 2", 2)]),
        SplitCase("delimiter inside a string does not end", "DELIMITER //\nSELECT '//'//\nDELIMITER ;", [("SELECT '//'", 2)]),
        SplitCase("delimiter inside a comment does not end", "DELIMITER //\nSELECT 1 /* // */ //", [("SELECT 1 /* // */", 2)]),
        SplitCase("DELIMITER mid-statement is text", "SELECT delimiter FROM t;", [("SELECT delimiter FROM t", 1)]),
        SplitCase("a word starting with delimiter", "DELIMITERS;", [("DELIMITERS", 1)]),
        SplitCase("delimiter directive with trailing blanks", "DELIMITER //   \nSELECT 1//", [("SELECT 1", 2)]),
        SplitCase("last statement under custom delimiter unterminated", "DELIMITER //\nSELECT 1", [("SELECT 1", 2)]),
        SplitCase("line numbers", "\n\nSELECT 1;\n\n\nSELECT\n2;", [("SELECT 1", 3), ("SELECT\n2", 6)]),
        SplitCase("leading comment dropped", "# create\nCREATE TABLE t (a int);", [("CREATE TABLE t (a int)", 2)]),
        SplitCase("multi-line string keeps its start line", "INSERT INTO t VALUES ('a\n;b');\nSELECT 1;", [("INSERT INTO t VALUES ('a\n;b')", 1), ("SELECT 1", 3)]),
        SplitCase("non-ASCII", "SELECT 'żółw;'; SELECT `ünï;`;", [("SELECT 'żółw;'", 1), ("SELECT `ünï;`", 1)]),
        SplitCase("CRLF", "SELECT 1;\r\nSELECT 2;\r\n", [("SELECT 1", 1), ("SELECT 2", 2)]),
        SplitCase("dollar is ordinary", "SELECT $$; SELECT 2;", [("SELECT $$", 1), ("SELECT 2", 1)]),
        SplitCase("mysqldump header", "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n/*!40103 SET TIME_ZONE='+00:00' */;\n",
                  [("/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */", 1), ("/*!40103 SET TIME_ZONE='+00:00' */", 2)]),
        SplitCase("hash inside backticks", "SELECT `#x`; SELECT 2;", [("SELECT `#x`", 1), ("SELECT 2", 1)]),
    ]

    @Test(arguments: cases)
    func splits(_ example: SplitCase) throws {
        #expect(try SQLDialect.mysql.split(example.sql, file: "V1__t.sql") == example.expected)
    }

    @Test(arguments: [
        ("SELECT 'open;", "V1__t.sql:1: the string opened with ' is never closed"),
        ("SELECT 1;\nSELECT `x;", "V1__t.sql:2: the identifier opened with ` is never closed"),
        ("\n/* never", "V1__t.sql:2: the comment opened with /* is never closed"),
        ("SELECT \"a\\\";", "V1__t.sql:1: the string opened with \" is never closed"),
        ("SELECT 1;\nDELIMITER \nSELECT 2;", "V1__t.sql:2: DELIMITER needs a delimiter after it"),
    ])
    func refusesWhatIsNeverClosed(sql: String, message: String) {
        #expect {
            try SQLDialect.mysql.split(sql, file: "V1__t.sql")
        } throws: { error in
            String(describing: error).hasPrefix(message)
        }
    }

    @Test func refusesAStatementOverTheDataAPILimitWithItsLine() {
        let long = "SELECT '" + String(repeating: "x", count: 65_530) + "'"
        #expect(throws: SQLSplitError.statementTooLong(file: "V2__big.sql", line: 2, length: 65_539, limit: 65_536)) {
            try SQLDialect.mysql.split("SELECT 1;\n\(long);", file: "V2__big.sql")
        }
    }
}
