/// One invocation as `GET /runtime/invocation/next` hands it out.
public struct Invocation: Sendable {
    public var requestID: String
    public var deadlineMilliseconds: Int64
    public var invokedFunctionARN: String
    public var traceID: String?
    public var clientContext: String?
    public var cognitoIdentity: String?
    public var tenantID: String?
    public var event: [UInt8]

    public init(requestID: String, deadlineMilliseconds: Int64, invokedFunctionARN: String,
                traceID: String? = nil, clientContext: String? = nil, cognitoIdentity: String? = nil,
                tenantID: String? = nil, event: [UInt8]) {
        self.requestID = requestID
        self.deadlineMilliseconds = deadlineMilliseconds
        self.invokedFunctionARN = invokedFunctionARN
        self.traceID = traceID
        self.clientContext = clientContext
        self.cognitoIdentity = cognitoIdentity
        self.tenantID = tenantID
        self.event = event
    }

    public func context(function: FunctionEnvironment, logger: Logger) -> Context {
        Context(requestID: requestID, deadlineMilliseconds: deadlineMilliseconds,
                invokedFunctionARN: invokedFunctionARN, traceID: traceID, clientContext: clientContext,
                cognitoIdentity: cognitoIdentity, tenantID: tenantID, function: function, logger: logger)
    }
}
