/// PostgreSQL's lexical rules for where a statement ends, as psql applies them: a `;` outside quotes,
/// quoted identifiers, comments, dollar-quoted bodies, parentheses (pg_dump's multi-action
/// `CREATE RULE … DO ( …; …; )`) and SQL-standard `BEGIN ATOMIC … END` bodies. pg_dump's
/// `\restrict`/`\unrestrict` lines are skipped; any other psql meta-command, and COPY's inline
/// data, are refused with their file and line.
enum PostgresSplitter {
    static func split(_ source: inout SQLSource) throws(SQLSplitError) -> [SQLStatement] {
        // Inside BEGIN ATOMIC bodies `;` ends inner statements; CASE … END nests there too.
        var atomicDepth = 0
        // psql counts parentheses and ends a statement only at a `;` outside them.
        var parenDepth = 0
        var previousWord = ""
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
                    if word == "ATOMIC" && previousWord == "BEGIN" {
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
                try source.skipQuoted(what: "the string opened with '", backslashEscapes: false)
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
                try endStatement(&source)
                source.position += 1
            default:
                source.position += 1
            }
        }
        try endStatement(&source)
        return source.statements
    }

    private static func endStatement(_ source: inout SQLSource) throws(SQLSplitError) {
        let before = source.statements.count
        try source.endStatement(before: source.position)
        guard source.statements.count > before, let statement = source.statements.last else { return }
        // COPY … FROM stdin: psql would send the lines after it as data; here they would run as SQL.
        let words = statement.text.uppercased().split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
        if words.first == "COPY", let from = words.lastIndex(of: "FROM"), from + 1 < words.count,
           words[from + 1].hasPrefix("STDIN") {
            throw .copyFromStdin(file: source.file, line: statement.line)
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
