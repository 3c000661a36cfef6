/// Reads HTTP/1.1 messages from one connection, keeping bytes that arrive early for the next one.
public final class MessageReader {
    public let socket: Socket
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private static let maximumHeadBytes = 64 * 1024

    /// See `Socket.read(into:spinNanoseconds:)`: zero for real clients.
    private let spinNanoseconds: UInt64

    /// The largest body accepted: a longer one is an error before anything is allocated for it.
    public let maximumBodyBytes: Int

    public init(socket: Socket, bufferSize: Int = 64 * 1024, spinNanoseconds: UInt64 = 0, maximumBodyBytes: Int = 16 * 1024 * 1024) {
        self.socket = socket
        self.spinNanoseconds = spinNanoseconds
        self.maximumBodyBytes = maximumBodyBytes
        self.buffer = [UInt8](repeating: 0, count: bufferSize)
    }

    /// How a message's body ends.
    public enum BodyFraming: Equatable, Sendable {
        case length(Int)
        case chunked
        /// Neither length nor chunking: a response's body then ends when the server closes, and the
        /// connection cannot carry another message.
        case untilClose
    }

    public static func framing(of head: MessageHead) throws(HTTPError) -> BodyFraming {
        if head.isChunked { return .chunked }
        if let length = try head.contentLength() { return .length(length) }
        return .untilClose
    }

    /// The next message's head, or nil when the peer closed cleanly between messages.
    public func readHead() throws(HTTPError) -> MessageHead? {
        // Counted from `start`, because fill() may move the buffered bytes to the front.
        var scanned = 0
        while true {
            if let headEnd = findBlankLine(from: start + scanned) {
                let head = try MessageHead(parsing: buffer[start..<headEnd.lineStart])
                start = headEnd.bodyStart
                return head
            }
            scanned = max(0, end - start - 3)
            if end - start >= Self.maximumHeadBytes { throw .malformed("head longer than 64 KiB") }
            if try fill() == 0 {
                if start == end { return nil }
                throw .closedEarly
            }
        }
    }

    /// The body the head announces. `readsToClose` is for responses that carry neither length nor
    /// chunking, whose body ends when the server closes.
    public func readBody(of head: MessageHead, readsToClose: Bool = false) throws(HTTPError) -> [UInt8] {
        try readBody(try Self.framing(of: head), readsToClose: readsToClose)
    }

    public func readBody(_ framing: BodyFraming, readsToClose: Bool = false) throws(HTTPError) -> [UInt8] {
        switch framing {
        case .chunked:
            return try readChunked()
        case .length(let length):
            try checkSize(length)
            return try readExactly(length)
        case .untilClose:
            guard readsToClose else { return [] }
            while try fill() > 0 {
                try checkSize(end - start)
            }
            let body = Array(buffer[start..<end])
            start = end
            return body
        }
    }

    private func checkSize(_ count: Int) throws(HTTPError) {
        guard count <= maximumBodyBytes else {
            throw .malformed("a body of \(count) bytes is over the \(maximumBodyBytes)-byte limit")
        }
    }

    private func readExactly(_ count: Int) throws(HTTPError) -> [UInt8] {
        let buffered = min(count, end - start)
        var failure: HTTPError?
        let body = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            buffer.withUnsafeBytes { source in
                out.baseAddress!.update(from: source.baseAddress!.assumingMemoryBound(to: UInt8.self) + start, count: buffered)
            }
            var filled = buffered
            // Large bodies are read straight into place: a 6 MB event is copied once, not twice.
            while filled < count {
                do throws(SocketError) {
                    let n = try socket.read(into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(out)[filled..<count]), spinNanoseconds: spinNanoseconds)
                    if n == 0 { failure = .closedEarly; break }
                    filled += n
                } catch {
                    failure = .socket(error)
                    break
                }
            }
            initialized = failure == nil ? count : 0
        }
        start += buffered
        if let failure { throw failure }
        return body
    }

    private func readChunked() throws(HTTPError) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeLine = try readLine()
            let sizeText = sizeLine.prefix { $0 != ";" }.filter { $0 != " " && $0 != "\t" }
            guard sizeText.count <= 15, let size = Int(sizeText, radix: 16), size >= 0 else {
                throw .malformed("bad chunk size '\(sizeLine.prefix(64))'")
            }
            if size == 0 {
                while try !readLine().isEmpty {}
                return body
            }
            try checkSize(body.count + size)
            body.append(contentsOf: try readExactly(size))
            guard try readLine().isEmpty else { throw .malformed("chunk not followed by CRLF") }
        }
    }

    private func readLine() throws(HTTPError) -> String {
        while true {
            if let newline = buffer[start..<end].firstIndex(of: UInt8(ascii: "\n")) {
                var lineEnd = newline
                if lineEnd > start && buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                let line = String(decoding: buffer[start..<lineEnd], as: UTF8.self)
                start = newline + 1
                return line
            }
            if end - start > 4096 { throw .malformed("a chunk-size or trailer line longer than 4 KiB") }
            if try fill() == 0 { throw .closedEarly }
        }
    }

    /// Reads more bytes after `end`, compacting or growing the buffer first when it is full.
    private func fill() throws(HTTPError) -> Int {
        if start == end {
            start = 0
            end = 0
        }
        if end == buffer.count {
            if start > 0 {
                let (from, count) = (start, end - start)
                buffer.withUnsafeMutableBytes { raw in
                    raw.baseAddress!.copyMemory(from: raw.baseAddress! + from, byteCount: count)
                }
                end -= start
                start = 0
            } else {
                buffer.append(contentsOf: repeatElement(0, count: buffer.count))
            }
        }
        let filledUpTo = end
        let spin = spinNanoseconds
        let read = buffer.withUnsafeMutableBytes { raw in
            Result { () throws(SocketError) in
                try socket.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filledUpTo...]), spinNanoseconds: spin)
            }
        }
        guard case .success(let n) = read else {
            if case .failure(let error) = read { throw .socket(error) }
            return 0
        }
        end += n
        return n
    }

    private func findBlankLine(from: Int) -> (lineStart: Int, bodyStart: Int)? {
        var i = from
        while let newline = buffer.firstIndex(of: 0x0A, in: i..<end) {
            if newline + 1 < end, buffer[newline + 1] == 0x0A {
                return (newline + 1, newline + 2)
            }
            if newline + 2 < end, buffer[newline + 1] == 0x0D, buffer[newline + 2] == 0x0A {
                return (newline + 1, newline + 3)
            }
            i = newline + 1
        }
        return nil
    }
}
