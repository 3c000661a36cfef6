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
        var attempt = 0
        while true {
            attempt += 1
            let remaining = deadline.remainingMilliseconds
            let result: Result<HTTPResponse, AWSError>
            if remaining < Int64(retryPolicy.minimumAttemptMilliseconds) {
                result = .failure(.transport(service: service.name, operation: operation,
                                             TransportError(.timeout, "the invocation's deadline leaves \(max(0, remaining)) ms, too little for another attempt")))
            } else {
                let signature = signer.sign(
                    SigningRequest(method: method, host: endpoint.host, path: wirePath, query: query, headers: headers, body: body),
                    credentials: credentials, at: clock())
                let request = HTTPRequest(method: method, url: url, headers: headers + signature.headers, body: body)
                do {
                    let response = try httpTransport().send(request, timeoutMilliseconds: Int(remaining))
                    if (200..<300).contains(response.status) { return response }
                    result = .failure(.service(ErrorParser.parse(response, service: service, operation: operation)))
                } catch {
                    result = .failure(.transport(service: service.name, operation: operation, error))
                }
            }
            guard case .failure(let error) = result else { continue }
            guard attempt < retryPolicy.maxAttempts, retryPolicy.isRetryable(error) else { throw error }
            let delay = retryPolicy.delayMilliseconds(afterAttempt: attempt)
            guard Int64(delay + retryPolicy.minimumAttemptMilliseconds) < deadline.remainingMilliseconds else { throw error }
            if delay > 0 { usleep(UInt32(delay) * 1000) }
        }
    }
}
