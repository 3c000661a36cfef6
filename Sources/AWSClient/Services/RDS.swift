import Basics

/// RDS: snapshots, instances and clusters, read; the one write is a staging cluster's security
/// groups (sanitization opens it only when clean). Each list follows `Marker` to the end.
public struct RDS {
    let wire: QueryProtocol

    public init(session: AWSSession, deadline: Deadline) {
        wire = QueryProtocol(session: session, service: .rds, deadline: deadline)
    }

    /// A DB snapshot or a DB cluster snapshot, in the fields the refresh needs.
    public struct Snapshot: Encodable, Sendable, Equatable {
        public let identifier: String
        public let arn: String
        /// The instance or cluster it was taken from.
        public let sourceIdentifier: String
        public let isCluster: Bool
        public let status: String
        /// automated, manual, shared, public, awsbackup
        public let type: String
        public let engine: String
        public let engineVersion: String
        public let createTime: String
        public let createTimeEpochMilliseconds: Int64?
        public let encrypted: Bool
        public let kmsKeyID: String?
        /// The master user a DB restored from it has.
        public var masterUsername: String? = nil

        /// The account in the ARN (field 5): the owner, also for snapshots shared from elsewhere.
        public var ownerAccount: String {
            let fields = arn.split(separator: ":", omittingEmptySubsequences: false)
            return fields.count > 4 ? String(fields[4]) : ""
        }
    }

    public struct Filter: Sendable {
        public let name: String
        public let values: [String]

        public init(name: String, values: [String]) {
            self.name = name
            self.values = values
        }
    }

    public struct Page<Item: Sendable>: Sendable {
        public let items: [Item]
        public let marker: String?
    }

    /// What differs between DB snapshots and DB cluster snapshots: only names.
    struct SnapshotKind {
        let operation: String
        let sourceParameter: String
        let list: String
        let member: String
        let identifierKey: String
        let arnKey: String
        let encryptedKey: String
        let isCluster: Bool

        static let instance = SnapshotKind(operation: "DescribeDBSnapshots", sourceParameter: "DBInstanceIdentifier", list: "DBSnapshots",
                                           member: "DBSnapshot", identifierKey: "DBSnapshotIdentifier", arnKey: "DBSnapshotArn",
                                           encryptedKey: "Encrypted", isCluster: false)
        static let cluster = SnapshotKind(operation: "DescribeDBClusterSnapshots", sourceParameter: "DBClusterIdentifier", list: "DBClusterSnapshots",
                                          member: "DBClusterSnapshot", identifierKey: "DBClusterSnapshotIdentifier", arnKey: "DBClusterSnapshotArn",
                                          encryptedKey: "StorageEncrypted", isCluster: true)
    }

    public func describeDBSnapshotsPage(instanceIdentifier: String? = nil, snapshotType: String? = nil, includeShared: Bool? = nil,
                                        filters: [Filter] = [], maxRecords: Int? = nil, marker: String? = nil) throws(AWSError) -> Page<Snapshot> {
        try snapshotsPage(.instance, source: instanceIdentifier, snapshotType: snapshotType, includeShared: includeShared,
                          filters: filters, maxRecords: maxRecords, marker: marker)
    }

    public func describeDBClusterSnapshotsPage(clusterIdentifier: String? = nil, snapshotType: String? = nil, includeShared: Bool? = nil,
                                               filters: [Filter] = [], maxRecords: Int? = nil, marker: String? = nil) throws(AWSError) -> Page<Snapshot> {
        try snapshotsPage(.cluster, source: clusterIdentifier, snapshotType: snapshotType, includeShared: includeShared,
                          filters: filters, maxRecords: maxRecords, marker: marker)
    }

