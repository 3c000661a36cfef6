/// The start line and headers of an HTTP/1.1 request or response, parsed once on bytes: both the
/// runtime and the emulator read one per request. The head keeps its bytes and the ranges of each
/// header, and makes a String only for a header that is asked for: per-header Strings were most of
/// the runtime's work per invocation (callgrind: 8k of 56k instructions in this parser alone).
public struct MessageHead: Sendable {
    private struct Field: Sendable {
        let name: Range<Int>
        let value: Range<Int>
    }

    private let bytes: [UInt8]
    private let fields: [Field]
    /// Request line parts (empty for a response).
    public let method: String
    public let target: String
    /// Status line code (nil for a request).
    public let statusCode: Int?

    /// Parses the bytes before the blank line (CRLF line ends; bare LF tolerated).
    public init(parsing head: ArraySlice<UInt8>) throws(HTTPError) {
        let bytes = Array(head)
        var fields: [Field] = []
        fields.reserveCapacity(16)
        var startLine: Range<Int>?
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = bytes.firstIndex(of: 0x0A, in: lineStart..<bytes.count) ?? bytes.count
            let next = lineEnd + 1
            if lineEnd > lineStart && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            defer { lineStart = next }
            if lineEnd == lineStart { continue }
            guard startLine != nil else {
                startLine = lineStart..<lineEnd
                continue
            }
            guard let colon = bytes.firstIndex(of: 0x3A, in: lineStart..<lineEnd) else {
                throw .malformed("header line without a colon: \(String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self))")
            }
            fields.append(Field(name: lineStart..<colon, value: Self.trimmed(bytes, colon + 1..<lineEnd)))
        }
        guard let first = startLine else { throw .malformed("empty start line") }

        // The first two words: "HTTP/1.1 202" or "POST /path".
        var wordStart = first.lowerBound
        while wordStart < first.upperBound && bytes[wordStart] == 0x20 { wordStart += 1 }
        let firstEnd = bytes.firstIndex(of: 0x20, in: wordStart..<first.upperBound) ?? first.upperBound
        var secondStart = firstEnd
        while secondStart < first.upperBound && bytes[secondStart] == 0x20 { secondStart += 1 }
        let secondEnd = bytes.firstIndex(of: 0x20, in: secondStart..<first.upperBound) ?? first.upperBound
        guard secondStart < secondEnd else { throw .malformed("start line without a second word") }
        if bytes[wordStart..<firstEnd].starts(with: [0x48, 0x54, 0x54, 0x50, 0x2F]) {  // "HTTP/"
            statusCode = Self.decimal(bytes[secondStart..<secondEnd])
            method = ""
            target = ""
        } else {
            statusCode = nil
            method = String(decoding: bytes[wordStart..<firstEnd], as: UTF8.self)
            target = String(decoding: bytes[secondStart..<secondEnd], as: UTF8.self)
        }
        self.bytes = bytes
        self.fields = fields
    }

    private static func decimal(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        var value = 0
        for digit in digits {
            guard (0x30...0x39).contains(digit) else { return nil }
            value = value * 10 + Int(digit - 0x30)
        }
        return value
    }

    private static func trimmed(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int> {
        var (lower, upper) = (range.lowerBound, range.upperBound)
        while lower < upper && (bytes[lower] == 0x20 || bytes[lower] == 0x09) { lower += 1 }
        while upper > lower && (bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09) { upper -= 1 }
        return lower..<upper
    }

    /// Where the first value of a header is. Names compare without regard to ASCII case.
    private func valueRange(_ lowercasedName: String) -> Range<Int>? {
        if let found = lowercasedName.utf8.withContiguousStorageIfAvailable({ find($0) }) { return found }
        return Array(lowercasedName.utf8).withUnsafeBufferPointer { find($0) }
    }

    private func find(_ wanted: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        bytes.withUnsafeBufferPointer { buffer in
            search: for field in fields where field.name.count == wanted.count {
                var offset = 0
                for index in field.name {
                    let byte = buffer[index]
                    let folded = byte &- 0x41 < 26 ? byte | 0x20 : byte  // ASCII A-Z to a-z
                    if folded != wanted[offset] { continue search }
                    offset += 1
                }
                return field.value
            }
            return nil
        }
    }

    /// The first value of a header. `lowercasedName` must be lower-case.
    public func header(_ lowercasedName: String) -> String? {
        valueRange(lowercasedName).map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    /// The Content-Length: nil when the header is absent. A value that is not a decimal of at most
    /// 18 digits (negative, signed, overflowing, a list) is malformed, never "no length".
    public func contentLength() throws(HTTPError) -> Int? {
        guard let range = valueRange("content-length") else { return nil }
        let digits = bytes[range]
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw .malformed("Content-Length '\(Self.quoted(digits))' is not a non-negative decimal")
        }
        return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    /// At most 64 bytes of a header value, for an error message.
    static func quoted(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix(64), as: UTF8.self) + (bytes.count > 64 ? "…" : "")
    }

    public var isChunked: Bool { header("transfer-encoding")?.lowercased().contains("chunked") ?? false }

    public var closesConnection: Bool { header("connection")?.lowercased() == "close" }

    /// Serializes a start line and headers, ending with the blank line.
    public static func serialize(_ startLine: String, _ headers: [(String, String)]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        bytes.append(contentsOf: startLine.utf8)
        bytes.append(contentsOf: [0x0D, 0x0A])
        append(headers, to: &bytes)
        bytes.append(contentsOf: [0x0D, 0x0A])
        return bytes
    }

    /// Appends `Name: value` lines, each ending in CRLF.
    public static func append(_ headers: [(String, String)], to bytes: inout [UInt8]) {
        for (name, value) in headers {
            bytes.append(contentsOf: name.utf8)
            bytes.append(contentsOf: [0x3A, 0x20])
            bytes.append(contentsOf: value.utf8)
            bytes.append(contentsOf: [0x0D, 0x0A])
        }
    }
}
