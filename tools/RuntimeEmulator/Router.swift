import FoundationEssentials
import HTTP1

/// Maps requests to the Runtime API, the local invoke endpoint and the emulator's own control
/// endpoints (under /_emulator/, which RIE does not have).
struct Router: Sendable {
    let state: RuntimeState
    let functionName: String
    let timeoutSeconds: Int
    let records: Bool

    private static let runtimePrefix = "/2018-06-01/runtime/"

    func handle(_ head: MessageHead, body: [UInt8], generation: Int) -> Reply? {
        let path = head.target.utf8.firstIndex(of: UInt8(ascii: "?")).map { String(head.target[..<$0]) } ?? head.target
        let method = head.method
        if path.utf8.starts(with: Self.runtimePrefix.utf8) {
            var recorded = false
            guard let reply = runtime(method, path: path, head: head, body: body, generation: generation, recorded: &recorded) else { return nil }
            if records && !recorded {
                let header = head.header("lambda-runtime-function-error-type")
                let isErrorPost = method == "POST" && path.hasSuffix("/error")
                state.record(.init(method: method, path: path, status: reply.status, errorTypeHeader: header,
                                   errorType: isErrorPost ? RuntimeState.validErrorType(header) : nil))
            }
            return reply
        }
        if method == "POST", path == "/2015-03-31/functions/function/invocations"
            || path == "/2015-03-31/functions/\(functionName)/invocations" {
            return invoke(head, body: body)
        }
        if method == "POST", path == "/_emulator/fail-next" {
            state.injectNextStatus(Int(String(decoding: body, as: UTF8.self)) ?? 500)
            return Reply(status: 200)
        }
        if method == "GET", path == "/_emulator/calls" {
            return Reply(status: 200, headers: [("Content-Type", "application/json")], body: callsJSON())
        }
        return Reply(status: 404, headers: [("Content-Type", "text/plain; charset=utf-8")],
                     body: Array("404 page not found\n".utf8))
    }

    /// nil when the connection belongs to a replaced runtime and should just close.
    /// `recorded` is set when the state recorded the call itself (an invocation's answer, recorded
    /// before the invoker wakes, so whoever reads the calls after the answer finds it).
    private func runtime(_ method: String, path: String, head: MessageHead, body: [UInt8], generation: Int, recorded: inout Bool) -> Reply? {
        let rest = String(decoding: path.utf8.dropFirst(Self.runtimePrefix.utf8.count), as: UTF8.self)
        if method == "GET", rest == "invocation/next" {
            switch state.next(generation: generation) {
            case .invocation(let invocation): return nextReply(invocation)
            case .injected(let status): return status == 500 ? .internalError : Reply(status: status)
            case .notAllowed(let phase): return .invalidStateTransition(from: phase, to: "Ready")
            case .stale: return nil
            }
        }
        if method == "POST", rest == "init/error" {
            switch state.initError(errorType: head.header("lambda-runtime-function-error-type"), body: body) {
            case .notAllowed(let phase): return .invalidStateTransition(from: phase, to: "InitError")
            default: return .accepted
            }
        }
        if method == "POST", rest.utf8.starts(with: "invocation/".utf8) {
            let parts = rest.utf8.split(separator: UInt8(ascii: "/")).map { String(decoding: $0, as: UTF8.self) }
            guard parts.count == 3 else { return Reply(status: 404) }
            let id = parts[1]
            if let mode = head.header("lambda-runtime-function-response-mode"), mode != "streaming" {
                return .rieError(400, type: "InvalidFunctionResponseMode", message: "Invalid function response mode")
            }
            let header = head.header("lambda-runtime-function-error-type")
            let call = records ? RuntimeState.Call(method: method, path: path, status: 0, errorTypeHeader: header,
                                                    errorType: parts[2] == "error" ? RuntimeState.validErrorType(header) : nil) : nil
            let result: RuntimeState.PostResult
            switch parts[2] {
            case "response": result = state.respond(id: id, body: body, recording: call)
            case "error": result = state.fail(id: id, errorType: header, body: body, recording: call)
            default: return Reply(status: 404)
            }
            recorded = call != nil
            switch result {
            case .accepted: return .accepted
            case .invalidRequestID: return .invalidRequestID
            case .tooLarge: return .tooLarge
            case .notAllowed(let phase): return .invalidStateTransition(from: phase, to: "InvocationResponse")
            }
        }
        return Reply(status: 404, headers: [("Content-Type", "text/plain; charset=utf-8")],
                     body: Array("404 page not found\n".utf8))
    }

