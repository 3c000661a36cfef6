/// Everything Lambda tells a handler about one invocation.
public struct Context: Sendable {
    public let requestID: String
    /// When Lambda stops the invocation, in milliseconds since the Unix epoch.
    public let deadlineMilliseconds: Int64
    public let invokedFunctionARN: String
    public let traceID: String?
    /// The raw JSON of `Lambda-Runtime-Client-Context` (mobile SDK callers), if any.
    public let clientContext: String?
    /// The raw JSON of `Lambda-Runtime-Cognito-Identity`, if any.
    public let cognitoIdentity: String?
    public let tenantID: String?
    public let function: FunctionEnvironment
    /// Already tagged with this invocation's request id.
    public let logger: Logger

    public init(requestID: String, deadlineMilliseconds: Int64, invokedFunctionARN: String,
                traceID: String? = nil, clientContext: String? = nil, cognitoIdentity: String? = nil,
                tenantID: String? = nil, function: FunctionEnvironment, logger: Logger) {
        self.requestID = requestID
        self.deadlineMilliseconds = deadlineMilliseconds
        self.invokedFunctionARN = invokedFunctionARN
        self.traceID = traceID
        self.clientContext = clientContext
        self.cognitoIdentity = cognitoIdentity
        self.tenantID = tenantID
        self.function = function
        self.logger = logger.with(requestID: requestID)
    }

    public var remainingMilliseconds: Int64 { deadlineMilliseconds - Clock.epochMilliseconds() }

    public var remainingTime: Duration { .milliseconds(remainingMilliseconds) }

    public var functionName: String { function.name }
    public var functionVersion: String { function.version }
    public var memoryLimitMB: Int { function.memorySizeMB }
    public var logGroupName: String { function.logGroupName }
    public var logStreamName: String { function.logStreamName }
}
