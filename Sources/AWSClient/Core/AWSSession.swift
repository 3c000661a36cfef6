#if canImport(Glibc)
import Glibc
#endif

/// What every service client shares: region, credentials (resolved once), endpoints, the HTTPS
/// transport (one kept-alive connection pool) and the retry policy. Create one per process.
public final class AWSSession {
    public let region: Region
    public let environment: Environment
    public var retryPolicy = RetryPolicy()
    /// Injectable for tests; the SigV4 date otherwise comes from the system clock.
    public var clock: () -> SigningTime = SigningTime.now
    private var transport: (any HTTPTransport)?
    private var resolvedCredentials: CredentialChain.Resolved?

    public init(environment: Environment = .process(), transport: (any HTTPTransport)? = nil) throws(AWSError) {
        self.environment = environment
        self.region = try Region.resolve(from: environment)
        self.transport = transport
    }

    public func credentials() throws(AWSError) -> CredentialChain.Resolved {
        if let resolvedCredentials { return resolvedCredentials }
        let resolved = try CredentialChain(environment: environment).resolve(transport: httpTransport)
        resolvedCredentials = resolved
        return resolved
    }

    public func endpoint(for service: ServiceDescriptor) throws(AWSError) -> Endpoint {
        try Endpoint.resolve(service, region: region, environment: environment)
    }

    /// libcurl is loaded on the first call that needs it, not at start-up. Shared with callers that
    /// send plain HTTPS (the custom-resource answer), so the process keeps one handle.
    public func httpTransport() throws(TransportError) -> any HTTPTransport {
        if let transport { return transport }
        let created = try CurlTransport(caBundle: CABundle.locate(environment: environment))
        transport = created
        return created
    }

    /// One operation: signs each attempt afresh, sends it, and retries per the policy within the
    /// deadline. A non-2xx answer becomes a `ServiceError` read by `ErrorParser`.
    public func send(_ service: ServiceDescriptor, operation: String, method: String = "POST", path: String = "/",
                     query: [(String, String)] = [], headers: [(String, String)], body: [UInt8],
                     deadline: Deadline) throws(AWSError) -> HTTPResponse {
        let endpoint = try endpoint(for: service)
        let credentials = try credentials().credentials
        let signer = SigV4Signer(service: service.signingName, region: region.name)
        let wirePath = endpoint.basePath + path
        let url = endpoint.url(path: path, query: URIEncoding.query(query))
        let policy = retryPolicy
        return try policy.retry(for: service).run(
            shouldRetry: { policy.isRetryable($0, for: service) },
            mayWait: { Int64($0 + policy.minimumAttemptMilliseconds) < deadline.remainingMilliseconds }
        ) { _ throws(AWSError) -> HTTPResponse in
            let remaining = deadline.remainingMilliseconds
            guard remaining >= Int64(policy.minimumAttemptMilliseconds) else {
                throw .transport(service: service.name, operation: operation,
                                 TransportError(.timeout, "the invocation's deadline leaves \(max(0, remaining)) ms, too little for another attempt"))
            }
            let signature = signer.sign(
                SigningRequest(method: method, host: endpoint.host, path: wirePath, query: query, headers: headers, body: body),
                credentials: credentials, at: clock())
            let request = HTTPRequest(method: method, url: url, headers: headers + signature.headers, body: body)
            let response: HTTPResponse
            do throws(TransportError) {
                response = try httpTransport().send(request, timeoutMilliseconds: Int(remaining))
            } catch {
                throw .transport(service: service.name, operation: operation, error)
            }
            guard (200..<300).contains(response.status) else { throw .service(ErrorParser.parse(response, service: service, operation: operation)) }
            return response
        }
    }
}
