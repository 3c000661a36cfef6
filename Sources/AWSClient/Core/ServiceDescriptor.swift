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
    /// Error codes of this service worth another attempt, beyond every service's throttling and
    /// transient ones (RetryPolicy).
    public let retryableCodes: Set<String>
    /// Attempts for this service when not the policy's: a service that wakes up keeps being tried
    /// until the deadline.
    public let maxAttempts: Int?

    public init(name: String, endpointPrefix: String, signingName: String, environmentID: String, wireProtocol: WireProtocol,
                retryableCodes: Set<String> = [], maxAttempts: Int? = nil) {
        self.name = name
        self.endpointPrefix = endpointPrefix
        self.signingName = signingName
        self.environmentID = environmentID
        self.wireProtocol = wireProtocol
        self.retryableCodes = retryableCodes
        self.maxAttempts = maxAttempts
    }

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
    /// Aurora Serverless answers DatabaseResumingException while it wakes (up to about 30 s), and
    /// the Data API may be briefly unavailable: tried again until the deadline.
    public static let rdsData = ServiceDescriptor(name: "RDS Data", endpointPrefix: "rds-data", signingName: "rds-data",
                                                  environmentID: "RDS_DATA", wireProtocol: .restJSON,
                                                  retryableCodes: ["DatabaseResumingException", "DatabaseUnavailableException", "ServiceUnavailableError"],
                                                  maxAttempts: .max)

    public static let lambda = ServiceDescriptor(name: "Lambda", endpointPrefix: "lambda", signingName: "lambda",
                                                 environmentID: "LAMBDA", wireProtocol: .restJSON)

    public static let ecs = ServiceDescriptor(name: "ECS", endpointPrefix: "ecs", signingName: "ecs",
                                              environmentID: "ECS", wireProtocol: .json(targetPrefix: "AmazonEC2ContainerServiceV20141113"))
    public static let eventBridge = ServiceDescriptor(name: "EventBridge", endpointPrefix: "events", signingName: "events",
                                                      environmentID: "EVENTBRIDGE", wireProtocol: .json(targetPrefix: "AWSEvents"))

    public static let all: [ServiceDescriptor] = [.ssm, .rds, .codePipeline, .cloudFormation, .rdsData, .secretsManager, .sts, .lambda, .ecs, .eventBridge]
}
