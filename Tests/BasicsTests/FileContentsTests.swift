@testable import Basics
import Glibc
import Testing

@Suite struct FileContentsTests {
    @Test func readsAWholeFileAndSaysWhyWhenItCannot() throws {
        var template = Array("/tmp/file-contents-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(path) }
        let text = Array(String(repeating: "0123456789", count: 10_000).utf8)  // more than one 64 KiB chunk
        _ = text.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        #expect(try FileContents.read(path) == text)
        #expect(throws: FileContents.Failure(path: "/nonexistent/x", reason: "No such file or directory", isMissing: true)) {
            try FileContents.read("/nonexistent/x")
        }
        #expect(throws: FileContents.Failure.self) { try FileContents.read("/tmp") }  // a directory: EISDIR on read
    }
}
