import FoundationEssentials

/// The least-privilege policy of one handler for given settings: every action it calls, on the
/// ARNs it touches (`bootstrap iam-policy`). template.yml and serverless.yml grant no more.
public struct IAMPolicy: Encodable, Sendable, Equatable {
    public struct Statement: Encodable, Sendable, Equatable {
        public var sid: String
        public var effect = "Allow"
        public var actions: [String]
        public var resources: [String]
        public var condition: [String: [String: String]]?

        init(_ sid: String, _ actions: [String], _ resources: [String], condition: [String: [String: String]]? = nil) {
            self.sid = sid
            self.actions = actions
            self.resources = resources
            self.condition = condition
        }

        enum CodingKeys: String, CodingKey {
            case sid = "Sid", effect = "Effect", actions = "Action", resources = "Resource", condition = "Condition"
        }
    }

    public var version = "2012-10-17"
    public var statements: [Statement]

    enum CodingKeys: String, CodingKey {
        case version = "Version", statements = "Statement"
    }

    /// Where the ARNs live.
    public struct Scope: Sendable {
        public let region: String
        public let account: String

        public init(region: String, account: String) {
            self.region = region
            self.account = account
        }

        var partition: String {
            if region.hasPrefix("cn-") { return "aws-cn" }
            if region.hasPrefix("us-gov-") { return "aws-us-gov" }
            return "aws"
        }

        func arn(_ service: String, _ resource: String, account: String? = nil, region: String? = nil) -> String {
            "arn:\(partition):\(service):\(region ?? self.region):\(account ?? self.account):\(resource)"
        }
    }

    public static func updateLatestSnapshot(_ settings: Settings, _ scope: Scope) -> IAMPolicy {
        let parameter = scope.arn("ssm", "parameter" + settings.latestParameter)
        return IAMPolicy(statements: [
            Statement("LatestSnapshotParameter", ["ssm:GetParameter", "ssm:PutParameter", "ssm:AddTagsToResource"], [parameter]),
            snapshotReads(settings, scope),
        ])
    }

    public static func restoreFromSnapshot(_ settings: Settings, _ scope: Scope) -> IAMPolicy {
        var statements = [
            Statement("ReadParameters", ["ssm:GetParameter"],
                      [settings.latestParameter, settings.currentParameter, settings.pipelineNameParameter].map { scope.arn("ssm", "parameter" + $0) }),
            Statement("CurrentSnapshotParameter", ["ssm:PutParameter", "ssm:AddTagsToResource"],
                      [scope.arn("ssm", "parameter" + settings.currentParameter)]),
            snapshotReads(settings, scope),
        ]
        switch settings.restoreMode {
        case .pipeline:
            // Without PIPELINE_NAME the name is read from SSM at run time: any pipeline of the account.
            statements.append(Statement("StartPipeline", ["codepipeline:StartPipelineExecution"],
                                        [scope.arn("codepipeline", settings.pipelineName ?? "*")]))
        case .stack:
            let stack = settings.stackName ?? "*"
            statements.append(Statement("StagingStack", ["cloudformation:DescribeStacks", "cloudformation:UpdateStack",
                                                         "cloudformation:CreateStack", "cloudformation:DeleteStack"],
                                        [scope.arn("cloudformation", "stack/\(stack)/*")]))
            statements += stackDeployment(stack: stack, scope)
        }
        return IAMPolicy(statements: statements)
    }

    public static func schemaMigration(_ settings: MigrationSettings, _ scope: Scope) -> IAMPolicy {
        IAMPolicy(statements: [
            Statement("DataAPI", ["rds-data:ExecuteStatement", "rds-data:BatchExecuteStatement", "rds-data:BeginTransaction",
                                  "rds-data:CommitTransaction", "rds-data:RollbackTransaction"], [settings.clusterARN]),
            // The Data API reads the DB user's secret with the caller's permissions.
            Statement("DatabaseSecret", ["secretsmanager:GetSecretValue"], [settings.secretARN]),
        ])
    }

    /// Listing the source's snapshots: by the source's identifier, and (shared ones) across the
    /// account, where the snapshot ARNs carry the owner's account.
    static func snapshotReads(_ settings: Settings, _ scope: Scope) -> Statement {
        let isCluster = settings.source.isCluster
        let source = scope.arn("rds", (isCluster ? "cluster:" : "db:") + settings.source.identifier)
        let snapshots = isCluster ? "cluster-snapshot:*" : "snapshot:*"
        var resources = [source, scope.arn("rds", snapshots)]
        if let owner = settings.sourceAccountID, owner != scope.account { resources.append(scope.arn("rds", snapshots, account: owner)) }
        return Statement("ListSourceSnapshots", [isCluster ? "rds:DescribeDBClusterSnapshots" : "rds:DescribeDBSnapshots"], resources)
    }

    /// Stack mode: CloudFormation acts with the caller's credentials, so the caller needs what the
    /// staging stack's update does: restore a new DB from the snapshot, move the CNAME, invoke the
    /// migration, and delete the old DB. Deleting or changing a DB is allowed only on DBs tagged as
    /// that stack's, which the production database is not.
    static func stackDeployment(stack: String, _ scope: Scope) -> [Statement] {
        let databases = ["cluster:*", "db:*"].map { scope.arn("rds", $0) }
        let restoreInputs = ["cluster-snapshot:*", "snapshot:*", "subgrp:*", "cluster-pg:*", "pg:*", "og:*"].map { scope.arn("rds", $0) }
        return [
            Statement("RestoreStagingDatabase", ["rds:RestoreDBClusterFromSnapshot", "rds:RestoreDBInstanceFromDBSnapshot", "rds:CreateDBInstance",
                                                  "rds:AddTagsToResource", "rds:DescribeDBClusters", "rds:DescribeDBInstances"],
                      databases + restoreInputs),
            Statement("ReplaceStagingDatabase", ["rds:DeleteDBCluster", "rds:DeleteDBInstance", "rds:ModifyDBCluster", "rds:ModifyDBInstance"],
                      databases, condition: ["StringEquals": ["aws:ResourceTag/staging-refresh:stack": stack]]),
            Statement("MoveStagingRecord", ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
                      ["arn:\(scope.partition):route53:::hostedzone/*"]),
            Statement("WaitForRecordChange", ["route53:GetChange"], ["arn:\(scope.partition):route53:::change/*"]),
            Statement("RunMigrations", ["lambda:InvokeFunction"], [scope.arn("lambda", "function:*schema-migration")]),
        ]
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}
