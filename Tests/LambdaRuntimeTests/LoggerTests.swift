import FoundationEssentials
import Testing
@testable import LambdaRuntime

@Suite struct LoggerTests {
    struct Line: Decodable {
        let timestamp: String
        let level: String
        let message: String
        let requestId: String?
        let count: Int?
        let ok: Bool?
        let name: String?
    }

    @Test func jsonLineCarriesEveryFieldWithItsType() throws {
        let logger = Logger(format: .json, minimumLevel: .info, requestID: "r-1")
        let bytes = logger.render(.warn, "quote \" and\nnewline", ["count": 3, "ok": true, "name": "x"], at: 1_795_321_672_226)
        #expect(bytes.last == 0x0A)
        let line = try JSONDecoder().decode(Line.self, from: Data(bytes))
        #expect(line.timestamp == "2026-11-22T04:27:52.226Z")
        #expect(line.level == "WARN")
        #expect(line.message == "quote \" and\nnewline")
        #expect(line.requestId == "r-1")
        #expect(line.count == 3 && line.ok == true && line.name == "x")
    }

    @Test func textLineIsTabSeparatedAndKeepsOneEventPerLine() {
        let logger = Logger(format: .text, minimumLevel: .info)
        let text = String(decoding: logger.render(.error, "two\nlines", ["k": "v"], at: 0), as: UTF8.self)
        #expect(text == "1970-01-01T00:00:00.000Z\t-\tERROR\ttwo\rlines k=v\n")
    }

    @Test func levelFilterAndNames() {
        let logger = Logger(format: .text, minimumLevel: .warn)
        #expect(!logger.isEnabled(.info))
        #expect(logger.isEnabled(.error))
        #expect(LogLevel(name: "debug") == .debug)
        #expect(LogLevel(name: "verbose") == nil)
        #expect(LogFormat(name: "json") == .json)
    }
}
