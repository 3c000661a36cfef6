/// PostgreSQL's lexical rules for where a statement ends, as psql applies them: a `;` outside quotes,
/// quoted identifiers, comments, dollar-quoted bodies, parentheses (pg_dump's multi-action
/// `CREATE RULE … DO ( …; …; )`) and SQL-standard `BEGIN ATOMIC … END` bodies. pg_dump's
/// `\restrict`/`\unrestrict` lines are skipped; any other psql meta-command, and COPY's inline
/// data, are refused with their file and line.
enum PostgresSplitter {
    static func split(_ source: inout SQLSource) throws(SQLSplitError) -> [SQLStatement] {
        // Inside BEGIN ATOMIC bodies `;` ends inner statements; CASE … END nests there too. psql
        // looks for them only in CREATE [OR REPLACE] FUNCTION|PROCEDURE.
        var atomicDepth = 0
        var leadingWords: [String] = []
        // psql counts parentheses and ends a statement only at a `;` outside them.
        var parenDepth = 0
        var previousWord = ""
        // psql reads '…' as the server does: after SET standard_conforming_strings = off, a backslash escapes.
        var standardStrings = true
        while let byte = source.peek() {
            if SQLSource.isBlank(byte) {
                source.position += 1
                continue
            }
            if source.hasPrefix("--") {
                source.skipLineComment(endsAtCarriageReturn: true)
                continue
            }
            if byte == UInt8(ascii: "\\") {
                try metaCommand(&source)
                continue
            }
            if source.hasPrefix("/*") {
                try source.skipBlockComment(nested: true)
                continue
            }
            source.markStatementStart()
            if SQLSource.isIdentifierStart(byte) {
                let word = source.readWord()
                switch (word, source.peek(), source.peek(1)) {
                case ("E", UInt8(ascii: "'"), _):
                    try source.skipQuoted(what: "the escape string opened with E'", backslashEscapes: true)
                case ("U", UInt8(ascii: "&"), UInt8(ascii: "'")):
                    source.position += 1
                    try source.skipQuoted(what: "the Unicode string opened with U&'", backslashEscapes: false)
                case ("U", UInt8(ascii: "&"), UInt8(ascii: "\"")):
                    source.position += 1
                    try source.skipQuoted(what: "the Unicode identifier opened with U&\"", backslashEscapes: false)
                default:
                    if leadingWords.count < 4 { leadingWords.append(word) }
                    if word == "ATOMIC" && previousWord == "BEGIN" && Self.isRoutineDefinition(leadingWords) {
                        atomicDepth += 1
                    } else if atomicDepth > 0 && word == "CASE" {
                        atomicDepth += 1
                    } else if atomicDepth > 0 && word == "END" {
                        atomicDepth -= 1
                    }
                }
                previousWord = word
                continue
            }
            previousWord = ""
            switch byte {
            case UInt8(ascii: "'"):
                try source.skipQuoted(what: "the string opened with '", backslashEscapes: !standardStrings)
            case UInt8(ascii: "\""):
                try source.skipQuoted(what: "the identifier opened with \"", backslashEscapes: false)
            case UInt8(ascii: "$"):
                try skipDollarQuoted(&source)
            case UInt8(ascii: "("):
                parenDepth += 1
                source.position += 1
            case UInt8(ascii: ")"):
                parenDepth = max(0, parenDepth - 1)
                source.position += 1
            case UInt8(ascii: ";") where atomicDepth == 0 && parenDepth == 0:
                let statement = try endStatement(&source, firstWord: leadingWords.first)
                if leadingWords.first == "SET", let setting = statement.flatMap(Self.standardConformingStrings) { standardStrings = setting }
                leadingWords = []
                source.position += 1
            default:
                source.position += 1
            }
        }
        try endStatement(&source, firstWord: leadingWords.first)
        return source.statements
    }

    /// Ends the statement at the cursor and returns it (nil when it held nothing). `firstWord`: the
    /// statement's first word, upper-cased, so that only a COPY is read again.
    @discardableResult
    private static func endStatement(_ source: inout SQLSource, firstWord: String?) throws(SQLSplitError) -> SQLStatement? {
        let before = source.statements.count
        try source.endStatement(before: source.position)
        guard source.statements.count > before, let statement = source.statements.last else { return nil }
        guard firstWord == "COPY" else { return statement }
        // COPY … FROM stdin: psql would send the lines after it as data; here they would run as SQL.
        let words = statement.text.uppercased().split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
        if let from = words.lastIndex(of: "FROM"), from + 1 < words.count,
           words[from + 1].hasPrefix("STDIN") {
            throw .copyFromStdin(file: source.file, line: statement.line)
        }
        return statement
    }

    static func isRoutineDefinition(_ words: [String]) -> Bool {
        guard words.first == "CREATE" else { return false }
        let kind = words.count > 3 && words[1] == "OR" && words[2] == "REPLACE" ? words[3] : (words.count > 1 ? words[1] : "")
        return kind == "FUNCTION" || kind == "PROCEDURE"
    }

    /// The value a `SET [SESSION|LOCAL] standard_conforming_strings {=|TO} on|off` statement sets, else nil.
    static func standardConformingStrings(_ statement: SQLStatement) -> Bool? {
        var words = statement.text.lowercased().split(whereSeparator: { " \t\r\n=".contains($0) }).map(String.init)
        guard words.first == "set" else { return nil }
        words.removeFirst()
        if words.first == "session" || words.first == "local" { words.removeFirst() }
        guard words.count >= 2, words[0] == "standard_conforming_strings" else { return nil }
        let value = (words[1] == "to" && words.count > 2 ? words[2] : words[1]).filter { $0 != "'" && $0 != "\"" }
        switch value {
        case "off", "false", "0": return false
        case "on", "true", "1", "default": return true
        default: return nil
        }
    }

    /// A backslash outside quotes starts a psql meta-command that runs to the end of the line.
    private static func metaCommand(_ source: inout SQLSource) throws(SQLSplitError) {
        let line = source.line(of: source.position)
        source.position += 1
        let command = source.readRestOfLine()
        let name = String(command.prefix { $0 != " " && $0 != "\t" })
        // pg_dump (15.14, 16.10, 17.6 and later) wraps its output in these; they matter only to psql.
        guard name == "restrict" || name == "unrestrict" else {
            throw .metaCommand(name: String(name.prefix(40)), file: source.file, line: line)
        }
    }

    /// `$$ … $$` or `$tag$ … $tag$`. A `$` that opens no tag (`$1`, a lone `$`) is an ordinary byte.
    /// A `$` inside an identifier never reaches here: readWord takes it with the identifier.
    private static func skipDollarQuoted(_ source: inout SQLSource) throws(SQLSplitError) {
        let opening = source.position
        var end = opening + 1
        if end < source.bytes.count, SQLSource.isIdentifierStart(source.bytes[end]) {
            while end < source.bytes.count, SQLSource.isIdentifierPart(source.bytes[end]), source.bytes[end] != UInt8(ascii: "$") { end += 1 }
        }
        guard end < source.bytes.count, source.bytes[end] == UInt8(ascii: "$") else {
            source.position += 1
            return
        }
        let tag = Array(source.bytes[opening...end])
        source.position = end + 1
        while !source.atEnd {
            if source.bytes[source.position] == UInt8(ascii: "$"), source.bytes[source.position...].starts(with: tag) {
                source.position += tag.count
                return
            }
            source.position += 1
        }
        let name = String(decoding: tag, as: UTF8.self)
        throw .unterminated(what: "the body opened with \(name)", file: source.file, line: source.line(of: opening))
    }
}
