#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import LambdaRuntime

/// The invoke loop's decisions without sockets: what it posts for a handler's answer or error, what
/// it logs when the Runtime API refuses, and what it sets for the invocation. The HTTP side is
/// RuntimeAPIClient's, tested through the binary against the Runtime API emulator.
@Suite(.serialized) struct InvokeLoopTests {
    final class ScriptedAPI: RuntimeAPI {
        var invocations: [Invocation]
        var responseOutcome: RuntimeAPIClient.PostOutcome = .accepted
        var responses: [(String, [UInt8])] = []
        var errors: [(String, ErrorReport)] = []

        init(_ invocations: [Invocation]) { self.invocations = invocations }

        func next() throws(RuntimeAPIError) -> Invocation {
            guard !invocations.isEmpty else { throw .containerError(endpoint: "/runtime/invocation/next", body: "no more") }
            return invocations.removeFirst()
        }

        func postResponse(requestID: String, body: [UInt8]) throws(RuntimeAPIError) -> RuntimeAPIClient.PostOutcome {
            responses.append((requestID, body))
            return responseOutcome
        }

        func postError(requestID: String, report: ErrorReport) throws(RuntimeAPIError) -> RuntimeAPIClient.PostOutcome {
            errors.append((requestID, report))
            return .accepted
        }
    }

    struct Echo: Handler {
        func handle(_ event: [UInt8], context: Context) throws -> [UInt8] {
            Array("\(context.requestID) \(context.deadlineMilliseconds) ".utf8) + event
        }
    }

    struct Failing: Handler {
        func handle(_ event: [UInt8], context: Context) throws -> [UInt8] {
            throw FunctionError(.function, "Broken", "it broke")
        }
    }

    /// The loop's log lines, through a pipe as the Logger writes them.
    final class CapturedLog {
        let logger: Logger
        private let read: Int32
        private let write: Int32

        init() {
            var ends: [Int32] = [0, 0]
            pipe(&ends)
            (read, write) = (ends[0], ends[1])
            _ = fcntl(read, F_SETFL, O_NONBLOCK)
            logger = Logger(format: .text, minimumLevel: .info, descriptor: write)
        }

        var text: String {
            var bytes = [UInt8](repeating: 0, count: 65_536)
            let count = Glibc.read(read, &bytes, bytes.count)
            return count > 0 ? String(decoding: bytes[0..<count], as: UTF8.self) : ""
        }

        deinit {
            close(read)
            close(write)
        }
    }

    func invocation(_ id: String, trace: String? = nil) -> Invocation {
        Invocation(requestID: id, deadlineMilliseconds: 1_700_000_000_000, invokedFunctionARN: "arn:aws:lambda:us-east-1:111122223333:function:f",
                   traceID: trace, event: Array("{\"a\":1}".utf8))
    }

    func loop(_ api: ScriptedAPI, _ handler: any Handler, _ log: CapturedLog) -> InvokeLoop {
        InvokeLoop(client: api, handler: handler, function: FunctionEnvironment(name: "f"), logger: log.logger)
    }

    @Test func aHandlersAnswerIsPostedForItsRequestWithTheInvocationsTraceAndDeadline() throws {
        let api = ScriptedAPI([invocation("r-1", trace: "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"), invocation("r-2")])
        let log = CapturedLog()
        let trace = TraceEnvironment()
        try loop(api, Echo(), log).invokeOnce(trace: trace)
        #expect(api.responses.map(\.0) == ["r-1"])
        #expect(String(decoding: api.responses[0].1, as: UTF8.self) == "r-1 1700000000000 {\"a\":1}")
        #expect(getenv("_X_AMZN_TRACE_ID").map { String(cString: $0) } == "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")
        // The next invocation has no trace: the previous one's must not linger.
        try loop(api, Echo(), log).invokeOnce(trace: trace)
        #expect(getenv("_X_AMZN_TRACE_ID") == nil)
        #expect(api.errors.isEmpty)
    }

    @Test func aHandlersErrorIsPostedAsTheInvocationsErrorAndLogged() throws {
        let api = ScriptedAPI([invocation("r-3")])
        let log = CapturedLog()
        try loop(api, Failing(), log).invokeOnce(trace: TraceEnvironment())
        #expect(api.responses.isEmpty)
        #expect(api.errors.map { "\($0.0) \($0.1.errorType) \($0.1.errorMessage)" } == ["r-3 Function.Broken it broke"])
        #expect(log.text.contains("it broke"))
    }

    @Test func aResponseOverTheLimitIsLoggedWithItsType() throws {
        let api = ScriptedAPI([invocation("r-4")])
        api.responseOutcome = .tooLarge
        let log = CapturedLog()
        try loop(api, Echo(), log).invokeOnce(trace: TraceEnvironment())
        let text = log.text
        #expect(text.contains("Function.ResponseSizeTooLarge") && text.contains("over Lambda's 6,291,556-byte limit"))
        #expect(api.errors.isEmpty)  // Lambda already failed it; a later /error would get 400
    }

    @Test func aRefusedResponseIsLoggedWithTheStatusAndBody() throws {
        let api = ScriptedAPI([invocation("r-5")])
        api.responseOutcome = .rejected(status: 400, body: "{\"errorType\":\"InvalidRequestID\"}")
        let log = CapturedLog()
        try loop(api, Echo(), log).invokeOnce(trace: TraceEnvironment())
        #expect(log.text.contains("Runtime API refused the response (400): {\"errorType\":\"InvalidRequestID\"}"))
    }

    @Test func aRuntimeAPIFailureEndsTheLoopsTurnWithoutCallingTheHandler() {
        let api = ScriptedAPI([])
        #expect(throws: RuntimeAPIError.self) { try loop(api, Echo(), CapturedLog()).invokeOnce(trace: TraceEnvironment()) }
        #expect(api.responses.isEmpty && api.errors.isEmpty)
    }
}
