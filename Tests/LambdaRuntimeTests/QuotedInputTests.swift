#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import LambdaRuntime

@Suite struct QuotedInputTests {
    @Test func shortInputIsQuotedWhole() {
        #expect(QuotedInput.quote("ENGINE") == "'ENGINE'")
    }

    @Test func longInputIsCutAndCounted() {
        let key = String(repeating: "k", count: 5_000_000)
        let quoted = QuotedInput.quote(key)
        #expect(quoted.count < 300)
        #expect(quoted.hasSuffix("…' (5000000 characters)"))
    }
}

@Suite struct TraceEnvironmentTests {
    private func current() -> String? {
        getenv(TraceEnvironment.name).map { String(cString: $0) }
    }

    @Test func setRewriteGrowAndUnset() {
        let trace = TraceEnvironment()
        trace.set("Root=1-a;Sampled=1")
        #expect(current() == "Root=1-a;Sampled=1")
        trace.set("Root=1-b")
        #expect(current() == "Root=1-b")
        let long = "Root=1-" + String(repeating: "c", count: 1_000)
        trace.set(long)
        #expect(current() == long)
        trace.set(nil)
        #expect(current() == nil)
        trace.set("Root=1-d")
        #expect(current() == "Root=1-d")
        trace.set(nil)
    }
}
