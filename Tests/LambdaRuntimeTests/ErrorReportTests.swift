import FoundationEssentials
import Testing
@testable import LambdaRuntime

@Suite struct ErrorReportTests {
    struct Body: Decodable, Equatable {
        let errorMessage: String
        let errorType: String
        let stackTrace: [String]
    }

    @Test func bodyHasLambdasThreeFields() throws {
        let report = ErrorReport(FunctionError(.function, "InvalidEvent", "bad \"x\"", stackTrace: ["a:1"]))
        let body = try JSONDecoder().decode(Body.self, from: Data(report.json))
        #expect(body == Body(errorMessage: "bad \"x\"", errorType: "Function.InvalidEvent", stackTrace: ["a:1"]))
    }

    @Test func foreignErrorsAreUnhandled() {
        struct Oops: Error {}
        #expect(ErrorReport(Oops()).errorType == "Function.UnhandledError")
    }

    @Test(arguments: [
        ("Function.InvalidEvent", "Function.InvalidEvent"),
        ("Runtime.HandlerNotFound", "Runtime.HandlerNotFound"),
        ("Function.bad", "Function.UnhandledError"),
        ("Other.Thing", "Function.UnhandledError"),
        ("Function.With1Digit", "Function.UnhandledError"),
    ])
    func typesAreKeptValidForLambda(type: String, expected: String) {
        #expect(ErrorReport.validType(type) == expected)
    }
}
