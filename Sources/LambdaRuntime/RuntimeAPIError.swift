import HTTP1

/// A failure talking to the Runtime API itself, as opposed to a failed invocation.
public enum RuntimeAPIError: Error, CustomStringConvertible {
    /// The address is not `host:port`.
    case badAddress(String)
    /// Nothing answered, even after brief retries.
    case unreachable(address: String, attempts: Int, lastError: HTTPError)
    /// 500: the container is broken; Lambda expects the runtime to exit.
    case containerError(endpoint: String, body: String)
    case unexpectedStatus(endpoint: String, status: Int, body: String)
    case malformedInvocation(String)
    /// An answer that is not HTTP we can read: bad framing, a body over the limit.
    case malformedResponse(endpoint: String, detail: String)

    public var description: String {
        switch self {
        case .badAddress(let address):
            "AWS_LAMBDA_RUNTIME_API is '\(address)', expected host:port such as 127.0.0.1:9001"
        case .unreachable(let address, let attempts, let lastError):
            "Runtime API at \(address) unreachable after \(attempts) attempts (\(lastError)); exiting"
        case .containerError(let endpoint, let body):
            "Runtime API answered 500 on \(endpoint) (container error: \(body)); exiting"
        case .unexpectedStatus(let endpoint, let status, let body):
            "Runtime API answered \(status) on \(endpoint): \(body)"
        case .malformedResponse(let endpoint, let detail):
            "malformed response from the Runtime API on \(endpoint): \(detail); exiting"
        case .malformedInvocation(let why):
            "Runtime API sent an invocation without \(why); exiting"
        }
    }
}
