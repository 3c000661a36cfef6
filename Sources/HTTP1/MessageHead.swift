/// The start line and headers of an HTTP/1.1 request or response.
public struct MessageHead: Sendable {
    public let startLine: String
    /// Names are lower-cased on parse, so lookups need no case folding.
    public let headers: [(name: String, value: String)]

    public init(startLine: String, headers: [(name: String, value: String)]) {
        self.startLine = startLine
        self.headers = headers
    }

    /// Parses the bytes before the blank line (CRLF line ends; bare LF tolerated).
    public init(parsing bytes: ArraySlice<UInt8>) throws(HTTPError) {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            line.last == UInt8(ascii: "\r") ? line.dropLast() : line
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let first = lines.first, !first.isEmpty else { throw .malformed("empty start line") }
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(lines.count - 1)
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw .malformed("header line without a colon: \(String(decoding: line, as: UTF8.self))")
            }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self).lowercased()
            let value = String(decoding: Self.trimmed(line[(colon + 1)...]), as: UTF8.self)
            headers.append((name, value))
        }
        self.init(startLine: String(decoding: first, as: UTF8.self), headers: headers)
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let c = slice.first, c == 0x20 || c == 0x09 { slice = slice.dropFirst() }
        while let c = slice.last, c == 0x20 || c == 0x09 { slice = slice.dropLast() }
        return slice
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        let key = name.lowercased()
        return headers.first { $0.name == key }?.value
    }

    /// Request line parts: method and target.
    public var method: Substring { startLine.prefix { $0 != " " } }
    public var target: Substring {
        let afterMethod = startLine.drop { $0 != " " }.dropFirst()
        return afterMethod.prefix { $0 != " " }
    }

    /// Response status code, or nil when the start line is not a status line.
    public var statusCode: Int? {
        let parts = startLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/") else { return nil }
        return Int(parts[1])
    }

    public var contentLength: Int? { header("content-length").flatMap { Int($0) } }

    public var isChunked: Bool { header("transfer-encoding")?.lowercased().contains("chunked") ?? false }

    public var closesConnection: Bool { header("connection")?.lowercased() == "close" }

    /// Serializes a start line and headers, ending with the blank line.
    public static func serialize(_ startLine: String, _ headers: [(String, String)]) -> [UInt8] {
        var text = startLine + "\r\n"
        for (name, value) in headers {
            text += name + ": " + value + "\r\n"
        }
        text += "\r\n"
        return Array(text.utf8)
    }
}
