import AWSClient
import LambdaRuntime

/// `update-latest-snapshot-id`: the newest usable snapshot of the source into
/// `<prefix>/latest-snapshot-id`, written only when it changed.
public struct UpdateLatestSnapshotHandler: JSONHandler {
    let settings: SettingsSource
    let session: AWSSession

    public static let tags = [SSM.Tag(key: "managed-by", value: "staging-refresh")]

    public init(settings: SettingsSource, session: AWSSession) {
        self.settings = settings
        self.session = session
    }

    public static func make() throws -> UpdateLatestSnapshotHandler {
        let settings = try SettingsSource.process()
        try Settings.validateAtInit(settings)
        return UpdateLatestSnapshotHandler(settings: settings, session: try AWSSession())
    }

    public struct Output: Encodable, Sendable {
        public let snapshot: String
        public let snapshotCreateTime: String
        public let previous: String?
        public let changed: Bool
        public let dryRun: Bool?
        public let plan: [PlannedCall]?
    }

    public func handle(event: RefreshEvent, context: Context) throws -> Output {
        guard event.snapshot == nil, !event.force else {
            throw FunctionError.invalidEvent("'snapshot' and 'force' belong to restore-from-snapshot; update-latest-snapshot-id accepts config and dryRun")
        }
        let settings = try Settings(self.settings.overlaid(with: event.config))
        let deadline = Deadline(epochMilliseconds: context.deadlineMilliseconds)
        let ssm = SSM(session: session, deadline: deadline)
        let snapshots = try SnapshotCatalog(rds: RDS(session: session, deadline: deadline)).snapshots(for: settings)
        let selection = SnapshotSelection(snapshots, settings: settings)
        guard let chosen = selection.chosen else {
            throw RefreshError.noUsableSnapshot(explanation: selection.explanation(for: settings))
        }
        let value = SnapshotSelection.reference(to: chosen)
        let previous = try ssm.getParameter(name: settings.latestParameter)
        let changed = previous?.Value != value
        let plan = changed ? [PlannedCall("ssm:PutParameter", ["Name": settings.latestParameter, "Value": value,
                                                                "Overwrite": String(previous != nil)])] : []
        if changed && !event.dryRun {
            try ssm.putParameter(name: settings.latestParameter, value: value, overwrite: previous != nil,
                                 tags: previous == nil ? Self.tags : [])
        }
        context.logger.info(changed ? "latest snapshot changed" : "latest snapshot unchanged",
                            ["snapshot": .string(value), "previous": .string(previous?.Value ?? "-"),
                             "seen": .int(Int64(selection.seen)), "dryRun": .bool(event.dryRun)])
        return Output(snapshot: value, snapshotCreateTime: chosen.createTime, previous: previous?.Value, changed: changed,
                      dryRun: event.dryRun ? true : nil, plan: event.dryRun ? plan : nil)
    }
}

extension Settings {
    /// At init, settings from the environment and config.json must be well-formed and safe; a
    /// missing source may still arrive in an event's config, so that is checked per invocation.
    /// Returns the settings when they are complete enough to check.
    @discardableResult
    static func validateAtInit(_ source: SettingsSource) throws -> Settings? {
        guard source.value("SOURCE_DB_CLUSTER_IDENTIFIER") != nil || source.value("SOURCE_DB_INSTANCE_IDENTIFIER") != nil else { return nil }
        return try Settings(source)
    }
}