    func snapshotsPage(_ kind: SnapshotKind, source: String?, snapshotType: String?, includeShared: Bool?,
                       filters: [Filter], maxRecords: Int?, marker: String?) throws(AWSError) -> Page<Snapshot> {
        var parameters = QueryParameters()
        parameters.add(kind.sourceParameter, source)
        parameters.add("SnapshotType", snapshotType)
        parameters.add("IncludeShared", includeShared)
        add(filters, to: &parameters)
        parameters.add("MaxRecords", maxRecords)
        parameters.add("Marker", marker)
        let result = try wire.call(kind.operation, parameters)
        let items = result.child(kind.list)?.children(kind.member).map { (e: XMLElement) -> Snapshot in
            let created = e["SnapshotCreateTime"] ?? ""
            return Snapshot(identifier: e[kind.identifierKey] ?? "", arn: e[kind.arnKey] ?? "", sourceIdentifier: e[kind.sourceParameter] ?? "",
                            isCluster: kind.isCluster, status: e["Status"] ?? "", type: e["SnapshotType"] ?? "", engine: e["Engine"] ?? "",
                            engineVersion: e["EngineVersion"] ?? "", createTime: created,
                            createTimeEpochMilliseconds: UTCTime(iso8601: created)?.epochMilliseconds,
                            encrypted: e[kind.encryptedKey] == "true", kmsKeyID: nonEmpty(e["KmsKeyId"]),
                            masterUsername: nonEmpty(e["MasterUsername"]))
        } ?? []
        return Page(items: items, marker: nonEmpty(result["Marker"]))
    }

    /// Every DB snapshot, all pages.
    public func describeDBSnapshots(instanceIdentifier: String? = nil, snapshotType: String? = nil, includeShared: Bool? = nil,
                                    filters: [Filter] = [], pageSize: Int = 100) throws(AWSError) -> [Snapshot] {
        try allPages { marker throws(AWSError) in
            try describeDBSnapshotsPage(instanceIdentifier: instanceIdentifier, snapshotType: snapshotType, includeShared: includeShared,
                                        filters: filters, maxRecords: pageSize, marker: marker)
        }
    }

    /// Every DB cluster snapshot, all pages.
    public func describeDBClusterSnapshots(clusterIdentifier: String? = nil, snapshotType: String? = nil, includeShared: Bool? = nil,
                                           filters: [Filter] = [], pageSize: Int = 100) throws(AWSError) -> [Snapshot] {
        try allPages { marker throws(AWSError) in
            try describeDBClusterSnapshotsPage(clusterIdentifier: clusterIdentifier, snapshotType: snapshotType, includeShared: includeShared,
                                               filters: filters, maxRecords: pageSize, marker: marker)
        }
    }

    public struct Instance: Encodable, Sendable, Equatable {
        public let identifier: String
        public let arn: String
        public let status: String
        public let engine: String
        public let engineVersion: String
        public let endpointAddress: String?
        public let endpointPort: Int?
        public let clusterIdentifier: String?
    }

    public func describeDBInstances(identifier: String? = nil, filters: [Filter] = [], pageSize: Int = 100) throws(AWSError) -> [Instance] {
        try allPages { marker throws(AWSError) in
            var parameters = QueryParameters()
            parameters.add("DBInstanceIdentifier", identifier)
            add(filters, to: &parameters)
            parameters.add("MaxRecords", pageSize)
            parameters.add("Marker", marker)
            let result = try wire.call("DescribeDBInstances", parameters)
            let items = result.child("DBInstances")?.children("DBInstance").map { e in
                Instance(identifier: e["DBInstanceIdentifier"] ?? "", arn: e["DBInstanceArn"] ?? "", status: e["DBInstanceStatus"] ?? "",
                         engine: e["Engine"] ?? "", engineVersion: e["EngineVersion"] ?? "",
                         endpointAddress: e["Endpoint", "Address"], endpointPort: e["Endpoint", "Port"].flatMap { Int($0) },
                         clusterIdentifier: nonEmpty(e["DBClusterIdentifier"]))
            } ?? []
            return Page(items: items, marker: nonEmpty(result["Marker"]))
        }
    }

    public struct Cluster: Encodable, Sendable, Equatable {
        public let identifier: String
        public let arn: String
        public let status: String
        public let engine: String
        public let engineVersion: String
        public let endpoint: String?
        public let readerEndpoint: String?
        public let port: Int?
        public let httpEndpointEnabled: Bool
        /// The window a point-in-time restore or a clone may be taken from (ISO 8601, as RDS gives them).
        public var earliestRestorableTime: String? = nil
        public var latestRestorableTime: String? = nil
        /// Its instances: a cluster without one cannot be cloned.
        public var memberCount = 0
        public var masterUsername: String? = nil
        public var securityGroups: [SecurityGroupMembership] = []
    }

    /// A VPC security group on a DB cluster, with RDS's status of it (adding, active, removing).
    public struct SecurityGroupMembership: Encodable, Sendable, Equatable {
        public let id: String
        public let status: String
    }

