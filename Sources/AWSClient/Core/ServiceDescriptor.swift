/// What the client needs to know about one AWS service: how to reach it, sign for it and speak to it.
public struct ServiceDescriptor: Sendable {
    public enum WireProtocol: Sendable {
        /// `X-Amz-Target: <prefix>.<Operation>`, JSON in and out.
        case json(targetPrefix: String)
        /// Form-encoded `Action=…&Version=…` in, XML out.
        case query(version: String)
        /// Operations at paths, JSON in and out.
        case restJSON
    }

    /// The name people use, for messages.
    public let name: String
    /// `<prefix>.<region>.<suffix>`.
    public let endpointPrefix: String
    /// SigV4's service name.
    public let signingName: String
    /// The `AWS_ENDPOINT_URL_<ID>` suffix.
    public let environmentID: String
    public let wireProtocol: WireProtocol

    public static let ssm = ServiceDescriptor(name: "SSM", endpointPrefix: "ssm", signingName: "ssm",
                                              environmentID: "SSM", wireProtocol: .json(targetPrefix: "AmazonSSM"))
    public static let codePipeline = ServiceDescriptor(name: "CodePipeline", endpointPrefix: "codepipeline", signingName: "codepipeline",
                                                       environmentID: "CODEPIPELINE", wireProtocol: .json(targetPrefix: "CodePipeline_20150709"))
    public static let secretsManager = ServiceDescriptor(name: "Secrets Manager", endpointPrefix: "secretsmanager", signingName: "secretsmanager",
                                                         environmentID: "SECRETS_MANAGER", wireProtocol: .json(targetPrefix: "secretsmanager"))
    public static let rds = ServiceDescriptor(name: "RDS", endpointPrefix: "rds", signingName: "rds",
                                              environmentID: "RDS", wireProtocol: .query(version: "2014-10-31"))
    public static let cloudFormation = ServiceDescriptor(name: "CloudFormation", endpointPrefix: "cloudformation", signingName: "cloudformation",
                                                         environmentID: "CLOUDFORMATION", wireProtocol: .query(version: "2010-05-15"))
    public static let sts = ServiceDescriptor(name: "STS", endpointPrefix: "sts", signingName: "sts",
                                              environmentID: "STS", wireProtocol: .query(version: "2011-06-15"))
    public static let rdsData = ServiceDescriptor(name: "RDS Data", endpointPrefix: "rds-data", signingName: "rds-data",
                                                  environmentID: "RDS_DATA", wireProtocol: .restJSON)

    public static let all: [ServiceDescriptor] = [.ssm, .rds, .codePipeline, .cloudFormation, .rdsData, .secretsManager, .sts]
}
