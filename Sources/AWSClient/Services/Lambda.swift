/// Lambda: Invoke. Asynchronously, a long custom resource hands its work on to a new invocation of
/// the same function; synchronously, an in-place refresh runs its restart hook.
public struct Lambda {
    let session: AWSSession
    let deadline: Deadline

    public init(session: AWSSession, deadline: Deadline) {
        self.session = session
        self.deadline = deadline
    }

    /// Queues `payload` for `function` (name or ARN) with InvocationType Event; Lambda answers 202
    /// once it has queued it and runs it (with retries) on its own.
    public func invokeAsync(function: String, payload: [UInt8]) throws(AWSError) {
        let response = try send(function, payload, invocationType: "Event")
        guard response.status == 202 else {
            throw .malformedResponse(service: "Lambda", operation: "Invoke", "an Event invocation answered HTTP \(response.status), not 202")
        }
    }

    /// What a synchronous Invoke returned: the function's error type (X-Amz-Function-Error) when it failed.
    public struct Result: Sendable {
        public let functionError: String?
        public let payload: [UInt8]
    }

    public func invoke(function: String, payload: [UInt8]) throws(AWSError) -> Result {
        let response = try send(function, payload, invocationType: "RequestResponse")
        return Result(functionError: response.header("X-Amz-Function-Error"), payload: response.body)
    }

    private func send(_ function: String, _ payload: [UInt8], invocationType: String) throws(AWSError) -> HTTPResponse {
        try session.send(.lambda, operation: "Invoke", path: "/2015-03-31/functions/\(URIEncoding.encode(function))/invocations",
                         headers: [("Content-Type", "application/json"), ("X-Amz-Invocation-Type", invocationType)],
                         body: payload, deadline: deadline)
    }
}
