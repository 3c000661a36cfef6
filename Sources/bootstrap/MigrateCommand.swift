import AWSClient
import LambdaRuntime
import Migrations
import Refresh

/// `bootstrap migrate info|validate|migrate|repair [flags]`: the schema-migration handler's runner
/// for an operator, against a cluster through the Data API, with the handler's settings (the
/// environment) and flags that override them as the custom resource's properties do.
enum MigrateCommand {
    static let commands = ["info", "validate", "migrate", "repair"]
    /// flag → the custom resource's property it stands for.
    static let flags = ["--cluster-arn": "ClusterArn", "--secret-arn": "SecretArn", "--database": "Database", "--engine": "Engine",
                        "--dir": "MigrationsDir", "--table": "MigrationsTable", "--naming": "MigrationNaming",
                        "--baseline-version": "BaselineVersion"]

    static func run(_ arguments: [String]) -> Int32 {
        var command: String?
        var properties: [String: String] = [:]
        var placeholders: [String: String] = [:]
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            if argument == "-h" || argument == "--help" {
                print(help)
                return 0
            } else if let property = flags[argument] {
                guard let value = rest.popFirst(), !value.isEmpty else { return fail("\(argument) needs a value; run 'bootstrap migrate --help'", status: 2) }
                properties[property] = value
            } else if argument == "--placeholder" {
                guard let value = rest.popFirst(), let equals = value.firstIndex(of: "="), equals != value.startIndex else {
                    return fail("--placeholder needs name=value, e.g. --placeholder schema=app", status: 2)
                }
                placeholders[String(value[..<equals])] = String(value[value.index(after: equals)...])
            } else if command == nil, commands.contains(argument) {
                command = argument
            } else {
                return fail("unexpected \(QuotedInput.quote(argument)); the commands are \(commands.joined(separator: ", ")); run 'bootstrap migrate --help'", status: 2)
            }
        }
        guard let command else { return fail("name a command: \(commands.joined(separator: ", "))", status: 2) }
        do {
            let settings = try MigrationSettings(environment: MigrationSettings.processEnvironment(), properties: properties, placeholders: placeholders)
            let runner = try SchemaMigrationHandler.runner(settings, session: try AWSSession(),
                                                           deadlineMilliseconds: Clock.epochMilliseconds() + 3_600_000)
            let set = try MigrationSet(directory: settings.directory, naming: settings.naming)
            switch command {
            case "info":
                let plan = try runner.plan(set)
                warn(plan.warnings)
                print(plan.table)
                return 0
            case "validate":
                let plan = try runner.plan(set)
                warn(plan.warnings)
                guard plan.problems.isEmpty else {
                    for problem in plan.problems { CLI.write(Array("invalid: \(problem)\n".utf8), to: 2) }
                    return 1
                }
                let applied = plan.entries.filter { [.success, .baseline, .belowBaseline].contains($0.state) }.count
                print("valid: \(applied) applied and matching their files, \(plan.pending.count) pending")
                return 0
            case "repair":
                let done = try runner.repair(set)
                print(done.isEmpty ? "nothing to repair" : done.joined(separator: "\n"))
                return 0
            default:
                let summary = try runner.run(set)
                warn(summary.warnings)
                print(summary.message)
                return 0
            }
        } catch let error as InvocationError {
            return fail(error.errorMessage, status: 1)
        } catch {
            return fail("\(error)", status: 1)
        }
    }

    private static func warn(_ warnings: [String]) {
        for warning in warnings { CLI.write(Array("warning: \(warning)\n".utf8), to: 2) }
    }

    private static func fail(_ message: String, status: Int32) -> Int32 {
        CLI.write(Array(("bootstrap migrate: " + message + "\n").utf8), to: 2)
        return status
    }

    static var help: String {
        var text = """
        bootstrap migrate info|validate|migrate|repair [--cluster-arn ARN] [--secret-arn ARN] [--database NAME]
            [--engine postgres|mysql] [--dir DIR] [--table NAME] [--naming flyway|plain] [--baseline-version V]
            [--placeholder NAME=VALUE]...

        The schema-migration handler's runner, against a cluster through the RDS Data API, with its settings
        (the environment below; a flag overrides its setting):
          info      every migration's version, description, type, state and checksum (nothing is changed)
          validate  exit 1 when an applied migration's file changed, is failed or (MySQL) half applied;
                    pending ones are listed, not an error (nothing is changed)
          migrate   apply what is pending, as the custom resource does
          repair    remove failed rows and record the current checksum of changed files, as Flyway's repair

        Settings:

        """
        for setting in MigrationSettings.documentation {
            text += "  \(setting.env.padding(36))\(setting.meaning)\n"
        }
        return text
    }
}
