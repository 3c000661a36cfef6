import Testing
@testable import HTTP1

@Suite struct MessageHeadTests {
    @Test func parsesStatusLineAndHeadersCaseInsensitively() throws {
        let head = try MessageHead(parsing: Array("HTTP/1.1 202 Accepted\r\nContent-Length: 16\r\nX-Thing:   spaced value  \r\n".utf8)[...])
        #expect(head.statusCode == 202)
        #expect(head.contentLength == 16)
        #expect(head.header("x-thing") == "spaced value")
        #expect(head.header("X-THING") == "spaced value")
    }
}
