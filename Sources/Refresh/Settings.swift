import LambdaRuntime

/// The refresh handlers' settings, checked. Names are exactly those the templates and README use.
public struct Settings: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        case cluster(String)
        case instance(String)

        public var identifier: String {
            switch self {
            case .cluster(let id), .instance(let id): id
            }
        }
    }

    public enum RestoreMode: String, Sendable, Equatable {
        case pipeline, stack
    }

    /// What the staging database is made from: a snapshot of the source, or an Aurora
    /// copy-on-write clone of the source cluster at a point in time.
    public enum RefreshMethod: String, Sendable, Equatable {
        case snapshot, clone
    }

    public var source: Source
    public var sourceAccountID: String?
    public var snapshotTypes: [String]
    public var engine: String?
    public var engineVersion: String?
    public var parameterPrefix: String
    public var restoreMode: RestoreMode
    public var refreshMethod: RefreshMethod
    /// Self-service clones: where they are placed (a DB subnet group's name, security group ids).
    public var cloneSubnetGroup: String?
    /// Self-service clones are named <this>-clone-<name>.
    public var cloneNamePrefix: String
    public var cloneSecurityGroupIDs: [String]
    public var pipelineName: String?
    public var pipelineVariable: String?
    public var stackName: String?
    public var stagingDBIdentifier: String?
    public var stackTemplate: String?
    /// The stack runs schema-migration through the RDS Data API: a snapshot must be of an engine
    /// version that has it.
    public var migrationsEnabled: Bool
    /// Stack mode: the service role CloudFormation acts with on the updates this function starts.
    public var stackRoleARN: String?

    public static let names = [
        "SOURCE_DB_CLUSTER_IDENTIFIER", "SOURCE_DB_INSTANCE_IDENTIFIER", "SOURCE_ACCOUNT_ID", "SNAPSHOT_TYPES",
        "ENGINE", "ENGINE_VERSION", "PARAMETER_PREFIX", "RESTORE_MODE", "PIPELINE_NAME", "PIPELINE_VARIABLE",
        "STACK_NAME", "STAGING_DB_IDENTIFIER", "STACK_TEMPLATE", "MIGRATIONS_ENABLED",
        "STACK_ROLE_ARN", "REFRESH_METHOD", "CLONE_DB_SUBNET_GROUP", "CLONE_SECURITY_GROUP_IDS", "CLONE_NAME_PREFIX",
    ]

    public static let documentation: [(name: String, meaning: String)] = [
        ("SOURCE_DB_CLUSTER_IDENTIFIER", "production Aurora cluster (set this or the next), e.g. prod-cluster"),
        ("SOURCE_DB_INSTANCE_IDENTIFIER", "production RDS instance, e.g. prod-db"),
        ("SOURCE_ACCOUNT_ID", "keep only snapshots owned by this account, e.g. 111122223333 (default: any)"),
        ("SNAPSHOT_TYPES", "comma list of automated, manual, shared (default: all three)"),
        ("ENGINE", "engine the snapshot must have, e.g. aurora-postgresql (default: any)"),
        ("ENGINE_VERSION", "engine version prefix, e.g. 15 or 15.4 (default: any)"),
        ("PARAMETER_PREFIX", "SSM prefix (default /staging-refresh)"),
        ("RESTORE_MODE", "stack or pipeline (default stack)"),
        ("CLONE_NAME_PREFIX", "self-service clones are stacks and clusters <prefix>-clone-<name> (default: PARAMETER_PREFIX without its slashes, e.g. staging-refresh)"),
        ("CLONE_DB_SUBNET_GROUP", "self-service clones: their DB subnet group (default: the default VPC)"),
        ("CLONE_SECURITY_GROUP_IDS", "self-service clones: comma list of their security groups (default: the VPC's default)"),
        ("REFRESH_METHOD", "snapshot, or clone: an Aurora copy-on-write clone of the source cluster as of its latest restorable time (default snapshot)"),
        ("PIPELINE_NAME", "pipeline to start (default: SSM <prefix>/pipeline-name)"),
        ("PIPELINE_VARIABLE", "pipeline variable that receives the snapshot, e.g. SNAPSHOT (default: none)"),
        ("STACK_NAME", "stack mode: the staging DB stack, e.g. staging-db"),
        ("STAGING_DB_IDENTIFIER", "stack mode: the staging DB's identifier, e.g. staging-db"),
        ("STACK_TEMPLATE", "stack mode: template path (default templates/staging-db.yml beside the binary)"),
        ("STACK_ROLE_ARN", "stack mode: the IAM role CloudFormation acts with on the stack (template.yml's StackUpdateRole); without it, the caller's credentials"),
        ("MIGRATIONS_ENABLED", "true when the staging DB runs migrations through the RDS Data API: snapshots of engine versions without it are refused (default false)"),
    ]

    static let allTypes = ["automated", "manual", "shared"]
    /// template.yml's and serverless.yml's default too (a test keeps them equal).
    public static let defaultRestoreMode = RestoreMode.stack

    /// Reads and checks every setting. Errors name the setting, where its value came from and an
    /// example of a good one.
    public init(_ source: SettingsSource) throws(RefreshError) {
        func bad(_ name: String, _ problem: String, example: String) -> RefreshError {
            let origin = source.value(name).map { " (from \($0.from))" } ?? ""
            return RefreshError.invalidConfiguration( "\(name)\(origin) \(problem); for example \(name)=\(example)")
        }
        let cluster = source.value("SOURCE_DB_CLUSTER_IDENTIFIER")?.value
        let instance = source.value("SOURCE_DB_INSTANCE_IDENTIFIER")?.value
        switch (cluster, instance) {
        case (let id?, nil): self.source = .cluster(id)
        case (nil, let id?): self.source = .instance(id)
        case (nil, nil):
            throw RefreshError.invalidConfiguration(
                                "set SOURCE_DB_CLUSTER_IDENTIFIER (Aurora) or SOURCE_DB_INSTANCE_IDENTIFIER (RDS) to the production database, e.g. SOURCE_DB_CLUSTER_IDENTIFIER=prod-cluster")
        case (_?, _?):
            throw RefreshError.invalidConfiguration(
                                "set only one of SOURCE_DB_CLUSTER_IDENTIFIER and SOURCE_DB_INSTANCE_IDENTIFIER, not both")
        }
        guard Self.isIdentifier(self.source.identifier) else {
            let name = cluster != nil ? "SOURCE_DB_CLUSTER_IDENTIFIER" : "SOURCE_DB_INSTANCE_IDENTIFIER"
            throw bad(name, "is not an RDS identifier (letters, digits and hyphens, starting with a letter)", example: "prod-cluster")
        }

        sourceAccountID = source.value("SOURCE_ACCOUNT_ID")?.value
        if let account = sourceAccountID, account.count != 12 || !account.allSatisfy(\.isASCIIDigit) {
            throw bad("SOURCE_ACCOUNT_ID", "must be a 12-digit AWS account id", example: "111122223333")
        }

        if let list = source.value("SNAPSHOT_TYPES")?.value {
            let types = list.split(separator: ",").map { $0.trimmingCharacters() }.filter { !$0.isEmpty }
            guard !types.isEmpty, types.allSatisfy(Self.allTypes.contains) else {
                throw bad("SNAPSHOT_TYPES", "must be a comma list of automated, manual, shared", example: "automated,manual")
            }
            snapshotTypes = Self.allTypes.filter(types.contains)
        } else {
            snapshotTypes = Self.allTypes
        }

        engine = source.value("ENGINE")?.value
        engineVersion = source.value("ENGINE_VERSION")?.value

        parameterPrefix = source.value("PARAMETER_PREFIX")?.value ?? "/staging-refresh"
        guard parameterPrefix.hasPrefix("/"), !parameterPrefix.hasSuffix("/"), parameterPrefix.count <= 900,
              parameterPrefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/_.-".contains($0)) })
        else {
            throw bad("PARAMETER_PREFIX", "must start with / and hold only letters, digits, / _ . -", example: "/staging-refresh")
        }
        // SSM's own rules for parameter names, refused here rather than by PutParameter later.
        guard !parameterPrefix.contains("//") else {
            throw bad("PARAMETER_PREFIX", "has an empty segment (//), which SSM refuses in a parameter name", example: "/staging-refresh")
        }
        let first = parameterPrefix.dropFirst().prefix { $0 != "/" }.lowercased()
        guard !first.hasPrefix("aws"), !first.hasPrefix("ssm") else {
            throw bad("PARAMETER_PREFIX", "starts with aws or ssm, which SSM reserves for its own parameters", example: "/staging-refresh")
        }

        let mode = source.value("RESTORE_MODE")?.value ?? Self.defaultRestoreMode.rawValue
        guard let restoreMode = RestoreMode(rawValue: mode) else {
            throw bad("RESTORE_MODE", "must be pipeline or stack", example: "pipeline")
        }
        self.restoreMode = restoreMode
        let method = source.value("REFRESH_METHOD")?.value ?? RefreshMethod.snapshot.rawValue
        guard let refreshMethod = RefreshMethod(rawValue: method) else {
            throw bad("REFRESH_METHOD", "must be snapshot or clone", example: "clone")
        }
        self.refreshMethod = refreshMethod
        cloneSubnetGroup = source.value("CLONE_DB_SUBNET_GROUP")?.value
        if let prefix = source.value("CLONE_NAME_PREFIX")?.value {
            guard Self.isCloneNamePrefix(prefix) else {
                throw bad("CLONE_NAME_PREFIX", "must be up to 32 lowercase letters, digits and single hyphens starting with a letter (it begins stack and cluster names)", example: "staging-refresh")
            }
            cloneNamePrefix = prefix
        } else {
            cloneNamePrefix = Self.cloneNamePrefix(from: parameterPrefix)
        }
        cloneSecurityGroupIDs = (source.value("CLONE_SECURITY_GROUP_IDS")?.value ?? "").split(separator: ",").map(String.init).filter { !$0.isEmpty }
        if refreshMethod == .clone, case .instance = self.source {
            throw RefreshError.invalidConfiguration(
                "REFRESH_METHOD=clone needs an Aurora cluster: copy-on-write clones exist only for Aurora; set SOURCE_DB_CLUSTER_IDENTIFIER, or REFRESH_METHOD=snapshot for an RDS instance")
        }
        pipelineName = source.value("PIPELINE_NAME")?.value
        pipelineVariable = source.value("PIPELINE_VARIABLE")?.value
        stackName = source.value("STACK_NAME")?.value
        stagingDBIdentifier = source.value("STAGING_DB_IDENTIFIER")?.value
        stackTemplate = source.value("STACK_TEMPLATE")?.value
        stackRoleARN = source.value("STACK_ROLE_ARN")?.value
        if let role = stackRoleARN, !(role.hasPrefix("arn:") && role.contains(":iam::") && role.contains(":role/")) {
            throw bad("STACK_ROLE_ARN", "is not an IAM role ARN", example: "arn:aws:iam::111122223333:role/staging-refresh-StackUpdateRole-AbC123")
        }
        switch source.value("MIGRATIONS_ENABLED")?.value ?? "false" {
        case "true": migrationsEnabled = true
        case "false": migrationsEnabled = false
        default: throw bad("MIGRATIONS_ENABLED", "must be true or false", example: "true")
        }
        if let staging = stagingDBIdentifier, !Self.isIdentifier(staging) {
            throw bad("STAGING_DB_IDENTIFIER", "is not an RDS identifier", example: "staging-db")
        }
        try ProductionGuard.check(self)
    }

    /// restore-from-snapshot's target in stack mode (the default): only that handler needs it.
    public func requiredStackName() throws(RefreshError) -> String {
        guard let stackName else {
            throw RefreshError.invalidConfiguration(
                                "RESTORE_MODE=stack (the default) needs STACK_NAME, the staging database's stack, e.g. STACK_NAME=staging-db; or set RESTORE_MODE=pipeline")
        }
        return stackName
    }

    /// What update-latest-snapshot-id writes and restore-from-snapshot copies: a snapshot, or (clone)
    /// the source's latest restorable time.
    public var latestParameter: String { parameterPrefix + (refreshMethod == .clone ? "/latest-restore-time" : "/latest-snapshot-id") }
    public var currentParameter: String { parameterPrefix + (refreshMethod == .clone ? "/current-restore-time" : "/current-snapshot-id") }
    public var pipelineNameParameter: String { parameterPrefix + "/pipeline-name" }

    static func isCloneNamePrefix(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isLowercase, text.count <= 32, !text.hasSuffix("-"), !text.contains("--") else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }

    /// The parameter prefix as a name part: `/staging-refresh` → `staging-refresh`, `/Team_A/db` →
    /// `team-a-db`; a prefix that leaves nothing usable gives `staging-refresh`.
    static func cloneNamePrefix(from parameterPrefix: String) -> String {
        var name = ""
        for character in parameterPrefix.lowercased() {
            let usable = character.isASCII && (character.isLetter || character.isNumber)
            if usable { name.append(character) } else if !name.isEmpty && name.last != "-" { name.append("-") }
        }
        while name.last == "-" { name.removeLast() }
        name = String(name.prefix(32))
        while name.last == "-" { name.removeLast() }
        return isCloneNamePrefix(name) ? name : "staging-refresh"
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isLetter, text.count <= 63 else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension Substring {
    func trimmingCharacters() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
