/// `${name}` in migration SQL, replaced with its value before the file is split (Flyway's
/// placeholders). A name without a value is refused, so a typo never reaches the database as
/// literal text. `$${…}` is left alone: in PostgreSQL that is an empty-tag dollar quote opening
/// before a brace, not a placeholder.
public struct Placeholders: Sendable, Equatable {
    public let values: [String: String]

    public init() {
        values = [:]
    }

    public init(_ values: [String: String]) throws(MigrationSetError) {
        for name in values.keys where !Self.isName(Array(name.utf8)[...]) { throw .badPlaceholderName(name) }
        self.values = values
    }

    /// `sql` with every placeholder replaced.
    public func apply(to sql: String, file: String) throws(MigrationSetError) -> String {
        let bytes = Array(sql.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var line = 1
        var copied = 0
        while index + 1 < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A { line += 1 }
            guard byte == UInt8(ascii: "$"), bytes[index + 1] == UInt8(ascii: "{"), index == 0 || bytes[index - 1] != UInt8(ascii: "$"),
                  let close = bytes[(index + 2)...].firstIndex(of: UInt8(ascii: "}")), Self.isName(bytes[(index + 2)..<close]) else {
                index += 1
                continue
            }
            let name = String(decoding: bytes[(index + 2)..<close], as: UTF8.self)
            guard let value = values[name] else {
                throw .unknownPlaceholder(file: file, line: line, name: name, known: values.keys.sorted())
            }
            output += bytes[copied..<index]
            output += value.utf8
            index = close + 1
            copied = index
        }
        guard copied > 0 else { return sql }
        output += bytes[copied...]
        return String(decoding: output, as: UTF8.self)
    }

    static func isName(_ bytes: ArraySlice<UInt8>) -> Bool {
        let letter = { (byte: UInt8) in byte == UInt8(ascii: "_") || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
        guard let first = bytes.first, letter(first), bytes.count <= 128 else { return false }
        return bytes.allSatisfy { letter($0) || (0x30...0x39).contains($0) }
    }
}
