import InPlace
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

        init(_ sid: String, _ actions: [String], _ resources: [String], condition: [String: [String: String]]? = nil,
             effect: String = "Allow") {
            self.sid = sid
            self.effect = effect
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

        func arn(_ service: String, _ resource: String, account: String? = nil) -> String {
            "arn:\(partition):\(service):\(region):\(account ?? self.account):\(resource)"
        }
    }

    public static func updateLatestSnapshot(_ settings: Settings, _ scope: Scope) -> IAMPolicy {
        let parameter = scope.arn("ssm", "parameter" + settings.latestParameter)
        return IAMPolicy(statements: [
            Statement("LatestSnapshotParameter", ["ssm:GetParameter", "ssm:PutParameter", "ssm:AddTagsToResource"], [parameter]),
        ] + sourceReads(settings, scope, quota: false))
    }

    /// The source's snapshots; in clone mode instead the source cluster's state and window, and
    /// for restore-from-snapshot the cluster quota.
    static func sourceReads(_ settings: Settings, _ scope: Scope, quota: Bool) -> [Statement] {
        guard settings.refreshMethod == .clone else { return [snapshotReads(settings, scope)] }
        var statements = [Statement("ReadSourceCluster", ["rds:DescribeDBClusters"],
                                    [scope.arn("rds", "cluster:" + settings.source.identifier, account: settings.sourceAccountID)])]
        // DescribeAccountAttributes has no resource-level permissions.
        if quota { statements.append(Statement("ReadClusterQuota", ["rds:DescribeAccountAttributes"], ["*"])) }
        return statements
    }

    /// The CNAME the stack moves: its hosted zone and record name. Without it the policy allows any
    /// zone of the account (`hostedzone/*`).
    public struct CNAME: Sendable {
        public let hostedZoneID: String
        public let recordName: String

        public init(hostedZoneID: String, recordName: String) {
            self.hostedZoneID = hostedZoneID
            self.recordName = recordName
        }
    }

    /// `snapshotKey`: the customer-managed KMS key of encrypted snapshots, which stack mode's restore
    /// must be allowed to grant to RDS.
    public static func restoreFromSnapshot(_ settings: Settings, _ scope: Scope, snapshotKey: String? = nil, secretKey: String? = nil,
                                           cname: CNAME? = nil) -> IAMPolicy {
        var statements = [
            Statement("ReadParameters", ["ssm:GetParameter"],
                      [settings.latestParameter, settings.currentParameter, settings.pipelineNameParameter].map { scope.arn("ssm", "parameter" + $0) }),
            Statement("WriteCurrentSnapshotParameter", ["ssm:PutParameter", "ssm:AddTagsToResource"],
                      [scope.arn("ssm", "parameter" + settings.currentParameter)]),
        ] + sourceReads(settings, scope, quota: true)
        switch settings.restoreMode {
        case .pipeline:
            // Without PIPELINE_NAME the name is read from SSM at run time: any pipeline of the account.
            statements.append(Statement("StartStagingPipeline", ["codepipeline:StartPipelineExecution"],
                                        [scope.arn("codepipeline", settings.pipelineName ?? "*")]))
        case .stack:
            let stack = settings.stackName ?? "*"
            let stackARN = scope.arn("cloudformation", "stack/\(stack)/*")
            guard let role = settings.stackRoleARN else {
                // No service role: CloudFormation acts with this function's own credentials.
                statements.append(Statement("StagingStack", ["cloudformation:DescribeStacks", "cloudformation:UpdateStack",
                                                             "cloudformation:CreateStack", "cloudformation:DeleteStack"], [stackARN]))
                statements += stackDeployment(settings, stack: stack, scope, snapshotKey: snapshotKey, secretKey: secretKey, cname: cname)
                return IAMPolicy(statements: statements)
            }
            // CloudFormation acts with the service role; the function may change the stack only
            // with that role and holds no RDS write of its own.
            statements.append(Statement("ReadStagingStack", ["cloudformation:DescribeStacks"], [stackARN]))
            statements.append(Statement("StagingStackWithItsRole", ["cloudformation:UpdateStack", "cloudformation:CreateStack",
                                                                     "cloudformation:DeleteStack"], [stackARN],
                                        condition: ["ArnEquals": ["cloudformation:RoleArn": role]]))
            statements.append(Statement("PassStackUpdateRole", ["iam:PassRole"], [role],
                                        condition: ["StringEquals": ["iam:PassedToService": "cloudformation.amazonaws.com"]]))
            statements.append(sourceDeny(settings, scope))
        }
        return IAMPolicy(statements: statements)
    }

    /// The service role CloudFormation acts with in stack mode (template.yml's StackUpdateRole):
    /// what the staging stack's update does.
    public static func stackUpdateRole(_ settings: Settings, _ scope: Scope, snapshotKey: String? = nil, secretKey: String? = nil,
                                       cname: CNAME? = nil) -> IAMPolicy {
        // The snapshots only: CloudFormation does not list the source's.
        let reads = settings.refreshMethod == .clone ? [] : [Statement("ListSourceSnapshots", [snapshotListAction(settings)], snapshotARNs(settings, scope))]
        return IAMPolicy(statements: reads + stackDeployment(settings, stack: settings.stackName ?? "*", scope, snapshotKey: snapshotKey,
                                                               secretKey: secretKey, cname: cname))
    }

    /// What changes or deletes a staging DB (and would production's).
    static func changes(isCluster: Bool) -> [String] {
        (isCluster ? ["rds:ModifyDBCluster", "rds:EnableHttpEndpoint", "rds:DeleteDBCluster"] : [])
            + ["rds:ModifyDBInstance", "rds:RebootDBInstance", "rds:DeleteDBInstance"]
    }

    static func sourceDeny(_ settings: Settings, _ scope: Scope) -> Statement {
        let isCluster = settings.source.isCluster
        return Statement("NeverWriteTheSource", ["rds:AddTagsToResource", "rds:CreateDBInstance"] + changes(isCluster: isCluster),
                         [scope.arn("rds", (isCluster ? "cluster:" : "db:") + settings.source.identifier, account: isCluster ? settings.sourceAccountID : nil)],
                         effect: "Deny")
    }

    /// expire-clones: CloudFormation acts with its credentials on the clone stacks, so it holds what
    /// they do, scoped to `<CLONE_NAME_PREFIX>-clone-*`: creating only with the prefix's tag in the
    /// request, changing and deleting only what CloudFormation made under such a stack.
    /// `sourceKey`: the customer-managed KMS key of the source, which RDS needs a grant of to clone it.
    public static func expireClones(_ settings: Settings, _ scope: Scope, sourceKey: String? = nil) -> IAMPolicy {
        let rds = { (resource: String) in scope.arn("rds", resource) }
        let prefix = settings.cloneNamePrefix
        let source = scope.arn("rds", "cluster:" + settings.source.identifier, account: settings.sourceAccountID)
        let keyGrants = sourceKey.map { key in
            [Statement("DescribeSourceKey", ["kms:DescribeKey"], [key]),
             Statement("GrantSourceKeyToRDS", ["kms:CreateGrant"], [key], condition: ["Bool": ["kms:GrantIsForAWSResource": "true"]])]
        } ?? []
        return IAMPolicy(statements: keyGrants + [
            // Listing the stacks has no resource-level permission; each clone is then described by name.
            Statement("ListStacks", ["cloudformation:ListStacks"], ["*"]),
            Statement("CloneStacks", ["cloudformation:DescribeStacks", "cloudformation:CreateStack", "cloudformation:DeleteStack"],
                      [scope.arn("cloudformation", "stack/\(prefix)-clone-*/*")]),
            Statement("ReadSourceAndClones", ["rds:DescribeDBClusters", "rds:DescribeDBInstances"],
                      [source, rds("cluster:\(prefix)-clone-*"), rds("db:\(prefix)-clone-*")]),
            Statement("ReadClusterQuota", ["rds:DescribeAccountAttributes"], ["*"]),
            Statement("CreateClones", ["rds:RestoreDBClusterToPointInTime", "rds:CreateDBInstance", "rds:AddTagsToResource"],
                      [rds("cluster:\(prefix)-clone-*"), rds("db:\(prefix)-clone-*"), source, rds("subgrp:*"), rds("cluster-pg:default.*"),
                       rds("pg:default.*"), rds("og:*")],
                      condition: ["StringEquals": ["aws:RequestTag/\(DeveloperClones.baseTag)": prefix]]),
            Statement("ChangeOnlyClones", ["rds:ModifyDBCluster", "rds:DeleteDBCluster", "rds:ModifyDBInstance", "rds:DeleteDBInstance"],
                      [rds("cluster:\(prefix)-clone-*"), rds("cluster-snapshot:*"), rds("db:\(prefix)-clone-*")],
                      condition: ["StringLike": ["aws:ResourceTag/aws:cloudformation:stack-name": "\(prefix)-clone-*"]]),
            Statement("CreateCloneSecrets", ["secretsmanager:CreateSecret", "secretsmanager:TagResource"], [scope.arn("secretsmanager", "secret:rds!cluster-*")]),
            Statement("DescribeSecretKey", ["kms:DescribeKey"], [scope.arn("kms", "key/*")]),
            Statement("ReadOnlyWithoutResourceLevelPermissions", ["rds:DescribeEvents", "ec2:DescribeAccountAttributes", "ec2:DescribeAvailabilityZones",
                                                                   "ec2:DescribeInternetGateways", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets",
                                                                   "ec2:DescribeVpcs"], ["*"]),
            Statement("NeverWriteTheSource", ["rds:AddTagsToResource", "rds:CreateDBInstance", "rds:ModifyDBCluster", "rds:DeleteDBCluster",
                                              "rds:ModifyDBInstance", "rds:DeleteDBInstance"], [source], effect: "Deny"),
        ])
    }

    /// A developer's policy for `bootstrap clone`: expire-clones' (CloudFormation acts with the
    /// developer's credentials), following a clone stack's events (`--wait`), and reading the secrets
    /// RDS made for this prefix's clones (connecting), by the tags only RDS sets.
    public static func developerClones(_ settings: Settings, _ scope: Scope, sourceKey: String? = nil) -> IAMPolicy {
        let prefix = settings.cloneNamePrefix
        var policy = expireClones(settings, scope, sourceKey: sourceKey)
        policy.statements.insert(Statement("FollowCloneStacks", ["cloudformation:DescribeStackEvents"],
                                           [scope.arn("cloudformation", "stack/\(prefix)-clone-*/*")]), at: 2)
        policy.statements.insert(Statement("ReadCloneSecrets", ["secretsmanager:GetSecretValue"], [scope.arn("secretsmanager", "secret:rds!cluster-*")],
                                           condition: ["StringEquals": ["secretsmanager:ResourceTag/aws:secretsmanager:owningService": "rds"],
                                                       "StringLike": ["secretsmanager:ResourceTag/aws:rds:primaryDBClusterArn": scope.arn("rds", "cluster:\(prefix)-clone-*")]]),
                                 at: 3)
        return policy
    }

    /// `secretKey`: the customer-managed KMS key of the DB user's secret, which the Data API decrypts
    /// with the caller's permissions.
    public static func schemaMigration(_ settings: MigrationSettings, _ scope: Scope, secretKey: String? = nil) -> IAMPolicy {
        var policy = IAMPolicy(statements: [
            Statement("DataAPI", ["rds-data:ExecuteStatement", "rds-data:BatchExecuteStatement", "rds-data:BeginTransaction",
                                  "rds-data:CommitTransaction", "rds-data:RollbackTransaction"], [settings.clusterARN]),
            // The Data API reads the DB user's secret with the caller's permissions.
            Statement("DatabaseSecret", ["secretsmanager:GetSecretValue"], [settings.secretARN]),
            // A rollback's Update is answered without migrating: the handler reads the status of the
            // stack the event names, which the settings do not know in advance.
            Statement("ReadOwnStackStatus", ["cloudformation:DescribeStacks"], [scope.arn("cloudformation", "stack/*")]),
        ])
        if let secretKey {
            policy.statements.append(Statement("DecryptDatabaseSecret", ["kms:Decrypt"], [secretKey],
                                               condition: ["StringEquals": ["kms:ViaService": "secretsmanager.\(scope.region).amazonaws.com"]]))
        }
        return policy
    }

    /// sanitize: the Data API on the staging cluster, its security groups (Custom::StagingAccess), the
    /// DB user's and the masking key's secrets, and an asynchronous Invoke of `function` itself.
    public static func sanitize(_ settings: SanitizeSettings, _ scope: Scope, function: String, secretKey: String? = nil) -> IAMPolicy {
        var policy = IAMPolicy(statements: [
            Statement("DataAPI", ["rds-data:ExecuteStatement", "rds-data:BeginTransaction", "rds-data:CommitTransaction",
                                  "rds-data:RollbackTransaction"], [settings.target.clusterARN]),
            Statement("OpenStagingCluster", ["rds:ModifyDBCluster", "rds:DescribeDBClusters"], [settings.target.clusterARN]),
            Statement("DatabaseSecret", ["secretsmanager:GetSecretValue"], [settings.target.secretARN]),
            Statement("MaskingKey", ["secretsmanager:GetSecretValue"], [settings.keySecretARN]),
            Statement("ContinueItself", ["lambda:InvokeFunction"], [scope.arn("lambda", "function:\(function)")]),
            Statement("ReadOwnStackStatus", ["cloudformation:DescribeStacks"], [scope.arn("cloudformation", "stack/*")]),
        ])
        if let secretKey {
            policy.statements.append(Statement("DecryptDatabaseSecret", ["kms:Decrypt"], [secretKey],
                                               condition: ["StringEquals": ["kms:ViaService": "secretsmanager.\(scope.region).amazonaws.com"]]))
        }
        return policy
    }

    /// refresh-in-place, stack-mitosis style: every call of the flight plan on the exact ARNs the plan
    /// names (the copy's, the target's and old-… names), whatever step the run is at; reading RDS; its
    /// own schedule rule; and a Deny on every change to the source, which IAM evaluates before any Allow.
    public static func refreshInPlace(_ plan: SwapPlan, source: DBNode, scheduleRule: String?, _ scope: Scope) -> IAMPolicy {
        var byAction: [String: [String]] = [:]
        var order: [String] = []
        for permission in plan.permissions {
            if byAction[permission.action] == nil { order.append(permission.action) }
            byAction[permission.action, default: []].append(permission.resource)
        }
        var statements = [Statement("ReadRDS", ["rds:DescribeDBInstances", "rds:DescribeDBClusters", "rds:DescribeDBSnapshots",
                                                "rds:DescribeDBClusterSnapshots"],
                                    [scope.arn("rds", "db:*"), scope.arn("rds", "cluster:*"), scope.arn("rds", "snapshot:*"),
                                     scope.arn("rds", "cluster-snapshot:*")])]
        for action in order {
            let sid = action.split(separator: ":").last.map(String.init) ?? action
            statements.append(Statement(sid, [action], byAction[action]!))
        }
        if let scheduleRule {
            statements.append(Statement("OwnScheduleRule", ["events:EnableRule", "events:DisableRule"], [scope.arn("events", "rule/\(scheduleRule)")]))
        }
        statements.append(Statement("NeverWriteTheSource", ["rds:AddTagsToResource", "rds:RemoveTagsFromResource", "rds:CreateDBInstance"]
                                    + changes(isCluster: source.kind == .cluster), [source.arn], effect: "Deny"))
        return IAMPolicy(statements: statements)
    }

    /// Listing the source's snapshots: by the source's identifier, and (shared ones) across the
    /// account, where the snapshot ARNs carry the owner's account.
    static func snapshotReads(_ settings: Settings, _ scope: Scope) -> Statement {
        let source = scope.arn("rds", (settings.source.isCluster ? "cluster:" : "db:") + settings.source.identifier)
        return Statement("ListSourceSnapshots", [snapshotListAction(settings)], [source] + snapshotARNs(settings, scope))
    }

    static func snapshotListAction(_ settings: Settings) -> String {
        settings.source.isCluster ? "rds:DescribeDBClusterSnapshots" : "rds:DescribeDBSnapshots"
    }

    /// The account's snapshots, and the owner's when shared from another account.
    static func snapshotARNs(_ settings: Settings, _ scope: Scope) -> [String] {
        let snapshots = settings.source.isCluster ? "cluster-snapshot:*" : "snapshot:*"
        var arns = [scope.arn("rds", snapshots)]
        if let owner = settings.sourceAccountID, owner != scope.account { arns.append(scope.arn("rds", snapshots, account: owner)) }
        return arns
    }

    /// Stack mode: CloudFormation acts with the caller's credentials, so the caller needs what the
    /// staging stack's update does: restore a new DB from the snapshot (tagged as the stack's), move
    /// the CNAME, invoke the migration, and delete the old DB. Changing or deleting a DB is allowed
    /// only on DBs that carry CloudFormation's `aws:cloudformation:stack-id` tag of that stack — a
    /// tag no principal can add — and explicitly denied on every other DB and on the source.
    static func stackDeployment(_ settings: Settings, stack: String, _ scope: Scope, snapshotKey: String?, secretKey: String?,
                                cname: CNAME?) -> [Statement] {
        let isCluster = settings.source.isCluster
        let rds = { (resource: String) in scope.arn("rds", resource) }
        // The stack's id holds a UUID that only CloudFormation knows; its name is ours.
        let stackID = scope.arn("cloudformation", "stack/\(stack)/*")
        let snapshots = snapshotARNs(settings, scope)
        let clone = settings.refreshMethod == .clone
        // A clone names its source as a resource of the request; cloning changes nothing of it.
        let created = isCluster
            ? [rds("cluster:*"), rds("db:*"), rds("subgrp:*"), rds("cluster-pg:default.*"), rds("pg:default.*"), rds("og:*")]
                + (clone ? [scope.arn("rds", "cluster:" + settings.source.identifier, account: settings.sourceAccountID)] : snapshots)
            : [rds("db:*"), rds("subgrp:*"), rds("pg:default.*"), rds("og:*")] + snapshots
        let changes = changes(isCluster: isCluster)
        var statements = [
            Statement("CreateStagingDB", clone ? ["rds:RestoreDBClusterToPointInTime", "rds:CreateDBInstance", "rds:AddTagsToResource"]
                                        : isCluster ? ["rds:RestoreDBClusterFromSnapshot", "rds:CreateDBInstance", "rds:AddTagsToResource"]
                                        : ["rds:RestoreDBInstanceFromDBSnapshot", "rds:AddTagsToResource"],
                      created, condition: ["StringEquals": ["aws:RequestTag/staging-refresh:stack": stack]]),
            Statement("ReadStagingDB", isCluster ? ["rds:DescribeDBClusters", "rds:DescribeDBInstances"] : ["rds:DescribeDBInstances"],
                      isCluster ? [rds("cluster:*"), rds("db:*")] : [rds("db:*")]),
            Statement("ReplaceOnlyTaggedStagingDB", changes,
                      isCluster ? [rds("cluster:*"), rds("cluster-snapshot:*"), rds("db:*")] : [rds("db:*")],
                      condition: ["StringLike": [createdByStack: stackID]]),
            // These reads have no resource-level permissions in IAM.
            Statement("ReadOnlyWithoutResourceLevelPermissions", ["rds:DescribeEvents", "ec2:DescribeAccountAttributes",
                                                                   "ec2:DescribeAvailabilityZones", "ec2:DescribeInternetGateways",
                                                                   "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"], ["*"]),
            Statement("ReadVpcAttributes", ["ec2:DescribeVpcAttribute"], [scope.arn("ec2", "vpc/*")]),
            Statement("WaitForCNAMEChange", ["route53:GetChange"], ["arn:\(scope.partition):route53:::change/*"]),
            // CloudFormation invokes the custom resources' functions (migrations; masking and access) with these credentials.
            Statement("RunSchemaMigration", ["lambda:InvokeFunction"], [scope.arn("lambda", "function:\(stack)-schema-migration"),
                                                                       scope.arn("lambda", "function:\(stack)-sanitize")]),
            // ManageMasterUserPassword: RDS creates the staging DB's own secret with the caller's
            // permissions, under the names it gives its secrets, encrypted with aws/secretsmanager.
            Statement("CreateStagingDBSecret", ["secretsmanager:CreateSecret", "secretsmanager:TagResource"],
                      [scope.arn("secretsmanager", isCluster ? "secret:rds!cluster-*" : "secret:rds!db-*")]),
        ]
        if let secretKey {
            statements.append(Statement("StagingDBSecretKey", ["kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant"], [secretKey],
                                        condition: ["StringEquals": ["kms:ViaService": "secretsmanager.\(scope.region).amazonaws.com"]]))
        }
        // RDS describes the secret's key itself. aws/secretsmanager's key id differs per account
        // and region; DescribeKey reads metadata only.
        statements.append(Statement("DescribeStagingDBSecretKey", ["kms:DescribeKey"], [secretKey ?? scope.arn("kms", "key/*")]))
        if let cname {
            let zone = "arn:\(scope.partition):route53:::hostedzone/\(cname.hostedZoneID)"
            statements.append(Statement("MoveStagingCNAME", ["route53:ChangeResourceRecordSets"], [zone], condition: [
                "ForAllValues:StringEquals": ["route53:ChangeResourceRecordSetsNormalizedRecordNames": cname.recordName,
                                              "route53:ChangeResourceRecordSetsRecordTypes": "CNAME"]]))
            statements.append(Statement("ReadStagingZone", ["route53:ListResourceRecordSets"], [zone]))
        } else {
            statements.append(Statement("MoveStagingCNAME", ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
                                        ["arn:\(scope.partition):route53:::hostedzone/*"]))
        }
        if let snapshotKey {
            statements.append(Statement("DescribeSnapshotKey", ["kms:DescribeKey"], [snapshotKey]))
            statements.append(Statement("GrantSnapshotKeyToRDS", ["kms:CreateGrant"], [snapshotKey],
                                        condition: ["Bool": ["kms:GrantIsForAWSResource": "true"]]))
        }
        statements.append(Statement("OnlyWhatThisStackCreated", changes + ["rds:RemoveTagsFromResource"],
                                    isCluster ? [rds("cluster:*"), rds("db:*")] : [rds("db:*")],
                                    condition: ["StringNotLike": [createdByStack: stackID]], effect: "Deny"))
        statements.append(sourceDeny(settings, scope))
        return statements
    }

    /// The condition key of CloudFormation's own mark on what a stack created.
    static let createdByStack = "aws:ResourceTag/aws:cloudformation:stack-id"

    /// Pretty JSON of a policy, or of a map of handler names to policies.
    public static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
