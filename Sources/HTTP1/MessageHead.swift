/// The start line and headers of an HTTP/1.1 request or response, parsed once on bytes: both the
/// runtime and the emulator read one per request, and Character-level String work would dominate.
public struct MessageHead: Sendable {
    public let startLine: String
    /// Names are lower-cased on parse, so lookups need no case folding.
    public let headers: [(name: String, value: String)]
    /// Request line parts (empty for a response).
    public let method: String
    public let target: String
    /// Status line code (nil for a request).
    public let statusCode: Int?

    /// Parses the bytes before the blank line (CRLF line ends; bare LF tolerated).
    public init(parsing bytes: ArraySlice<UInt8>) throws(HTTPError) {
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = bytes.startIndex
        for index in bytes.indices where bytes[index] == 0x0A {
            var line = bytes[lineStart..<index]
            if line.last == 0x0D { line = line.dropLast() }
            if !line.isEmpty { lines.append(line) }
            lineStart = index + 1
        }
        if lineStart < bytes.endIndex { lines.append(bytes[lineStart...]) }
        guard let first = lines.first else { throw .malformed("empty start line") }

        let words = first.split(separator: 0x20, maxSplits: 2, omittingEmptySubsequences: true)
        if words.count >= 2, words[0].starts(with: Array("HTTP/".utf8)) {
            statusCode = Self.decimal(words[1])
            method = ""
            target = ""
        } else {
            guard words.count >= 2 else { throw .malformed("request line without a target") }
            statusCode = nil
            method = String(decoding: words[0], as: UTF8.self)
            target = String(decoding: words[1], as: UTF8.self)
        }
        startLine = String(decoding: first, as: UTF8.self)

        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(lines.count - 1)
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: 0x3A) else {
                throw .malformed("header line without a colon: \(String(decoding: line, as: UTF8.self))")
            }
            let name = String(decoding: line[line.startIndex..<colon].map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
            headers.append((name, String(decoding: Self.trimmed(line[(colon + 1)...]), as: UTF8.self)))
        }
        self.headers = headers
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

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let c = slice.first, c == 0x20 || c == 0x09 { slice = slice.dropFirst() }
        while let c = slice.last, c == 0x20 || c == 0x09 { slice = slice.dropLast() }
        return slice
    }

    /// The first value of a header. `lowercasedName` must be lower-case, as stored.
    public func header(_ lowercasedName: String) -> String? {
        for header in headers where header.name == lowercasedName { return header.value }
        return nil
    }

    public var contentLength: Int? {
        header("content-length").flatMap { Self.decimal(Array($0.utf8)[...]) }
    }

    public var isChunked: Bool { header("transfer-encoding")?.lowercased().contains("chunked") ?? false }

    public var closesConnection: Bool { header("connection")?.lowercased() == "close" }

    /// Serializes a start line and headers, ending with the blank line.
    public static func serialize(_ startLine: String, _ headers: [(String, String)]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        bytes.append(contentsOf: startLine.utf8)
        bytes.append(contentsOf: [0x0D, 0x0A])
        for (name, value) in headers {
            bytes.append(contentsOf: name.utf8)
            bytes.append(contentsOf: [0x3A, 0x20])
            bytes.append(contentsOf: value.utf8)
            bytes.append(contentsOf: [0x0D, 0x0A])
        }
        bytes.append(contentsOf: [0x0D, 0x0A])
        return bytes
    }
}
