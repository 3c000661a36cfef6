import AWSClient
import LambdaRuntime

/// `update-latest-snapshot-id`: the newest usable snapshot of the source into
/// `<prefix>/latest-snapshot-id`, written only when it changed. In clone mode, the source cluster's
/// latest restorable time into `<prefix>/latest-restore-time`, once the cluster is found clonable.
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
        public let snapshot: String?
        public let snapshotCreateTime: String?
        public let restoreTime: String?
        public let previous: String?
        public let changed: Bool
        public let dryRun: Bool?
        public let plan: [PlannedCall]?
    }

    public func handle(event: RefreshEvent, context: Context) throws -> Output {
        guard event.snapshot == nil, event.restoreTime == nil, !event.force else {
            throw FunctionError.invalidEvent("'snapshot', 'restoreTime' and 'force' belong to restore-from-snapshot; update-latest-snapshot-id accepts config and dryRun")
        }
        let settings = try Settings(self.settings.overlaid(with: event.config))
        let deadline = Deadline(epochMilliseconds: context.deadlineMilliseconds)
        let ssm = SSM(session: session, deadline: deadline)
        let rds = RDS(session: session, deadline: deadline)
        let value: String
        var chosen: RDS.Snapshot?
        var seen = 1
        switch settings.refreshMethod {
        case .clone:
            value = try CloneSource.latestRestoreTime(of: try CloneSource.sourceCluster(settings, rds, region: session.region.name), settings: settings)
        case .snapshot:
            let selection = SnapshotSelection(try SnapshotCatalog(rds: rds).snapshots(for: settings), settings: settings)
            guard let winner = selection.chosen else {
                throw RefreshError.noUsableSnapshot(explanation: selection.explanation(for: settings))
            }
            chosen = winner
            seen = selection.seen
            value = SnapshotSelection.reference(to: winner)
        }
        let previous = try ssm.getParameter(name: settings.latestParameter)
        let changed = previous?.Value != value
        let plan = changed ? [PlannedCall("ssm:PutParameter", ["Name": settings.latestParameter, "Value": value,
                                                                "Overwrite": String(previous != nil)])] : []
        if changed && !event.dryRun {
            try ssm.putParameter(name: settings.latestParameter, value: value, overwrite: previous != nil,
                                 tags: previous == nil ? Self.tags : [])
        }
        let noun = settings.refreshMethod == .clone ? "restore time" : "snapshot"
        context.logger.info(changed ? "latest \(noun) changed" : "latest \(noun) unchanged",
                            [settings.refreshMethod == .clone ? "restoreTime" : "snapshot": .string(value), "previous": .string(previous?.Value ?? "-"),
                             "seen": .int(Int64(seen)), "dryRun": .bool(event.dryRun)])
        return Output(snapshot: chosen.map { _ in value }, snapshotCreateTime: chosen?.createTime,
                      restoreTime: settings.refreshMethod == .clone ? value : nil, previous: previous?.Value, changed: changed,
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
