import AWSClient
import Basics
import FoundationEssentials
import LambdaRuntime

/// Self-service clones carried out: each a stack from templates/clone.yml, made, listed, deleted
/// and expired through CloudFormation. `bootstrap clone` and the expire-clones handler use it; the
/// decisions are DeveloperClones'.
public struct CloneStacks {
    let settings: Settings
    let session: AWSSession
    let deadline: Deadline
    let clones: DeveloperClones

    public init(settings: Settings, session: AWSSession, deadline: Deadline) {
        self.settings = settings
        self.session = session
        self.deadline = deadline
        clones = DeveloperClones(settings: settings)
    }

    public struct Created: Encodable, Sendable {
        public let name: String
        public let stackName: String
        public let stackId: String
        public let expires: String
    }

    public struct Summary: Encodable, Sendable {
        public let name: String
        public let stackName: String
        public let owner: String
        public let source: String
        public let created: String
        public let expires: String
        public let status: String
        public let endpoint: String?
    }

    /// Checks the source is clonable and the cluster quota has room, then starts the stack.
    public func create(name: String, ttl: String, instanceClass: String, owner: String) throws -> Created {
        let stackName = try clones.stackName(for: name)
        let ttlMilliseconds = try DeveloperClones.ttlMilliseconds(ttl)
        guard case .cluster(let source) = settings.source else {
            throw RefreshError.invalidConfiguration("clones are Aurora copy-on-write clones: set SOURCE_DB_CLUSTER_IDENTIFIER to the source cluster")
        }
        let rds = RDS(session: session, deadline: deadline)
        let cluster = try CloneSource.clonable(try CloneSource.sourceCluster(settings, rds, region: session.region.name),
                                               settings: settings)
        try CloneSource.checkQuota(try rds.describeAccountAttributes())
        let cloudFormation = CloudFormation(session: session, deadline: deadline)
        if let existing = try cloudFormation.describeStack(name: stackName) {
            throw RefreshError.invalidConfiguration("clone \(QuotedInput.quote(name)) exists already (stack \(stackName), \(existing.status)); pick another name or delete it with: bootstrap clone delete \(name)")
        }
        let expires = Clock.epochMilliseconds() + ttlMilliseconds
        let parameters = [CloudFormation.Parameter(key: "SourceDBIdentifier", value: CloneSource.reference(settings, region: session.region.name)),
                          CloudFormation.Parameter(key: "Engine", value: cluster.engine),
                          CloudFormation.Parameter(key: "ClusterIdentifier", value: stackName),
                          CloudFormation.Parameter(key: "InstanceClass", value: instanceClass),
                          CloudFormation.Parameter(key: "DBSubnetGroupName", value: settings.cloneSubnetGroup ?? ""),
                          CloudFormation.Parameter(key: "SecurityGroupIds", value: settings.cloneSecurityGroupIDs.joined(separator: ","))]
        let id = try cloudFormation.createStack(name: stackName, templateBody: try Self.templateBody(), parameters: parameters,
                                                tags: clones.tags(owner: owner, source: source, expiresAt: expires))
        return Created(name: name, stackName: stackName, stackId: id, expires: UTCTime(epochMilliseconds: expires).rfc3339Seconds)
    }

    public func list() throws -> [Summary] {
        clones.clones(in: try cloneStacks(CloudFormation(session: session, deadline: deadline))).map(Self.summary)
    }

    /// The stacks named like this base's clones, each described (its tags decide whether it is one).
    func cloneStacks(_ cloudFormation: CloudFormation) throws -> [CloudFormation.Stack] {
        try cloudFormation.listStackNames().filter { $0.hasPrefix("\(clones.base)-clone-") }.compactMap { name in
            try cloudFormation.describeStack(name: name)
        }
    }

    /// Deletes only a clone stack of this base: any other stack of that name is refused.
    public func delete(name: String) throws -> String {
        let stackName = try clones.stackName(for: name)
        let cloudFormation = CloudFormation(session: session, deadline: deadline)
        guard let stack = try cloudFormation.describeStack(name: stackName), !clones.clones(in: [stack]).isEmpty else {
            throw RefreshError.invalidConfiguration("there is no clone \(QuotedInput.quote(name)) of \(clones.base) (no stack \(stackName) tagged \(DeveloperClones.baseTag)=\(clones.base)); see bootstrap clone list")
        }
        try cloudFormation.deleteStack(name: stackName)
        return stackName
    }

    /// Deletes this base's clones past their expiry (only lists them on a dry run); returns them.
    public func expire(now: Int64, dryRun: Bool) throws -> [Summary] {
        let cloudFormation = CloudFormation(session: session, deadline: deadline)
        let expired = DeveloperClones.expired(clones.clones(in: try cloneStacks(cloudFormation)), now: now)
        guard !dryRun else { return expired.map(Self.summary) }
        // One stack that cannot be deleted now (busy) must not keep the others running.
        var failures: [String] = []
        for clone in expired {
            do {
                try cloudFormation.deleteStack(name: clone.stack)
            } catch {
                failures.append("\(clone.stack): \(error)")
            }
        }
        guard failures.isEmpty else {
            throw RefreshError.invalidConfiguration("could not delete \(failures.count) of \(expired.count) expired clones (the others are being deleted): \(failures.joined(separator: "; "))")
        }
        return expired.map(Self.summary)
    }

    public static func table(_ summaries: [Summary], now: Int64) -> String {
        DeveloperClones.table(summaries.map { DeveloperClones.Clone(name: $0.name, stack: $0.stackName, owner: $0.owner, source: $0.source,
                                                                    created: $0.created, expires: $0.expires, status: $0.status,
                                                                    endpoint: $0.endpoint) }, now: now)
    }

    static func summary(_ clone: DeveloperClones.Clone) -> Summary {
        Summary(name: clone.name, stackName: clone.stack, owner: clone.owner, source: clone.source, created: clone.created,
                expires: clone.expires, status: clone.status, endpoint: clone.endpoint)
    }

    /// templates/clone.yml: CLONE_TEMPLATE, or beside the function (Lambda), or beside the binary,
    /// or under the current directory (a checkout).
    static func templateBody() throws -> String {
        var candidates: [String] = []
        if let path = FunctionEnvironment.variable("CLONE_TEMPLATE") { candidates.append(path) }
        if let root = FunctionEnvironment.variable("LAMBDA_TASK_ROOT") { candidates.append(root + "/templates/clone.yml") }
        if let directory = ConfigFile.executableDirectory() { candidates.append(directory + "/templates/clone.yml") }
        candidates.append("templates/clone.yml")
        for path in candidates {
            if let bytes = try? FileContents.read(path) { return String(decoding: bytes, as: UTF8.self) }
        }
        throw RefreshError.invalidConfiguration("the clone template cannot be read (tried \(candidates.joined(separator: ", "))); set CLONE_TEMPLATE to templates/clone.yml")
    }
}
