/// What the invoke loop needs of Lambda's Runtime API: `RuntimeAPIClient` speaks it over HTTP; the
/// loop's unit tests script it in memory, as aws-lambda-go tests its loop in-process.
public protocol RuntimeAPI {
    func next() throws(RuntimeAPIError) -> Invocation
    func postResponse(requestID: String, body: [UInt8]) throws(RuntimeAPIError) -> RuntimeAPIClient.PostOutcome
    func postError(requestID: String, report: ErrorReport) throws(RuntimeAPIError) -> RuntimeAPIClient.PostOutcome
}

extension RuntimeAPIClient: RuntimeAPI {}
