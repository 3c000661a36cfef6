import FoundationEssentials

/// One invocation run in-process, for `bootstrap invoke` outside Lambda. The context mirrors
/// what Lambda would give, with Lambda's 15-minute maximum as the deadline.
public enum LocalInvocation {
    public static let maximumDuration: Int64 = 15 * 60 * 1000

    public static func run(_ handler: any Handler, event: [UInt8], functionName: String, logger: Logger) -> Result<[UInt8], ErrorReport> {
        let region = FunctionEnvironment.variable("AWS_REGION") ?? FunctionEnvironment.variable("AWS_DEFAULT_REGION") ?? "us-east-1"
        let context = Context(
            requestID: UUID().uuidString.lowercased(),
            deadlineMilliseconds: Clock.epochMilliseconds() + maximumDuration,
            invokedFunctionARN: "arn:aws:lambda:\(region):000000000000:function:\(functionName)",
            traceID: FunctionEnvironment.variable("_X_AMZN_TRACE_ID"),
            function: FunctionEnvironment(name: functionName, memorySizeMB: 0),
            logger: logger)
        do {
            return .success(try handler.handle(event, context: context))
        } catch {
            return .failure(ErrorReport(error))
        }
    }
}
