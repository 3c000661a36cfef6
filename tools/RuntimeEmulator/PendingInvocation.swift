/// One invocation from the time it is queued until the invoker has its answer. Guarded by the
/// state's monitor.
final class PendingInvocation: @unchecked Sendable {
    enum Outcome {
        case response([UInt8])
        case functionError(type: String, body: [UInt8])
        case initError(body: [UInt8])
        case timedOut(seconds: Int)
    }

    let id: String
    let event: [UInt8]
    let deadlineMilliseconds: Int64
    let traceID: String?
    let clientContext: String?
    let cognitoIdentity: String?
    let tenantID: String?
    var outcome: Outcome?
    /// Monotonic ns when the runtime received the event and when it answered (for the bench).
    var handedOutAt: UInt64 = 0
    var answeredAt: UInt64 = 0

    init(id: String, event: [UInt8], deadlineMilliseconds: Int64, traceID: String? = nil,
         clientContext: String? = nil, cognitoIdentity: String? = nil, tenantID: String? = nil) {
        self.id = id
        self.event = event
        self.deadlineMilliseconds = deadlineMilliseconds
        self.traceID = traceID
        self.clientContext = clientContext
        self.cognitoIdentity = cognitoIdentity
        self.tenantID = tenantID
    }
}
