#if canImport(Glibc)
import Glibc
#endif
import LambdaRuntime

/// Returns what the function sees of this invocation: the Context and `_X_AMZN_TRACE_ID`.
struct ContextHandler: Handler {
    static let entry = HandlerEntry(
        name: "context",
        summary: "Diagnostic: returns the invocation's context (request id, deadline, ARN, trace id, client context, identity, function settings) as JSON, and logs one line.",
        settings: [],
        make: { ContextHandler() })

    func handle(_ event: [UInt8], context: Context) throws -> [UInt8] {
        context.logger.info("context requested", ["eventBytes": .int(Int64(event.count))])
        var json = JSONText()
        json.raw("{")
        func member(_ name: String, _ value: String?, first: Bool = false) {
            json.key(name, first: first)
            if let value { json.string(value) } else { json.raw("null") }
        }
        member("requestId", context.requestID, first: true)
        json.key("deadlineMs")
        json.raw(String(context.deadlineMilliseconds))
        json.key("remainingMs")
        json.raw(String(context.remainingMilliseconds))
        member("invokedFunctionArn", context.invokedFunctionARN)
        member("traceId", context.traceID)
        member("traceEnvironment", getenv("_X_AMZN_TRACE_ID").map { String(cString: $0) })
        member("clientContext", context.clientContext)
        member("cognitoIdentity", context.cognitoIdentity)
        member("tenantId", context.tenantID)
        member("functionName", context.functionName)
        member("functionVersion", context.functionVersion)
        json.key("memoryLimitMB")
        json.raw(String(context.memoryLimitMB))
        member("logGroupName", context.logGroupName)
        member("logStreamName", context.logStreamName)
        json.raw("}")
        return json.bytes
    }
}
