/// Security Token Service: who the credentials belong to (for `bootstrap doctor`).
public struct STS {
    let wire: QueryProtocol

    public init(session: AWSSession, deadline: Deadline) {
        wire = QueryProtocol(session: session, service: .sts, deadline: deadline)
    }

    public struct CallerIdentity: Encodable, Sendable, Equatable {
        public let account: String
        public let arn: String
        public let userID: String
    }

    public func getCallerIdentity() throws(AWSError) -> CallerIdentity {
        let result = try wire.call("GetCallerIdentity", QueryParameters())
        return CallerIdentity(account: result["Account"] ?? "", arn: result["Arn"] ?? "", userID: result["UserId"] ?? "")
    }
}
