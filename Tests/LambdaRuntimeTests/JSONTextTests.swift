import Testing
@testable import LambdaRuntime

@Suite struct JSONTextTests {
    @Test func escapesQuotesBackslashesAndControls() {
        #expect(JSONText.quoted("a\"b\\c\nd\u{01}é\t") == #""a\"b\\c\nd\u0001é\t""#)
    }

    @Test func keysAreSeparatedByCommas() {
        var text = JSONText()
        text.raw("{")
        text.key("a", first: true)
        text.raw("1")
        text.key("b")
        text.string("x")
        text.raw("}")
        #expect(String(decoding: text.bytes, as: UTF8.self) == #"{"a":1,"b":"x"}"#)
    }
}
