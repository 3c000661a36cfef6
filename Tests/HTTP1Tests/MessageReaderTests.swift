#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import HTTP1

/// The reader over a real socket pair, with the peer's bytes arriving in the pieces a test chooses.
@Suite struct MessageReaderTests {
    private func pair() -> (reader: MessageReader, writer: Socket) {
        var fds: [Int32] = [0, 0]
        let status = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds)
        precondition(status == 0)
        return (MessageReader(socket: Socket(adopting: fds[0]), bufferSize: 64), Socket(adopting: fds[1]))
    }

    @Test func headSplitAcrossReadsAfterAnEarlierMessage() throws {
        // Regression: the blank-line scan kept an absolute offset across a buffer reset and missed
        // a head that arrived in pieces after a previous message.
        let (reader, writer) = pair()
        try writer.write(Array("GET /a HTTP/1.1\r\n\r\n".utf8))
        #expect(try reader.readHead()?.target == "/a")
        try writer.write(Array("GET /b HTTP/1.1\r\nHost: x\r".utf8))
        try writer.write(Array("\n\r\n".utf8))
        #expect(try reader.readHead()?.target == "/b")
    }

    @Test func pipelinedMessagesInOneRead() throws {
        let (reader, writer) = pair()
        try writer.write(Array("POST /1 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /2 HTTP/1.1\r\n\r\n".utf8))
        let first = try #require(try reader.readHead())
        #expect(try reader.readBody(of: first) == Array("abc".utf8))
        #expect(try reader.readHead()?.target == "/2")
    }

    @Test func bodyLargerThanTheBufferArrivesWhole() throws {
        // 50 kB fits the socket's buffer, so one thread can write it all before reading; the
        // reader's 64-byte buffer forces the direct-into-place path.
        let (reader, writer) = pair()
        let body = (0..<50_000).map { UInt8($0 % 251) }
        try writer.write(Array("HTTP/1.1 200 OK\r\nContent-Length: \(body.count)\r\n\r\n".utf8), body)
        let head = try #require(try reader.readHead())
        #expect(try reader.readBody(of: head) == body)
    }

    @Test func chunkedBody() throws {
        let (reader, writer) = pair()
        try writer.write(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\n\r\n".utf8))
        let head = try #require(try reader.readHead())
        #expect(try reader.readBody(of: head) == Array("Wikipedia".utf8))
    }

    @Test func cleanCloseBetweenMessagesIsNil() throws {
        let (reader, writer) = pair()
        writer.close()
        #expect(try reader.readHead() == nil)
    }

    @Test func closeInsideAMessageIsAnError() throws {
        let (reader, writer) = pair()
        try writer.write(Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".utf8))
        writer.close()
        let head = try #require(try reader.readHead())
        #expect(throws: HTTPError.self) { try reader.readBody(of: head) }
    }
}

/// What the Runtime API may send that no allocation should follow: lengths over the limit,
/// chunk sizes that overflow, lengths that are not numbers.
@Suite struct MessageReaderLimitTests {
    private func reader(sending text: String, limit: Int = 1_000) throws -> (MessageReader, MessageHead) {
        var fds: [Int32] = [0, 0]
        precondition(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        let writer = Socket(adopting: fds[1])
        try writer.write(Array(text.utf8))
        writer.close()
        let reader = MessageReader(socket: Socket(adopting: fds[0]), bufferSize: 64, maximumBodyBytes: limit)
        return (reader, try #require(try reader.readHead()))
    }

    private func malformed(_ text: String, limit: Int = 1_000) throws -> String {
        let (reader, head) = try reader(sending: text, limit: limit)
        do {
            _ = try reader.readBody(of: head, readsToClose: true)
        } catch .malformed(let why) {
            return why
        }
        Issue.record("no error for \(text.prefix(80))")
        return ""
    }

    @Test func aContentLengthOverTheLimitIsRefusedBeforeReading() throws {
        let why = try malformed("HTTP/1.1 200 OK\r\nContent-Length: 1001\r\n\r\n")
        #expect(why == "a body of 1001 bytes is over the 1000-byte limit")
    }

    @Test func aLengthTheProcessCannotAllocateIsRefused() throws {
        #expect(try malformed("HTTP/1.1 200 OK\r\nContent-Length: 999999999999999999\r\n\r\n").contains("over the 1000-byte limit"))
    }

    @Test func negativeOverflowingAndListLengthsAreErrorsNotNoLength() throws {
        for value in ["-1", "+5", "99999999999999999999", "5, 5", "0x10", ""] {
            let why = try malformed("HTTP/1.1 200 OK\r\nContent-Length: \(value)\r\n\r\nabcde")
            #expect(why.hasPrefix("Content-Length '") && why.hasSuffix("is not a non-negative decimal"), "\(value): \(why)")
        }
    }

    @Test func aHugeChunkSizeIsRefused() throws {
        // Int.max as a chunk size: refused by its length, before any arithmetic.
        #expect(try malformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\nab") == "bad chunk size '7fffffffffffffff'")
        #expect(try malformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffff\r\nab").contains("over the 1000-byte limit"))
    }

    @Test func chunksAddingUpOverTheLimitAreRefused() throws {
        let chunk = "1f4\r\n" + String(repeating: "x", count: 500) + "\r\n"
        #expect(try malformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk + chunk + "0\r\n\r\n").contains("1500 bytes"))
    }

    @Test func aBodyRunningToCloseOverTheLimitIsRefused() throws {
        #expect(try malformed("HTTP/1.1 200 OK\r\n\r\n" + String(repeating: "y", count: 1_100)).contains("over the 1000-byte limit"))
    }

    @Test func framingSaysWhenTheConnectionEndsTheBody() throws {
        let (_, closing) = try reader(sending: "HTTP/1.1 202 Accepted\r\n\r\n")
        #expect(try MessageReader.framing(of: closing) == .untilClose)
        let (_, sized) = try reader(sending: "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}")
        #expect(try MessageReader.framing(of: sized) == .length(2))
    }
}
