#if canImport(Glibc)
import Glibc
#endif
import AWSClient
import Basics
import LambdaRuntime
import Refresh

/// `bootstrap clone create NAME [--ttl 8h] [--class db.serverless] [--wait] | list | delete NAME [--wait]`:
/// a developer's own copy-on-write clone of the source cluster, with the refresh's settings
/// (SOURCE_DB_CLUSTER_IDENTIFIER, PARAMETER_PREFIX, … from the environment and config.json).
enum CloneCommand {
    static func run(_ arguments: [String]) -> Int32 {
        var rest = arguments[...]
        guard let command = rest.popFirst(), ["create", "list", "delete"].contains(command) else {
            if arguments.first == "-h" || arguments.first == "--help" {
                print(help)
                return 0
            }
            return fail("name a command: create, list or delete; run 'bootstrap clone --help'", status: 2)
        }
        var name: String?
        var ttl = "8h"
        var instanceClass = "db.serverless"
        var wait = false
        while let argument = rest.popFirst() {
            switch argument {
            case "--ttl":
                guard let value = rest.popFirst() else { return fail("--ttl needs a duration, e.g. --ttl 8h", status: 2) }
                ttl = value
            case "--class":
                guard let value = rest.popFirst() else { return fail("--class needs an instance class, e.g. --class db.serverless", status: 2) }
                instanceClass = value
            case "--wait":
                wait = true
            case "-h", "--help":
                print(help)
                return 0
            case let value where name == nil && !value.hasPrefix("-") && command != "list":
                name = value
            default:
                return fail("unexpected \(QuotedInput.quote(argument)); run 'bootstrap clone --help'", status: 2)
            }
        }
        if command != "list", name == nil { return fail("\(command) needs the clone's name, e.g. bootstrap clone \(command) alice-bugfix", status: 2) }
        do {
            let settings = try Settings(try SettingsSource.process())
            let session = try AWSSession()
            let deadline = Deadline.after(milliseconds: 3_600_000)
            let stacks = CloneStacks(settings: settings, session: session, deadline: deadline)
            switch command {
            case "create":
                let owner = try STS(session: session, deadline: deadline).getCallerIdentity().arn
                let created = try stacks.create(name: name!, ttl: ttl, instanceClass: instanceClass, owner: owner)
                print("creating clone \(created.name): stack \(created.stackName), expires \(created.expires)")
                guard wait else {
                    print("follow it with: bootstrap clone list")
                    return 0
                }
                let final = try follow(created.stackName, CloudFormation(session: session, deadline: deadline), until: "CREATE_COMPLETE")
                guard final.status == "CREATE_COMPLETE", let stack = final.stack else {
                    return fail("stack \(created.stackName) ended \(final.status)\(final.reason.map { ": \($0)" } ?? "")", status: 1)
                }
                printConnection(stack, name: created.name, settings: settings, rds: RDS(session: session, deadline: deadline))
            case "list":
                let clones = try stacks.list()
                print(clones.isEmpty ? "no clones" : CloneStacks.table(clones, now: Clock.epochMilliseconds()))
            default:
                let stackName = try stacks.delete(name: name!)
                print("deleting clone \(name!): stack \(stackName)")
                if wait {
                    let final = try follow(stackName, CloudFormation(session: session, deadline: deadline), until: "DELETE_COMPLETE")
                    guard final.status == "DELETE_COMPLETE" else { return fail("stack \(stackName) ended \(final.status)", status: 1) }
                    print("deleted")
                }
            }
            return 0
        } catch let error as InvocationError {
            return fail(error.errorMessage, status: 1)
        } catch {
            return fail("\(error)", status: 1)
        }
    }

    /// One progress line per change of the stack's newest event, until it settles.
    static func follow(_ stackName: String, _ cloudFormation: CloudFormation, until done: String) throws -> (status: String, reason: String?, stack: CloudFormation.Stack?) {
        let started = Clock.epochMilliseconds()
        let interval = FunctionEnvironment.variable("CLONE_POLL_SECONDS").flatMap { Int($0) } ?? 10
        var last = ""
        while true {
            let stack = try cloudFormation.describeStack(name: stackName)
            let status = stack?.status ?? "DELETE_COMPLETE"  // a deleted stack is no longer described by name
            let newest = stack == nil ? nil : (try? cloudFormation.describeStackEvents(name: stackName).first).flatMap { $0 }
            let line = newest.map { "\($0.logicalID) \($0.status)" } ?? status
            if line != last {
                let seconds = (Clock.epochMilliseconds() - started) / 1000
                print("[\(String(repeating: " ", count: max(0, 4 - String(seconds).count)))\(seconds)s] \(status): \(line)")
                last = line
            }
            if !status.hasSuffix("_IN_PROGRESS") || status == done { return (status, stack?.statusReason, stack) }
            sleep(UInt32(interval))
        }
    }

    /// What a developer needs to connect; the password stays in the secret, read by their own CLI.
    static func printConnection(_ stack: CloudFormation.Stack, name: String, settings: Settings, rds: RDS) {
        let endpoint = stack.outputs["Endpoint"] ?? "?"
        let port = stack.outputs["Port"] ?? "?"
        let secret = stack.outputs["SecretArn"] ?? "?"
        let username = (try? rds.describeDBClusters(identifier: stack.name).first?.masterUsername) ?? nil
        let user = username ?? "<the secret's username>"
        let password = "$(aws secretsmanager get-secret-value --secret-id '\(secret)' --query SecretString --output text | jq -r .password)"
        let postgres = settings.engine.map { $0.contains("postgres") } ?? (port == "5432")
        print("""
        endpoint:  \(endpoint)
        port:      \(port)
        username:  \(user)
        secret:    \(secret)
        connect:   \(postgres ? "PGPASSWORD=\"\(password)\" psql \"host=\(endpoint) port=\(port) user=\(user) dbname=postgres sslmode=require\""
                               : "mysql --host=\(endpoint) --port=\(port) --user=\(user) --password=\"\(password)\" --ssl")
        delete:    bootstrap clone delete \(name) --wait
        """)
    }

    private static func fail(_ message: String, status: Int32) -> Int32 {
        FileContents.write(Array(("bootstrap clone: " + message + "\n").utf8), to: 2)
        return status
    }

    static let help = """
    bootstrap clone create NAME [--ttl 8h] [--class db.serverless] [--wait]
    bootstrap clone list
    bootstrap clone delete NAME [--wait]

    Your own Aurora copy-on-write clone of the source cluster, as of its latest restorable time: a stack
    <base>-clone-NAME (base: PARAMETER_PREFIX without slashes) from templates/clone.yml, tagged with you
    (the caller's ARN), the source and its expiry (--ttl, 30m to 7d). expire-clones deletes it once expired.
    create --wait follows the stack and prints the endpoint, the username, the secret and a ready psql or
    mysql command whose password your own AWS CLI reads from the secret (never printed). Settings as for
    the refresh: SOURCE_DB_CLUSTER_IDENTIFIER, ENGINE, PARAMETER_PREFIX, CLONE_DB_SUBNET_GROUP,
    CLONE_SECURITY_GROUP_IDS; CLONE_TEMPLATE names the template, CLONE_POLL_SECONDS the --wait interval (10).
    """
}
