import AWSClient
import Glibc
import LambdaRuntime

/// PUTs the answer to the pre-signed ResponseURL: an empty Content-Type (the URL was signed
/// without one), retried on 5xx and connection errors until the deadline.
public struct CustomResourceResponder {
    let session: AWSSession

    /// The session's transport is used: libcurl loads on the first answer, not at init.
    public init(session: AWSSession) {
        self.session = session
    }

    public func send(_ response: CustomResourceResponse, to responseURL: String, deadline: Deadline, logger: Logger) throws {
        // The query is a signature and the userinfo a password: neither is ever logged.
        let urlForLogs = Redaction.url(String(responseURL.prefix(512)))
        let body = try response.encoded()
        let transport: any HTTPTransport
        do {
            transport = try session.httpTransport()
        } catch {
            throw FunctionError(.function, "ResponseNotDelivered", "cannot send the answer to \(urlForLogs): \(error.message)")
        }
        let put = HTTPRequest(method: "PUT", url: responseURL,
                              headers: [("Content-Type", "")], body: body)  // the transport adds Content-Length
        var delay: Int64 = 500
        var attempt = 1
        while true {
            do {
                let answer = try transport.send(put, timeoutMilliseconds: Int(max(1_000, min(deadline.remainingMilliseconds, 10_000))))
                if (200..<300).contains(answer.status) {
                    logger.info("custom resource answered", ["status": .string(response.Status.rawValue), "url": .string(urlForLogs)])
                    return
                }
                guard answer.status >= 500 else {
                    throw FunctionError(.function, "ResponseRejected", "the ResponseURL \(urlForLogs) refused the answer with HTTP \(answer.status); it may have expired (pre-signed URLs last 2 hours)")
                }
                logger.warn("ResponseURL answered HTTP \(answer.status); retrying", ["attempt": .int(Int64(attempt))])
            } catch let error as TransportError {
                guard error.isRetryable else {
                    throw FunctionError(.function, "ResponseNotDelivered", "cannot send the answer to \(urlForLogs): \(error.message)")
                }
                logger.warn("ResponseURL unreachable: \(error.message); retrying", ["attempt": .int(Int64(attempt))])
            }
            guard deadline.remainingMilliseconds > delay + 1_000, attempt < 6 else {
                throw FunctionError(.function, "ResponseNotDelivered", "could not PUT the answer to \(urlForLogs) after \(attempt) attempts")
            }
            usleep(UInt32(delay * 1_000))
            delay *= 2
            attempt += 1
        }
    }
}
