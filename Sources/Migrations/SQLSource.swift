/// A migration file as bytes, with a cursor, the statement being collected and the statements found
/// so far. The dialect splitters move the cursor over quotes and comments; this type knows lines,
/// trimming and the Data API's length limit, which are the same in every dialect.
struct SQLSource {
    let bytes: [UInt8]
    let file: String
    var position = 0
    /// Offset of the current statement's first byte that is neither blank nor a comment.
    private var start: Int?
    private var counted = (offset: 0, line: 1)
    private(set) var statements: [SQLStatement] = []

    init(_ text: String, file: String) {
        bytes = Array(text.utf8)
        self.file = file
    }

    var atEnd: Bool { position >= bytes.count }
    var inStatement: Bool { start != nil }

    /// The byte `ahead` places after the cursor, nil past the end.
    func peek(_ ahead: Int = 0) -> UInt8? {
        let offset = position + ahead
        return offset < bytes.count ? bytes[offset] : nil
    }

    func hasPrefix(_ text: String, caseInsensitive: Bool = false) -> Bool {
        var offset = position
        for expected in text.utf8 {
            guard offset < bytes.count else { return false }
            let actual = bytes[offset]
            guard actual == expected || (caseInsensitive && Self.lowercased(actual) == Self.lowercased(expected)) else { return false }
            offset += 1
        }
        return true
    }

    /// 1-based line of `offset`. Splitters ask in increasing order, so lines are counted once.
    mutating func line(of offset: Int) -> Int {
        if offset < counted.offset { counted = (0, 1) }
        var line = counted.line
        for index in counted.offset..<offset where bytes[index] == UInt8(ascii: "\n") { line += 1 }
        counted = (offset, line)
        return line
    }

    mutating func markStatementStart() {
        if start == nil { start = position }
    }

    /// Ends the current statement before `end` (the terminator's offset). A statement that holds
    /// nothing but blanks and comments was never started, so it is dropped.
    mutating func endStatement(before end: Int) throws(SQLSplitError) {
        guard let begin = start else { return }
        start = nil
        var last = end
        while last > begin, Self.isBlank(bytes[last - 1]) { last -= 1 }
        guard last > begin else { return }
        let text = String(decoding: bytes[begin..<last], as: UTF8.self)
        let line = line(of: begin)
        let length = text.unicodeScalars.count
        guard length <= SQLDialect.statementCharacterLimit else {
            throw .statementTooLong(file: file, line: line, length: length, limit: SQLDialect.statementCharacterLimit)
        }
        statements.append(SQLStatement(text: text, line: line))
    }

    // MARK: moving over what cannot end a statement

    /// From `--` or `#` to the end of the line.
    /// To the end of the line. PostgreSQL's scanner (and psql's) ends a `--` comment at a CR too,
    /// so a file with old Mac line ends is not one long comment; the mysql client reads to LF.
    mutating func skipLineComment(endsAtCarriageReturn: Bool = false) {
        while let byte = peek(), byte != UInt8(ascii: "\n"), !(endsAtCarriageReturn && byte == UInt8(ascii: "\r")) { position += 1 }
    }

    /// The text from the cursor to the end of its line (without the line end), and the cursor past it.
    mutating func readRestOfLine() -> String {
        let begin = position
        while let byte = peek(), byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\r") { position += 1 }
        return String(decoding: bytes[begin..<position], as: UTF8.self)
    }

    /// From `/*` to the matching `*/`; PostgreSQL nests them, MySQL does not.
    mutating func skipBlockComment(nested: Bool) throws(SQLSplitError) {
        let opening = position
        var depth = 0
        while !atEnd {
            if hasPrefix("/*") && (nested || depth == 0) {
                depth += 1
                position += 2
            } else if hasPrefix("*/") {
                depth -= 1
                position += 2
                if depth == 0 { return }
            } else {
                position += 1
            }
        }
        throw .unterminated(what: "the comment opened with /*", file: file, line: line(of: opening))
    }

    /// From an opening quote to just past its closing one. A doubled quote stands for itself; with
    /// `backslashEscapes` a backslash takes the next byte literally.
    mutating func skipQuoted(what: String, backslashEscapes: Bool) throws(SQLSplitError) {
        let opening = position
        let quote = bytes[position]
        position += 1
        while let byte = peek() {
            if backslashEscapes && byte == UInt8(ascii: "\\") {
                position += 2
            } else if byte == quote {
                position += 1
                guard peek() == quote else { return }
                position += 1
            } else {
                position += 1
            }
        }
        throw .unterminated(what: what, file: file, line: line(of: opening))
    }

    /// Moves past a run of identifier bytes and returns it in upper case.
    mutating func readWord() -> String {
        let begin = position
        while let byte = peek(), Self.isIdentifierPart(byte) { position += 1 }
        return String(decoding: bytes[begin..<position].map(Self.uppercased), as: UTF8.self)
    }

    // MARK: bytes

    static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    /// Letters, `_` and any byte of a multi-byte UTF-8 character, as both dialects allow.
    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    static func isIdentifierPart(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || (0x30...0x39).contains(byte) || byte == UInt8(ascii: "$")
    }

    static func lowercased(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte + 0x20 : byte
    }

    static func uppercased(_ byte: UInt8) -> UInt8 {
        (0x61...0x7A).contains(byte) ? byte - 0x20 : byte
    }
}
