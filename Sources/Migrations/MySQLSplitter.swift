/// MySQL's and MariaDB's lexical rules for where a statement ends, as the `mysql` client applies
/// them: the current delimiter outside quotes and comments, with `DELIMITER` directives changing it.
enum MySQLSplitter {
    static func split(_ source: inout SQLSource) throws(SQLSplitError) -> [SQLStatement] {
        var delimiter = ";"
        while let byte = source.peek() {
            if SQLSource.isBlank(byte) {
                source.position += 1
            } else if byte == UInt8(ascii: "#") || (source.hasPrefix("--") && source.peek(2).map(isCommentSpace) ?? true) {
                source.skipLineComment()
            } else if source.hasPrefix("--"), source.position == 0 || source.bytes[source.position - 1] == UInt8(ascii: "\n") {
                // The client drops a whole line that starts with `--`, whatever follows the dashes
                // (mysql.cc, read_and_execute: "Skip comment lines"): `--- note` is a comment there.
                source.skipLineComment()
            } else if source.hasPrefix("/*!") || source.hasPrefix("/*+") {
                // Executable comments and optimizer hints are SQL the server runs: part of the statement.
                source.markStatementStart()
                try source.skipBlockComment(nested: false)
            } else if source.hasPrefix("/*") {
                try source.skipBlockComment(nested: false)
            } else if !source.inStatement, source.hasPrefix("DELIMITER", caseInsensitive: true),
                      source.peek(9).map(SQLSource.isBlank) ?? true {
                delimiter = try readDelimiter(&source)
            } else if source.hasPrefix(delimiter) {
                try source.endStatement(before: source.position)
                source.position += delimiter.utf8.count
            } else {
                source.markStatementStart()
                switch byte {
                case UInt8(ascii: "'"):
                    try source.skipQuoted(what: "the string opened with '", backslashEscapes: true)
                case UInt8(ascii: "\""):
                    try source.skipQuoted(what: "the string opened with \"", backslashEscapes: true)
                case UInt8(ascii: "`"):
                    try source.skipQuoted(what: "the identifier opened with `", backslashEscapes: false)
                default:
                    source.position += 1
                }
            }
        }
        try source.endStatement(before: source.position)
        return source.statements
    }

    /// `-- ` starts a comment only when a blank or control character follows the dashes.
    private static func isCommentSpace(_ byte: UInt8) -> Bool {
        byte <= 0x20
    }

    /// `DELIMITER //` up to the end of its line: a client directive, never sent to the server.
    private static func readDelimiter(_ source: inout SQLSource) throws(SQLSplitError) -> String {
        let directive = source.position
        source.position += 9
        while let byte = source.peek(), byte == 0x20 || byte == 0x09 { source.position += 1 }
        let begin = source.position
        while let byte = source.peek(), !SQLSource.isBlank(byte) { source.position += 1 }
        let delimiter = String(decoding: source.bytes[begin..<source.position], as: UTF8.self)
        guard !delimiter.isEmpty else { throw .emptyDelimiter(file: source.file, line: source.line(of: directive)) }
        source.skipLineComment()
        return delimiter
    }
}
