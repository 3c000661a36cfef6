import AWSClient
import LambdaRuntime
import Basics

/// PUTs the answer to the pre-signed ResponseURL: an empty Content-Type (the URL was signed
/// without one), retried on 5xx and connection errors until the deadline.
public struct CustomResourceResponder {
    let session: AWSSession

    /// The session's transport is used: libcurl loads on the first answer, not at init.
    public init(session: AWSSession) {
        self.session = session
    }

    /// 0.5 s, 1 s, 2 s, 4 s, 8 s between six attempts, while the deadline allows.
    static let schedule = Retry.doubling(from: 500, maxAttempts: 6)

    /// PUTs the answer before the invocation's deadline and returns it as the invocation's result.
    func answer(_ response: CustomResourceResponse, to responseURL: String, context: Context) throws -> [UInt8] {
        try send(response, to: responseURL, deadline: Deadline(epochMilliseconds: context.deadlineMilliseconds), logger: context.logger)
        return try response.encoded()
    }

    /// Exactly one FAILED answer for an event whose envelope is readable but whose request is not;
    /// the physical id is kept, so CloudFormation replaces nothing.
    func refuse(_ envelope: CustomResourceEnvelope, because reason: String, handler: String, context: Context) throws -> [UInt8] {
        context.logger.error("\(handler): \(reason)")
        return try answer(CustomResourceResponse(Status: .FAILED, Reason: reason,
                                                 PhysicalResourceId: envelope.PhysicalResourceId ?? "\(handler):\(envelope.LogicalResourceId)",
                                                 StackId: envelope.StackId, RequestId: envelope.RequestId,
                                                 LogicalResourceId: envelope.LogicalResourceId, Data: nil),
                          to: envelope.ResponseURL, context: context)
    }

    public func send(_ response: CustomResourceResponse, to responseURL: String, deadline: Deadline, logger: Logger) throws {
        // The query is a signature and the userinfo a password: neither is ever logged.
        let urlForLogs = Redaction.url(String(responseURL.prefix(512)))
        let body = try response.encoded()
        let transport: any HTTPTransport
        do {
            transport = try session.httpTransport()
        } catch {
            throw RefreshError.responseNotDelivered(url: urlForLogs, reason: error.message)
        }
        let put = HTTPRequest(method: "PUT", url: responseURL,
                              headers: [("Content-Type", "")], body: body)  // the transport adds Content-Length
        enum PutFailure: Error {
            case status(Int)
            case transport(TransportError)
        }
        var attempts = 0
        do throws(PutFailure) {
            try Self.schedule.run(
                shouldRetry: { (failure: PutFailure) in
                    switch failure {
                    case .status(let status): return status >= 500
                    case .transport(let error): return error.isRetryable
                    }
                },
                mayWait: { deadline.remainingMilliseconds > Int64($0) + 1_000 },
                onRetry: { failure, attempt in
                    switch failure {
                    case .status(let status): logger.warn("ResponseURL answered HTTP \(status); retrying", ["attempt": .int(Int64(attempt))])
                    case .transport(let error): logger.warn("ResponseURL unreachable: \(error.message); retrying", ["attempt": .int(Int64(attempt))])
                    }
                }
            ) { attempt throws(PutFailure) in
                attempts = attempt
                let answer: HTTPResponse
                do throws(TransportError) {
                    answer = try transport.send(put, timeoutMilliseconds: Int(max(1_000, min(deadline.remainingMilliseconds, 10_000))))
                } catch {
                    throw .transport(error)
                }
                guard (200..<300).contains(answer.status) else { throw .status(answer.status) }
            }
        } catch .status(let status) where status < 500 {
            throw RefreshError.responseRejected(url: urlForLogs, status: status)
        } catch .transport(let error) where !error.isRetryable {
            throw RefreshError.responseNotDelivered(url: urlForLogs, reason: error.message)
        } catch {
            throw RefreshError.responseNotDeliveredAfter(url: urlForLogs, attempts: attempts)
        }
        logger.info("custom resource answered", ["status": .string(response.Status.rawValue), "url": .string(urlForLogs)])
    }
}
