/// RDS as the in-place swap sees it: every instance and cluster with the attributes a copy takes
/// over and the tags that mark a run, and the swap's own calls, sent as its plan spells them.
extension RDS {
    public struct Node: Sendable, Equatable {
        public var isCluster: Bool
        public var identifier: String
        public var arn: String
        public var status: String
        public var engine: String
        public var replicaSource: String?
        public var replicas: [String]
        public var cluster: String?
        public var instanceClass: String?
        public var storageType: String?
        public var port: Int?
        public var multiAZ: Bool?
        public var parameterGroup: String?
        public var optionGroup: String?
        public var subnetGroup: String?
        public var securityGroups: [String]
        public var monitoringInterval: Int?
        public var monitoringRoleARN: String?
        public var maintenanceWindow: String?
        public var backupWindow: String?
        public var backupRetention: Int?
        public var tags: [String: String]
    }

    /// Every DB instance and DB cluster of the account in this region (DescribeDBInstances and
    /// DescribeDBClusters both carry TagList).
    public func describeNodes() throws(AWSError) -> [Node] {
        let instances = try allPages { marker throws(AWSError) in
            var parameters = QueryParameters()
            parameters.add("MaxRecords", 100)
            parameters.add("Marker", marker)
            let result = try wire.call("DescribeDBInstances", parameters)
            let items = result.child("DBInstances")?.children("DBInstance").map { e in
                Node(isCluster: false, identifier: e["DBInstanceIdentifier"] ?? "", arn: e["DBInstanceArn"] ?? "", status: e["DBInstanceStatus"] ?? "",
                     engine: e["Engine"] ?? "", replicaSource: nonEmpty(e["ReadReplicaSourceDBInstanceIdentifier"]),
                     replicas: e.child("ReadReplicaDBInstanceIdentifiers")?.children("ReadReplicaDBInstanceIdentifier").map(\.text) ?? [],
                     cluster: nonEmpty(e["DBClusterIdentifier"]), instanceClass: nonEmpty(e["DBInstanceClass"]), storageType: nonEmpty(e["StorageType"]),
                     port: (e["Endpoint", "Port"] ?? e["DbInstancePort"]).flatMap { Int($0) }.flatMap { $0 == 0 ? nil : $0 },
                     multiAZ: e["MultiAZ"].map { $0 == "true" },
                     parameterGroup: e.child("DBParameterGroups")?.children("DBParameterGroup").first?["DBParameterGroupName"],
                     optionGroup: e.child("OptionGroupMemberships")?.children("OptionGroupMembership").first?["OptionGroupName"],
                     subnetGroup: e["DBSubnetGroup", "DBSubnetGroupName"],
                     securityGroups: e.child("VpcSecurityGroups")?.children("VpcSecurityGroupMembership").compactMap { $0["VpcSecurityGroupId"] } ?? [],
                     monitoringInterval: e["MonitoringInterval"].flatMap { Int($0) }, monitoringRoleARN: nonEmpty(e["MonitoringRoleArn"]),
                     maintenanceWindow: nonEmpty(e["PreferredMaintenanceWindow"]), backupWindow: nonEmpty(e["PreferredBackupWindow"]),
                     backupRetention: e["BackupRetentionPeriod"].flatMap { Int($0) }, tags: Self.tags(e))
            } ?? []
            return Page(items: items, marker: nonEmpty(result["Marker"]))
        }
        let clusters = try allPages { marker throws(AWSError) in
            var parameters = QueryParameters()
            parameters.add("MaxRecords", 100)
            parameters.add("Marker", marker)
            let result = try wire.call("DescribeDBClusters", parameters)
            let items = result.child("DBClusters")?.children("DBCluster").map { e in
                Node(isCluster: true, identifier: e["DBClusterIdentifier"] ?? "", arn: e["DBClusterArn"] ?? "", status: e["Status"] ?? "",
                     engine: e["Engine"] ?? "", replicaSource: nil,
                     replicas: e.child("DBClusterMembers")?.children("DBClusterMember").compactMap { $0["DBInstanceIdentifier"] } ?? [],
                     cluster: nil, instanceClass: nil, storageType: nil, port: e["Port"].flatMap { Int($0) }, multiAZ: nil,
                     parameterGroup: nonEmpty(e["DBClusterParameterGroup"]), optionGroup: nil, subnetGroup: nonEmpty(e["DBSubnetGroup"]),
                     securityGroups: e.child("VpcSecurityGroups")?.children("VpcSecurityGroupMembership").compactMap { $0["VpcSecurityGroupId"] } ?? [],
                     monitoringInterval: nil, monitoringRoleARN: nil, maintenanceWindow: nonEmpty(e["PreferredMaintenanceWindow"]),
                     backupWindow: nonEmpty(e["PreferredBackupWindow"]), backupRetention: e["BackupRetentionPeriod"].flatMap { Int($0) },
                     tags: Self.tags(e))
            } ?? []
            return Page(items: items, marker: nonEmpty(result["Marker"]))
        }
        return instances + clusters
    }

    static func tags(_ element: XMLElement) -> [String: String] {
        var tags: [String: String] = [:]
        for tag in element.child("TagList")?.children("Tag") ?? [] {
            if let key = tag["Key"] { tags[key] = tag["Value"] ?? "" }
        }
        return tags
    }

    /// One of the swap's calls (Create…, Restore…, Promote…, Modify…, Delete…, Add/RemoveTags…),
    /// with the Query parameters its plan step lists.
    public func send(_ operation: String, _ pairs: [(String, String)]) throws(AWSError) {
        var parameters = QueryParameters()
        for (name, value) in pairs { parameters.add(name, value) }
        _ = try wire.call(operation, parameters)
    }
}
