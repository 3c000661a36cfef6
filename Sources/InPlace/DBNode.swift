/// One RDS instance or Aurora cluster as DescribeDBInstances/DescribeDBClusters show it: what the swap
/// plan reads. Attributes are what a copy must take over from the node it replaces.
public struct DBNode: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case instance
        case cluster
    }

    public var kind: Kind
    public var identifier: String
    public var arn: String
    public var status: String
    public var engine: String
    /// The instance this one replicates (an identifier, or an ARN across regions); nil for a primary.
    public var source: String?
    /// Identifiers of this instance's read replicas, or of a cluster's member instances.
    public var replicas: [String]
    /// The cluster an Aurora instance belongs to.
    public var cluster: String?
    public var attributes: Attributes
    public var tags: [String: String]

    public init(kind: Kind, identifier: String, arn: String = "", status: String = "available", engine: String = "postgres",
                source: String? = nil, replicas: [String] = [], cluster: String? = nil, attributes: Attributes = Attributes(),
                tags: [String: String] = [:]) {
        self.kind = kind
        self.identifier = identifier
        self.arn = arn
        self.status = status
        self.engine = engine
        self.source = source
        self.replicas = replicas
        self.cluster = cluster
        self.attributes = attributes
        self.tags = tags
    }

    /// What the copy of a node is made with (CreateDBInstanceReadReplica, RestoreDB*, CreateDBInstance).
    public struct Attributes: Sendable, Equatable {
        public var instanceClass: String?
        public var storageType: String?
        public var port: Int?
        public var multiAZ: Bool?
        public var parameterGroup: String?
        public var optionGroup: String?
        public var subnetGroup: String?
        public var securityGroups: [String] = []
        public var monitoringInterval: Int?
        public var monitoringRoleARN: String?
        public var maintenanceWindow: String?
        public var backupWindow: String?
        public var backupRetention: Int?

        public init(instanceClass: String? = nil, storageType: String? = nil, port: Int? = nil, multiAZ: Bool? = nil,
                    parameterGroup: String? = nil, optionGroup: String? = nil, subnetGroup: String? = nil, securityGroups: [String] = [],
                    monitoringInterval: Int? = nil, monitoringRoleARN: String? = nil, maintenanceWindow: String? = nil,
                    backupWindow: String? = nil, backupRetention: Int? = nil) {
            self.instanceClass = instanceClass
            self.storageType = storageType
            self.port = port
            self.multiAZ = multiAZ
            self.parameterGroup = parameterGroup
            self.optionGroup = optionGroup
            self.subnetGroup = subnetGroup
            self.securityGroups = securityGroups
            self.monitoringInterval = monitoringInterval
            self.monitoringRoleARN = monitoringRoleARN
            self.maintenanceWindow = maintenanceWindow
            self.backupWindow = backupWindow
            self.backupRetention = backupRetention
        }
    }

    public var isAvailable: Bool { status == "available" }
}

/// The tags that mark a run. Only RDS and this function set them on the temp and target graphs, and
/// nothing without this run's tag is ever deleted.
public enum SwapTags {
    public static let run = "staging-refresh:in-place-run"
    /// `new` on the copy (temp-… until the rename), `old` on the graph it replaces.
    public static let role = "staging-refresh:in-place-role"
    /// The original name a node stands for, so a graph is recognised whatever it is called now.
    public static let name = "staging-refresh:in-place-name"
    /// On the new primary once the restart hook succeeded.
    public static let hook = "staging-refresh:in-place-hook"
    /// On the new primary when the run failed, with why.
    public static let failed = "staging-refresh:in-place-failed"
    /// The target the run refreshes: runs of other targets in the account are not this one's business.
    public static let target = "staging-refresh:in-place-target"
    /// On the original root once `{"abort": true}` was asked, so that the schedule's rounds go on aborting.
    public static let abort = "staging-refresh:in-place-abort"

    /// Every key a run puts on a node, for taking them off again.
    public static let all = [run, role, name, parent, target, hook, failed, abort]

    /// An RDS tag value holds only letters, digits, spaces and _ . : / = + - @ (up to 256 characters).
    public static func value(_ text: String) -> String {
        let allowed = Set("_.:/=+-@ ")
        return String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || allowed.contains($0)) ? $0 : " " }.prefix(256))
    }
}
