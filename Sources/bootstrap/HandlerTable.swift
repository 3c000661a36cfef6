import LambdaRuntime
import Refresh

/// A setting a handler reads, for `--help` and README.
struct Setting: Sendable {
    let name: String
    let meaning: String
}

/// What `_HANDLER` can name: how to build each handler and how to explain it.
struct HandlerEntry: Sendable {
    let name: String
    let summary: String
    let settings: [Setting]
    let make: @Sendable () throws -> any Handler
}

enum HandlerTable {
    static let entries: [HandlerEntry] = [
        HandlerEntry(
            name: "update-latest-snapshot-id",
            summary: "Cron: writes the newest usable snapshot of the source (also one shared from another account, by ARN) to SSM <prefix>/latest-snapshot-id, only when it changed. Result: {snapshot, snapshotCreateTime, previous, changed}. Event: {} or a scheduled event; {\"dryRun\": true} plans without writing; {\"config\": {…}} overrides settings.",
            settings: refreshSettings(excluding: ["RESTORE_MODE", "PIPELINE_NAME", "PIPELINE_VARIABLE", "STACK_NAME", "STAGING_DB_IDENTIFIER", "STACK_TEMPLATE", "MIGRATIONS_ENABLED", "STACK_ROLE_ARN"]),
            make: { try UpdateLatestSnapshotHandler.make() }),
        HandlerEntry(
            name: "restore-from-snapshot",
            summary: "Cron: copies latest to SSM <prefix>/current-snapshot-id, then starts the pipeline (one execution per snapshot) or creates/updates the staging DB stack, without waiting. Event: {} or a scheduled event; {\"snapshot\": \"…\"} restores that one; {\"force\": true} re-runs; {\"dryRun\": true} plans.",
            settings: refreshSettings(excluding: []),
            make: { try RestoreFromSnapshotHandler.make() }),
        HandlerEntry(
            name: "schema-migration",
            summary: "CloudFormation custom resource (Custom::SchemaMigration): applies the V<version>__<description>.sql files of the migrations layer through the RDS Data API and answers on the ResponseURL, always and before the deadline. Create/Update migrate; Delete changes nothing. Data: {AppliedCount, CurrentVersion}. Invoked directly with {\"action\": \"migrate\"} it returns the summary. ResourceProperties (in parentheses) override the environment.",
            settings: MigrationSettings.documentation.map { Setting(name: "\($0.env) (\($0.property))", meaning: $0.meaning) },
            make: { try SchemaMigrationHandler.make() }),
        HandlerEntry(
            name: "sanitize",
            summary: "CloudFormation custom resources Custom::Sanitize (masks the staging DB after masking.json through the RDS Data API: deny by default, chunked, verified, resumable; near its deadline it hands on to a new asynchronous invocation of itself, which answers) and Custom::StagingAccess (puts SecurityGroupIds on the cluster once masking and migrations succeeded). Data: {Response, Tables, Rows, Table.<name>}. Invoked directly: {\"action\": \"sanitize\"} masks and returns the report, {\"action\": \"plan\"} checks the spec and writes nothing.",
            settings: SanitizeSettings.documentation.map { Setting(name: "\($0.env) (\($0.property))", meaning: $0.meaning) },
            make: { try SanitizeHandler.make() }),
        HandlerEntry(
            name: "refresh-in-place",
            summary: "A reconciler that refreshes an existing staging DB graph in place (stack-mitosis's swap): temp- copy of production with the target's attributes (read replica, snapshot restore or Aurora clone), promote, copies of the replicas, rename the target to old- and the copy to the target's names, restart hook, delete old-. Each invocation does what is ready and returns {run, state, done, next, waitingFor}. Events: {} continues a run, {\"start\": true}, {\"plan\": true}, {\"abort\": true}, {\"resume\": true}, {\"follow\": true}.",
            settings: InPlaceSettings.documentation.map { Setting(name: $0.name, meaning: $0.meaning) },
            make: { try RefreshInPlaceHandler.make() }),
        HandlerEntry(
            name: "expire-clones",
            summary: "Cron: deletes this base's self-service clones (stacks <base>-clone-<name>, made by bootstrap clone) whose staging-refresh:expires tag has passed. Result: {action, expired}. {\"dryRun\": true} lists them only. {\"action\": \"create-clone\"|\"list-clones\"|\"delete-clone\", \"name\": …, \"ttl\": \"8h\", \"class\": …, \"owner\": …} does what bootstrap clone does.",
            settings: refreshSettings(excluding: ["RESTORE_MODE", "PIPELINE_NAME", "PIPELINE_VARIABLE", "STACK_NAME", "STAGING_DB_IDENTIFIER", "STACK_TEMPLATE", "MIGRATIONS_ENABLED", "STACK_ROLE_ARN", "SNAPSHOT_TYPES", "REFRESH_METHOD"]),
            make: { try ExpireClonesHandler.make() }),
        EchoHandler.entry,
        ContextHandler.entry,
        FailHandler.entry,
    ]

    static var names: [String] { entries.map(\.name) }

    private static func refreshSettings(excluding excluded: [String]) -> [Setting] {
        Settings.documentation.filter { !excluded.contains($0.name) }.map { Setting(name: $0.name, meaning: $0.meaning) }
    }

    static func entry(named name: String) -> HandlerEntry? {
        entries.first { $0.name == name }
    }

    /// Builds the handler `_HANDLER` names, or fails init with the list of valid names.
    static func make(named name: String?) throws -> any Handler {
        guard let name, !name.isEmpty else {
            throw FunctionError(.runtime, "HandlerNotFound",
                                "_HANDLER is not set; set the function's Handler to one of: \(names.joined(separator: ", "))")
        }
        guard let entry = entry(named: name) else {
            throw FunctionError(.runtime, "HandlerNotFound",
                                "unknown handler \(QuotedInput.quote(name)); set the function's Handler (_HANDLER) to one of: \(names.joined(separator: ", "))")
        }
        return try entry.make()
    }
}
