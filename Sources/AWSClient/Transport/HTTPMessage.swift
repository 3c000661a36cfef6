/// An HTTPS request as the transport sends it. `url` is complete: scheme, host, the path encoded
/// once and the encoded query.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(method: String, url: String, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    /// Names as the server sent them; look up with `header(_:)`.
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        let key = name.lowercased()
        return headers.first { $0.0.lowercased() == key }?.1
    }
}

/// Why a request got no HTTP answer at all.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// libcurl could not be loaded: nothing will work until it is installed.
        case unavailable
        /// Refused, reset, unresolvable or dropped: a new attempt may succeed.
        case connection
        case timeout
        /// The request itself cannot be sent (a malformed URL, a scheme other than http/https):
        /// sending it again gives the same answer.
        case invalidRequest
        case other
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var isRetryable: Bool { kind == .connection || kind == .timeout }
    public var description: String { message }
}

/// Sends one request and returns the answer, within a time limit. Service clients see only this.
public protocol HTTPTransport: AnyObject {
    func send(_ request: HTTPRequest, timeoutMilliseconds: Int) throws(TransportError) -> HTTPResponse
}
