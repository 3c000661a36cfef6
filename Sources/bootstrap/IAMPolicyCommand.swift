import InPlace
import AWSClient
import LambdaRuntime
import Refresh

/// `bootstrap iam-policy [HANDLER|stack-update-role|developer-clones] [--account ID] …`: the least-privilege policy for the current
/// settings, read from the environment and config.json exactly as the handlers read them.
enum IAMPolicyCommand {
    static let handlers = ["update-latest-snapshot-id", "restore-from-snapshot", "schema-migration", "expire-clones", "sanitize"]
    /// Policies that belong to no handler: CloudFormation's service role in stack mode.
    static let roles = ["stack-update-role", "developer-clones"]

    static func run(_ arguments: [String]) -> Int32 {
        var handler: String?
        var account: String?
        var snapshotKey: String?
        var secretKey: String?
        var hostedZone: String?
        var recordName: String?
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--account":
                guard let value = rest.popFirst(), value.count == 12, value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    return fail("--account needs a 12-digit account id, e.g. --account 111122223333", status: 2)
                }
                account = value
            case "--kms-key":
                guard let value = rest.popFirst(), value.hasPrefix("arn:") else {
                    return fail("--kms-key needs the key's ARN, e.g. --kms-key arn:aws:kms:us-east-1:111122223333:key/1234abcd-…", status: 2)
                }
                snapshotKey = value
            case "--secret-kms-key":
                guard let value = rest.popFirst(), value.hasPrefix("arn:") else {
                    return fail("--secret-kms-key needs the key's ARN, e.g. --secret-kms-key arn:aws:kms:us-east-1:111122223333:key/1234abcd-…", status: 2)
                }
                secretKey = value
            case "--hosted-zone":
                guard let value = rest.popFirst(), !value.isEmpty, value.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else {
                    return fail("--hosted-zone needs the Route53 hosted zone id, e.g. --hosted-zone Z0123456789ABCDEFGHIJ", status: 2)
                }
                hostedZone = value
            case "--record-name":
                guard let value = rest.popFirst(), !value.isEmpty else {
                    return fail("--record-name needs the CNAME's name, e.g. --record-name db.staging.example.internal", status: 2)
                }
                recordName = value.lowercased().hasSuffix(".") ? String(value.lowercased().dropLast()) : value.lowercased()
            case "-h", "--help":
                print(help)
                return 0
            case let name where handler == nil && (handlers.contains(name) || roles.contains(name) || name == "refresh-in-place"):
                handler = name
            default:
                return fail("unexpected \(QuotedInput.quote(argument)); the handlers with AWS permissions are \(handlers.joined(separator: ", ")), and stack-update-role is CloudFormation's role in stack mode", status: 2)
            }
        }
        guard (hostedZone == nil) == (recordName == nil) else {
            return fail("--hosted-zone and --record-name go together: the policy narrows the CNAME change to that record of that zone", status: 2)
        }
        let cname = hostedZone.flatMap { zone in recordName.map { IAMPolicy.CNAME(hostedZoneID: zone, recordName: $0) } }
        do {
            let environment = Environment.process()
            let region = try Region.resolve(from: environment).name
            let scope = IAMPolicy.Scope(region: region, account: try account ?? callerAccount(environment))
            if let handler {
                print(try IAMPolicy.json(policy(for: handler, scope, snapshotKey: snapshotKey, secretKey: secretKey, cname: cname)))
            } else {
                var all: [String: IAMPolicy] = [:]
                for name in handlers { all[name] = try policy(for: name, scope, snapshotKey: snapshotKey, secretKey: secretKey, cname: cname) }
                print(try IAMPolicy.json(all))
            }
            return 0
        } catch {
            return fail("\(error)", status: 1)
        }
    }

    static func policy(for handler: String, _ scope: IAMPolicy.Scope, snapshotKey: String?, secretKey: String?,
                       cname: IAMPolicy.CNAME?) throws -> IAMPolicy {
        switch handler {
        case "schema-migration":
            return IAMPolicy.schemaMigration(try MigrationSettings(environment: MigrationSettings.processEnvironment()), scope, secretKey: secretKey)
        case "refresh-in-place":
            // stack-mitosis's --iam-policy: the plan for the graph as it is now, its exact ARNs.
            let settings = try InPlaceSettings(environment: InPlaceSettings.processEnvironment())
            let session = try AWSSession()
            let rds = RDS(session: session, deadline: .after(milliseconds: 30_000))
            let nodes = try rds.describeNodes().map(RefreshInPlaceHandler.node)
            let plan = try RefreshInPlaceHandler.plan(settings, nodes: nodes, region: scope.region, newRun: "r0", snapshot: { source, cluster in
                try RefreshInPlaceHandler.newestSnapshot(of: source, cluster: cluster, rds: rds)
            })
            guard let source = nodes.first(where: { $0.identifier == settings.spec.source || $0.arn == settings.spec.source }) else {
                throw RefreshError.invalidConfiguration("the source \(settings.spec.source) is not found")
            }
            return IAMPolicy.refreshInPlace(plan, source: source, scheduleRule: settings.scheduleRule, scope)
        case "sanitize":
            let function = Environment.process().values["AWS_LAMBDA_FUNCTION_NAME"] ?? "*-sanitize"
            return IAMPolicy.sanitize(try SanitizeSettings(environment: SanitizeSettings.processEnvironment()), scope, function: function, secretKey: secretKey)
        case "update-latest-snapshot-id":
            return IAMPolicy.updateLatestSnapshot(try Settings(try SettingsSource.process()), scope)
        case "developer-clones":
            return IAMPolicy.developerClones(try Settings(try SettingsSource.process()), scope, sourceKey: snapshotKey)
        case "expire-clones":
            return IAMPolicy.expireClones(try Settings(try SettingsSource.process()), scope, sourceKey: snapshotKey)
        case "stack-update-role":
            return IAMPolicy.stackUpdateRole(try Settings(try SettingsSource.process()), scope, snapshotKey: snapshotKey, secretKey: secretKey, cname: cname)
        default:
            return IAMPolicy.restoreFromSnapshot(try Settings(try SettingsSource.process()), scope, snapshotKey: snapshotKey, secretKey: secretKey, cname: cname)
        }
    }

    /// The account the credentials belong to, as `aws sts get-caller-identity` tells it.
    private static func callerAccount(_ environment: Environment) throws -> String {
        let session = try AWSSession(environment: environment)
        return try STS(session: session, deadline: .after(milliseconds: 10_000)).getCallerIdentity().account
    }

    private static func fail(_ message: String, status: Int32) -> Int32 {
        CLI.write(Array(("bootstrap iam-policy: " + message + "\n").utf8), to: 2)
        return status
    }

    static let help = """
    bootstrap iam-policy [HANDLER|stack-update-role] [--account ID] [--kms-key ARN] [--secret-kms-key ARN]
                         [--hosted-zone ID --record-name NAME]

    Prints the least-privilege IAM policy for HANDLER (update-latest-snapshot-id, restore-from-snapshot,
    schema-migration, expire-clones or sanitize), or an object of all five (which needs the settings of all of them), for the
    settings in the environment and config.json:
    the actions the handler calls, on the ARNs it touches. The region comes from AWS_REGION; the account
    from --account, or else from sts:GetCallerIdentity with the current credentials. Lambda's own
    permissions come on top: logs:CreateLogStream and logs:PutLogEvents on the function's log group, and
    sns:Publish on an on-failure destination topic.
    In stack mode with STACK_ROLE_ARN (template.yml sets it) restore-from-snapshot may update the stack only
    with that role and pass it only to CloudFormation, and stack-update-role prints the role's own policy:
    what CloudFormation does with it to replace the staging database. Without STACK_ROLE_ARN CloudFormation
    acts with the caller's credentials, and restore-from-snapshot's policy holds all of that. Changing or deleting a database is allowed only on one that carries
    CloudFormation's aws:cloudformation:stack-id tag of the stack (stack/STACK_NAME/*), and denied on every
    other. --kms-key names the customer-managed key of encrypted snapshots, --secret-kms-key the one of the
    staging DB's RDS-managed master secret (default aws/secretsmanager). --hosted-zone and --record-name
    narrow the CNAME change to that record (type CNAME) of that zone, as template.yml does; without them
    any hosted zone of the account is allowed.
    refresh-in-place describes RDS with the current credentials and prints the policy of the flight plan for the
    graph as it is now, on its exact ARNs (stack-mitosis's --iam-policy), with a Deny on every change to the source.
    sanitize's own function (its continuation invokes it) is AWS_LAMBDA_FUNCTION_NAME, as Lambda sets it.
    developer-clones prints a developer's policy for bootstrap clone: create, list, follow and delete only the
    clone stacks <CLONE_NAME_PREFIX>-clone-*, and read only their RDS-managed secrets.
    """
}
