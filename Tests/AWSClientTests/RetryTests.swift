import AWSClient
import Foundation
import Testing

/// The standard retry mode against a real local server: attempts counted, none past the deadline.
@Suite struct RetryTests {
    static let throttled = ScriptedServer.Answer.status(400, #"{"__type":"ThrottlingException","message":"Rate exceeded"}"#)
    static let invalid = ScriptedServer.Answer.status(400, #"{"__type":"com.amazonaws.ssm#ValidationException","message":"bad name"}"#)

    func ssm(_ server: ScriptedServer, deadlineMilliseconds: Int64 = 10_000, baseDelay: Int = 10) throws -> SSM {
        let session = try AWSSession(environment: Environment([
            "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": server.url,
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
        ]))
        session.retryPolicy.baseDelayMilliseconds = baseDelay
        return SSM(session: session, deadline: .after(milliseconds: deadlineMilliseconds))
    }

    @Test func serverErrorsAreRetriedUntilSuccess() throws {
        let server = try ScriptedServer([.status(500, "{}"), .status(503, "{}")],
                                        thenAlways: .status(200, #"{"Parameter":{"Name":"n","Value":"v","Version":3}}"#))
        let parameter = try ssm(server).getParameter(name: "n")
        #expect(parameter?.Value == "v")
        #expect(server.attempts == 3)
    }

    @Test func throttlingIsRetried() throws {
        let server = try ScriptedServer([Self.throttled], thenAlways: .status(200, #"{"Version":1}"#))
        #expect(try ssm(server).putParameter(name: "n", value: "v", overwrite: true) == 1)
        #expect(server.attempts == 2)
    }

    @Test func aResetConnectionIsRetried() throws {
        let server = try ScriptedServer([.reset], thenAlways: .status(200, #"{"Version":7}"#))
        #expect(try ssm(server).putParameter(name: "n", value: "v", overwrite: true) == 7)
        #expect(server.attempts == 2)
    }

    @Test func threeAttemptsAtMost() throws {
        let server = try ScriptedServer([], thenAlways: .status(500, #"{"__type":"InternalServerError","message":"boom"}"#))
        #expect {
            try ssm(server).putParameter(name: "n", value: "v", overwrite: true)
        } throws: { error in
            (error as? AWSError)?.code == "InternalServerError"
        }
        #expect(server.attempts == 3)
    }

    @Test func clientErrorsAreNotRetried() throws {
        let server = try ScriptedServer([], thenAlways: Self.invalid)
        do {
            _ = try ssm(server).putParameter(name: "n", value: "v", overwrite: true)
            Issue.record("expected a ValidationException")
        } catch let error as AWSError {
            guard case .service(let service) = error else { Issue.record("\(error)"); return }
            #expect(service.code == "ValidationException")
            #expect(service.message == "bad name")
            #expect(service.status == 400)
            #expect(service.service == "SSM" && service.operation == "PutParameter")
        }
        #expect(server.attempts == 1)
    }

    @Test func noAttemptOrBackoffPassesTheDeadline() throws {
        // With up to 1 s and then 2 s of backoff, a 700 ms deadline allows the first attempt and
        // perhaps one more; whatever happens, the call ends, and every attempt starts, before it.
        let server = try ScriptedServer([], thenAlways: .status(503, #"{"__type":"ServiceUnavailable"}"#))
        let started = Int64(Date().timeIntervalSince1970 * 1000)
        let deadline = started + 700
        #expect(throws: AWSError.self) {
            try ssm(server, deadlineMilliseconds: 700, baseDelay: 1000).putParameter(name: "n", value: "v", overwrite: true)
        }
        let ended = Int64(Date().timeIntervalSince1970 * 1000)
        #expect(ended <= deadline + 50)
        #expect(server.attempts >= 1 && server.attempts <= 3)
        #expect(server.arrivalTimes.allSatisfy { $0 < deadline })
    }

    @Test func nothingListeningIsAConnectionErrorAfterRetries() throws {
        let session = try AWSSession(environment: Environment([
            "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:1",
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
        ]))
        session.retryPolicy.baseDelayMilliseconds = 5
        do {
            _ = try SSM(session: session, deadline: .after(milliseconds: 5_000)).getParameter(name: "n")
            Issue.record("expected a transport error")
        } catch {
            guard case .transport(_, _, let transport) = error else { Issue.record("\(error)"); return }
            #expect(transport.kind == .connection)
        }
    }
}
