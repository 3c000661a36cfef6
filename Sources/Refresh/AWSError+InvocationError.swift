import AWSClient
import LambdaRuntime

/// An AWS failure ends the invocation as `Function.AWSError`, with the service, operation, code,
/// request id and what to check in the message.
extension AWSError: InvocationError {
    public var errorType: String {
        if case .configuration = self { return "Function.InvalidConfiguration" }
        return "Function.AWSError"
    }

    public var errorMessage: String { description }
}
