import Testing
@testable import LambdaRuntime

@Suite struct JSONHandlerTests {
    struct Event: Decodable {
        let name: String
        let count: Int
    }

    struct Greeter: JSONHandler {
        func handle(event: Event, context: Context) throws -> [String: String] {
            ["hello": event.name + String(event.count)]
        }
    }

    let context = Context(requestID: "r", deadlineMilliseconds: 0, invokedFunctionARN: "arn",
                          function: FunctionEnvironment(name: "f"), logger: Logger())

    @Test func decodesAndEncodes() throws {
        let output = try Greeter().handle(Array(#"{"name":"a","count":2}"#.utf8), context: context)
        #expect(String(decoding: output, as: UTF8.self) == #"{"hello":"a2"}"#)
    }

    @Test(arguments: [
        (#"{"name":"a","count":"2"}"#, "'count' should be a number"),
        (#"{"name":"a"}"#, "'count' is required but missing"),
        ("not json", "the event is not valid JSON"),
        (#"{"name":null,"count":1}"#, "'name' should be a string, not null"),
    ])
    func invalidEventsNameWhereTheyAreWrong(event: String, explanation: String) throws {
        do {
            _ = try Greeter().handle(Array(event.utf8), context: context)
            Issue.record("expected an error")
        } catch let error as FunctionError {
            #expect(error.errorType == "Function.InvalidEvent")
            #expect(error.errorMessage.hasPrefix(explanation), "\(error.errorMessage)")
        }
    }

    @Test func badRuntimeAddressIsNamed() {
        #expect(throws: RuntimeAPIError.self) { try RuntimeAPIClient(address: "no-port") }
    }
}
