import Testing
@testable import HTTP1

@Suite struct MessageHeadTests {
    @Test func parsesAStatusLineAndHeadersCaseInsensitively() throws {
        let head = try MessageHead(parsing: Array("HTTP/1.1 202 Accepted\r\nContent-Length: 16\r\nX-Thing:   spaced value  \r\n".utf8)[...])
        #expect(head.statusCode == 202)
        #expect(try head.contentLength() == 16)
        #expect(head.header("x-thing") == "spaced value")
        #expect(head.method.isEmpty)
    }

    @Test func parsesARequestLine() throws {
        let head = try MessageHead(parsing: Array("POST /2018-06-01/runtime/invocation/abc/response?x=1 HTTP/1.1\nHost: h\n".utf8)[...])
        #expect(head.method == "POST")
        #expect(head.target == "/2018-06-01/runtime/invocation/abc/response?x=1")
        #expect(head.statusCode == nil)
        #expect(head.header("host") == "h")
    }

    @Test func refusesAHeaderWithoutAColon() {
        #expect(throws: HTTPError.self) {
            try MessageHead(parsing: Array("HTTP/1.1 200 OK\r\nbroken header\r\n".utf8)[...])
        }
    }

    @Test func readsConnectionAndChunkingFlags() throws {
        let head = try MessageHead(parsing: Array("HTTP/1.1 200 OK\r\nConnection: Close\r\nTransfer-Encoding: chunked\r\n".utf8)[...])
        #expect(head.closesConnection)
        #expect(head.isChunked)
        #expect(try head.contentLength() == nil)
    }

    @Test func serializesWithCRLFAndABlankLine() {
        let bytes = MessageHead.serialize("GET / HTTP/1.1", [("Host", "a:1")])
        #expect(String(decoding: bytes, as: UTF8.self) == "GET / HTTP/1.1\r\nHost: a:1\r\n\r\n")
    }
}