    static func memberships(_ element: XMLElement?) -> [SecurityGroupMembership] {
        element?.children("VpcSecurityGroupMembership").map {
            SecurityGroupMembership(id: $0["VpcSecurityGroupId"] ?? "", status: $0["Status"] ?? "")
        } ?? []
    }

    /// ModifyDBCluster with VpcSecurityGroupIds, applied now: replaces the cluster's security groups.
    public func setSecurityGroups(cluster: String, groups: [String]) throws(AWSError) -> [SecurityGroupMembership] {
        var parameters = QueryParameters()
        parameters.add("DBClusterIdentifier", cluster)
        parameters.addList("VpcSecurityGroupIds", member: "VpcSecurityGroupId", groups)
        parameters.add("ApplyImmediately", true)
        return Self.memberships(try wire.call("ModifyDBCluster", parameters).child("DBCluster")?.child("VpcSecurityGroups"))
    }

    /// `includeShared`: also clusters shared with this account through AWS RAM (named by ARN).
    public func describeDBClusters(identifier: String? = nil, includeShared: Bool? = nil, filters: [Filter] = [],
                                   pageSize: Int = 100) throws(AWSError) -> [Cluster] {
        try allPages { marker throws(AWSError) in
            var parameters = QueryParameters()
            parameters.add("DBClusterIdentifier", identifier)
            parameters.add("IncludeShared", includeShared)
            add(filters, to: &parameters)
            parameters.add("MaxRecords", pageSize)
            parameters.add("Marker", marker)
            let result = try wire.call("DescribeDBClusters", parameters)
            let items = result.child("DBClusters")?.children("DBCluster").map { e in
                Cluster(identifier: e["DBClusterIdentifier"] ?? "", arn: e["DBClusterArn"] ?? "", status: e["Status"] ?? "",
                        engine: e["Engine"] ?? "", engineVersion: e["EngineVersion"] ?? "",
                        endpoint: nonEmpty(e["Endpoint"]), readerEndpoint: nonEmpty(e["ReaderEndpoint"]),
                        port: e["Port"].flatMap { Int($0) }, httpEndpointEnabled: e["HttpEndpointEnabled"] == "true",
                        earliestRestorableTime: nonEmpty(e["EarliestRestorableTime"]), latestRestorableTime: nonEmpty(e["LatestRestorableTime"]),
                        memberCount: e.child("DBClusterMembers")?.children("DBClusterMember").count ?? 0,
                        masterUsername: nonEmpty(e["MasterUsername"]), securityGroups: Self.memberships(e.child("VpcSecurityGroups")))
            } ?? []
            return Page(items: items, marker: nonEmpty(result["Marker"]))
        }
    }

    /// One of the account's RDS quotas in this region, with its usage (DescribeAccountAttributes).
    public struct Quota: Sendable, Equatable {
        public let name: String
        public let used: Int64
        public let max: Int64
    }

    public func describeAccountAttributes() throws(AWSError) -> [Quota] {
        let result = try wire.call("DescribeAccountAttributes", QueryParameters())
        return result.child("AccountQuotas")?.children("AccountQuota").compactMap { e in
            guard let name = e["AccountQuotaName"], let used = e["Used"].flatMap({ Int64($0) }), let max = e["Max"].flatMap({ Int64($0) }) else { return nil }
            return Quota(name: name, used: used, max: max)
        } ?? []
    }

    func allPages<Item>(_ page: (String?) throws(AWSError) -> Page<Item>) throws(AWSError) -> [Item] {
        var items: [Item] = []
        var marker: String?
        var seen: Set<String> = []
        repeat {
            let next = try page(marker)
            items += next.items
            marker = next.marker
            // A service that hands back a marker it already gave would otherwise loop until the deadline.
            if let marker, !seen.insert(marker).inserted {
                throw .malformedResponse(service: "RDS", operation: "Describe*", "the Marker '\(marker)' came back twice")
            }
        } while marker != nil
        return items
    }

    private func add(_ filters: [Filter], to parameters: inout QueryParameters) {
        parameters.addList("Filters", member: "Filter", filters) { parameters, prefix, filter in
            parameters.add(prefix + "Name", filter.name)
            parameters.addList(prefix + "Values", member: "Value", filter.values)
        }
    }
}

func nonEmpty(_ text: String?) -> String? {
    guard let text, !text.isEmpty else { return nil }
    return text
}
