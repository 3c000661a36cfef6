import Basics

/// The SDKs' "standard" retry mode: up to 3 attempts, exponential backoff with full jitter
/// (a random delay up to base × 2^(attempt−1), capped), on throttling, transient errors, 5xx and
/// lost connections — and never a delay or an attempt that would end past the deadline.
public struct RetryPolicy: Sendable {
    public var maxAttempts = 3
    public var baseDelayMilliseconds = 1_000
    public var maxDelayMilliseconds = 20_000
    /// An attempt is only worth starting with at least this much time left.
    public var minimumAttemptMilliseconds = 100

    public init() {}

    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException", "TooManyUpdates",
    ]
    static let transientCodes: Set<String> = ["RequestTimeout", "RequestTimeoutException", "InternalError", "ServiceUnavailable"]

    public func isRetryable(_ error: AWSError, for descriptor: ServiceDescriptor? = nil) -> Bool {
        switch error {
        case .service(let service):
            return service.status >= 500 || Self.throttlingCodes.contains(service.code) || Self.transientCodes.contains(service.code)
                || descriptor?.retryableCodes.contains(service.code) == true
        case .transport(_, _, let transport):
            return transport.isRetryable
        case .configuration, .malformedResponse:
            return false
        }
    }

    /// The delay before attempt `attempt + 1`, after `attempt` attempts failed.
    public func delayMilliseconds(afterAttempt attempt: Int) -> Int {
        let ceiling = min(maxDelayMilliseconds, baseDelayMilliseconds << min(attempt - 1, 16))
        return Int.random(in: 0...max(0, ceiling))
    }

    /// This policy's schedule for `service` in the project's one retry loop.
    func retry(for service: ServiceDescriptor) -> Retry {
        let policy = self
        return Retry(maxAttempts: service.maxAttempts ?? maxAttempts) { policy.delayMilliseconds(afterAttempt: $0) }
    }
}