    private func nextReply(_ invocation: PendingInvocation) -> Reply {
        var headers: [(String, String)] = [
            ("Lambda-Runtime-Aws-Request-Id", invocation.id),
            ("Lambda-Runtime-Deadline-Ms", String(invocation.deadlineMilliseconds)),
            ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:012345678912:function:\(functionName)"),
        ]
        // RIE sets these only when not empty.
        if let value = invocation.traceID, !value.isEmpty { headers.append(("Lambda-Runtime-Trace-Id", value)) }
        if let value = invocation.clientContext, !value.isEmpty { headers.append(("Lambda-Runtime-Client-Context", value)) }
        if let value = invocation.cognitoIdentity, !value.isEmpty { headers.append(("Lambda-Runtime-Cognito-Identity", value)) }
        if let value = invocation.tenantID, !value.isEmpty { headers.append(("Lambda-Runtime-Aws-Tenant-Id", value)) }
        headers.append(("Content-Type", "application/json"))
        return Reply(status: 200, headers: headers, body: invocation.event)
    }

    private struct CognitoIdentity: Codable {
        var cognitoIdentityId: String?
        var cognitoIdentityPoolId: String?
    }

    private func invoke(_ head: MessageHead, body: [UInt8]) -> Reply {
        var clientContext: String?
        if let encoded = head.header("x-amz-client-context") {
            guard let decoded = Data(base64Encoded: encoded) else { return Reply(status: 500) }
            clientContext = String(decoding: decoded, as: UTF8.self)
        }
        var cognito: String?
        if let text = head.header("x-amz-cognito-identity") {
            guard let identity = try? JSONDecoder().decode(CognitoIdentity.self, from: Data(text.utf8)) else {
                return Reply(status: 500)
            }
            if identity.cognitoIdentityId != nil || identity.cognitoIdentityPoolId != nil {
                cognito = (try? JSONEncoder().encode(identity)).map { String(decoding: $0, as: UTF8.self) }
            }
        }
        let invocation = PendingInvocation(
            id: head.header("x-amzn-requestid") ?? UUID().uuidString.lowercased(),
            event: body,
            deadlineMilliseconds: epochMilliseconds() + Int64(timeoutSeconds) * 1000,
            traceID: head.header("x-amzn-trace-id"),
            clientContext: clientContext,
            cognitoIdentity: cognito,
            tenantID: head.header("x-amz-tenant-id"))
        switch state.invoke(invocation, timeoutSeconds: timeoutSeconds) {
        case .response(let output): return Reply(status: 200, body: output)
        case .functionError(_, let errorBody): return Reply(status: 200, body: errorBody)
        case .initError(let errorBody): return Reply(status: 502, body: errorBody)
        case .timedOut(let seconds): return Reply(status: 200, body: Array("Task timed out after \(seconds).00 seconds".utf8))
        }
    }

    private func callsJSON() -> [UInt8] {
        struct Entry: Encodable {
            let method: String
            let path: String
            let status: Int
            let errorTypeHeader: String?
            let errorType: String?
        }
        let entries = state.recordedCalls().map {
            Entry(method: $0.method, path: $0.path, status: $0.status, errorTypeHeader: $0.errorTypeHeader, errorType: $0.errorType)
        }
        return Array((try? JSONEncoder().encode(entries)) ?? Data("[]".utf8))
    }
}
