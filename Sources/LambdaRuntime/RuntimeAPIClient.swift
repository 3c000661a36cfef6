#if canImport(Glibc)
import Glibc
#endif
import HTTP1
import Basics

/// The Runtime API over one kept-alive HTTP/1.1 connection on a plain socket: on loopback this is
/// several times faster than any general HTTP client (BENCHMARKS.md).
public final class RuntimeAPIClient {
    public enum PostOutcome: Equatable, Sendable {
        case accepted
        /// 413: the body is over Lambda's payload limit.
        case tooLarge
        /// 400 `InvalidRequestID` or 403 `InvalidStateTransition`: a bug of ours, never retried.
        case rejected(status: Int, body: String)
    }

    public let address: String
    private let host: String
    private let port: UInt16
    private let nextRequest: [UInt8]
    /// Every POST's headers up to the Content-Length value.
    private let postHeaders: [UInt8]
    private var connection: (socket: Socket, reader: MessageReader)?
    /// Delays before each retry of a lost connection: the first is immediate because a kept-alive
    /// connection the server closed needs no wait; the whole schedule stays under two seconds.
    private let reconnect: Retry

    public init(address: String, retryDelaysMilliseconds: [UInt32] = [0, 50, 100, 200, 400, 800]) throws(RuntimeAPIError) {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]),
              colon > address.startIndex
        else { throw .badAddress(address) }
        self.address = address
        self.host = String(address[..<colon]).trimmingBrackets()
        self.port = port
        // The first attempt goes at once; delay n comes after attempt n.
        reconnect = Retry(maxAttempts: retryDelaysMilliseconds.count) { Int(retryDelaysMilliseconds[$0]) }
        self.nextRequest = MessageHead.serialize(
            "GET /2018-06-01/runtime/invocation/next HTTP/1.1",
            [("Host", address), ("User-Agent", Self.userAgent)])
        self.postHeaders = Array("Host: \(address)\r\nUser-Agent: \(Self.userAgent)\r\nContent-Type: application/json\r\nContent-Length: ".utf8)
    }

    static let userAgent = "staging-refresh-bootstrap/1.0"

    /// The largest body the Runtime API may send: Lambda's 6 MB invocation payload limit (6 MiB),
    /// with 1 KiB of headroom so that no event Lambda delivers is refused. A longer body, or a
    /// length that could not be allocated, is a malformed answer and ends the process with a
    /// logged error before anything is allocated for it.
    public static let maximumBodyBytes = 6 * 1024 * 1024 + 1024

    /// Waits, without a timeout, for the next invocation: the sandbox is frozen in between.
    public func next() throws(RuntimeAPIError) -> Invocation {
        let endpoint = "/2018-06-01/runtime/invocation/next"
        let (head, body) = try exchange(endpoint, request: nextRequest, body: [])
        guard head.statusCode == 200 else { throw failure(endpoint, head, body) }
        guard let requestID = head.header("lambda-runtime-aws-request-id"), !requestID.isEmpty else {
            throw .malformedInvocation("a Lambda-Runtime-Aws-Request-Id header")
        }
        guard let deadline = head.header("lambda-runtime-deadline-ms").flatMap({ Int64($0) }) else {
            throw .malformedInvocation("a numeric Lambda-Runtime-Deadline-Ms header")
        }
        return Invocation(
            requestID: requestID, deadlineMilliseconds: deadline,
            invokedFunctionARN: head.header("lambda-runtime-invoked-function-arn") ?? "",
            traceID: head.header("lambda-runtime-trace-id"),
            clientContext: head.header("lambda-runtime-client-context"),
            cognitoIdentity: head.header("lambda-runtime-cognito-identity"),
            tenantID: head.header("lambda-runtime-aws-tenant-id"),
            event: body)
    }

    public func postResponse(requestID: String, body: [UInt8]) throws(RuntimeAPIError) -> PostOutcome {
        try post("/2018-06-01/runtime/invocation/\(requestID)/response", body: body, extraHeaders: [])
    }

    public func postError(requestID: String, report: ErrorReport) throws(RuntimeAPIError) -> PostOutcome {
        try post("/2018-06-01/runtime/invocation/\(requestID)/error", body: report.json,
                 extraHeaders: [("Lambda-Runtime-Function-Error-Type", report.errorType)])
    }

    public func postInitError(report: ErrorReport) throws(RuntimeAPIError) -> PostOutcome {
        try post("/2018-06-01/runtime/init/error", body: report.json,
                 extraHeaders: [("Lambda-Runtime-Function-Error-Type", report.errorType)])
    }

    private func post(_ endpoint: String, body: [UInt8], extraHeaders: [(String, String)]) throws(RuntimeAPIError) -> PostOutcome {
        // Built straight into one buffer: this runs once per invocation.
        var head: [UInt8] = []
        head.reserveCapacity(postHeaders.count + endpoint.utf8.count + 64)
        head.append(contentsOf: "POST ".utf8)
        head.append(contentsOf: endpoint.utf8)
        head.append(contentsOf: " HTTP/1.1\r\n".utf8)
        head.append(contentsOf: postHeaders)
        head.append(contentsOf: String(body.count).utf8)
        head.append(contentsOf: [0x0D, 0x0A])
        MessageHead.append(extraHeaders, to: &head)
        head.append(contentsOf: [0x0D, 0x0A])
        let (response, responseBody) = try exchange(endpoint, request: head, body: body)
        switch response.statusCode {
        case 202?: return .accepted
        case 413?: return .tooLarge
        case let status? where status == 400 || status == 403:
            return .rejected(status: status, body: String(decoding: responseBody, as: UTF8.self))
        default: throw failure(endpoint, response, responseBody)
        }
    }

    private func failure(_ endpoint: String, _ head: MessageHead, _ body: [UInt8]) -> RuntimeAPIError {
        let text = String(decoding: body.prefix(1024), as: UTF8.self)
        if let status = head.statusCode, status >= 500 { return .containerError(endpoint: endpoint, body: text) }
        return .unexpectedStatus(endpoint: endpoint, status: head.statusCode ?? 0, body: text)
    }

    /// Sends one request and reads its response, reconnecting on a refused or reset connection.
    private func exchange(_ endpoint: String, request: [UInt8], body: [UInt8]) throws(RuntimeAPIError) -> (MessageHead, [UInt8]) {
        do throws(HTTPError) {
            return try reconnect.run(shouldRetry: { (error: HTTPError) in error.isConnectionLost }) { _ throws(HTTPError) in
                do throws(HTTPError) {
                    let (head, responseBody, reusable) = try roundTrip(try connected(), request: request, body: body)
                    if !reusable { connection = nil }
                    return (head, responseBody)
                } catch {
                    connection = nil
                    throw error
                }
            }
        } catch {
            guard error.isConnectionLost else { throw .malformedResponse(endpoint: endpoint, detail: error.description) }
            throw .unreachable(address: address, attempts: reconnect.maxAttempts, lastError: error)
        }
    }

    /// `reusable` is false when the connection cannot carry another request: the server said
    /// `Connection: close`, or the body ran until the server closed.
    private func roundTrip(_ live: (socket: Socket, reader: MessageReader), request: [UInt8], body: [UInt8]) throws(HTTPError) -> (MessageHead, [UInt8], reusable: Bool) {
        do throws(SocketError) {
            try live.socket.write(request, body)
        } catch {
            throw .socket(error)
        }
        guard let head = try live.reader.readHead() else { throw .closedEarly }
        let framing = try MessageReader.framing(of: head)
        let responseBody = try live.reader.readBody(framing, readsToClose: true)
        return (head, responseBody, !head.closesConnection && framing != .untilClose)
    }

    private func connected() throws(HTTPError) -> (socket: Socket, reader: MessageReader) {
        if let connection { return connection }
        do {
            let socket = try Socket.connect(host: host, port: port)
            let live = (socket: socket, reader: MessageReader(socket: socket, maximumBodyBytes: Self.maximumBodyBytes))
            connection = live
            return live
        } catch {
            throw .socket(error)
        }
    }
}

extension String {
    /// `[::1]` → `::1`, so IPv6 literals resolve.
    fileprivate func trimmingBrackets() -> String {
        hasPrefix("[") && hasSuffix("]") ? String(dropFirst().dropLast()) : self
    }
}
