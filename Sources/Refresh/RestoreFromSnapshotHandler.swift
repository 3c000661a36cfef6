#if canImport(Glibc)
import Glibc
#endif
import AWSClient
import Basics
import FoundationEssentials
import LambdaRuntime

/// `restore-from-snapshot`: copies latest (or the event's snapshot) to `<prefix>/current-snapshot-id`
/// and starts the redeploy: the pipeline, or the staging database's stack. Every read and check
/// comes first; writes start only when all of them passed, so a refusal changes nothing.
public struct RestoreFromSnapshotHandler: JSONHandler {
    let settings: SettingsSource
    let session: AWSSession

    public init(settings: SettingsSource, session: AWSSession) {
        self.settings = settings
        self.session = session
    }

    public static func make() throws -> RestoreFromSnapshotHandler {
        let settings = try SettingsSource.process()
        if let checked = try Settings.validateAtInit(settings), checked.restoreMode == .stack {
            _ = try checked.requiredStackName()
        }
        return RestoreFromSnapshotHandler(settings: settings, session: try AWSSession())
    }

    public struct Output: Encodable, Sendable {
        public var snapshot: String
        public var previous: String?
        public var changed: Bool
        public var mode: String
        public var pipelineName: String?
        public var executionId: String?
        public var stackName: String?
        public var stackAction: String?
        public var stackId: String?
        public var dryRun: Bool?
        public var plan: [PlannedCall]?
    }

    /// template.yml's stack holds the functions' IAM roles: CloudFormation refuses to update it
    /// without this acknowledgement, even when only a parameter changes.
    static let capabilities = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]

    /// What stack mode will do, with the template it needs: creating takes a template body,
    /// an update may keep the stack's own.
    enum StackStep: Equatable {
        case create(templateBody: String)
        case update(CloudFormation.UpdateTemplate)
        case recreate(templateBody: String)
    }

    public func handle(event: RefreshEvent, context: Context) throws -> Output {
        let settings = try Settings(self.settings.overlaid(with: event.config))
        let deadline = Deadline(epochMilliseconds: context.deadlineMilliseconds)
        let ssm = SSM(session: session, deadline: deadline)

        // Reads and checks. `snapshot` is what the staging DB is made from: a snapshot, or (clone
        // mode) the point in time the source cluster is cloned at.
        let snapshot: String
        // The source's snapshot, when it had to be looked up: an override is checked against it.
        var found: RDS.Snapshot?
        // Clone mode: the source cluster, checked clonable; and whether an operator chose the time.
        var sourceCluster: RDS.Cluster?
        var pointInTime = false
        switch settings.refreshMethod {
        case .snapshot:
            guard event.restoreTime == nil else {
                throw FunctionError.invalidEvent("'restoreTime' is for REFRESH_METHOD=clone; in snapshot mode name a snapshot with {\"snapshot\": \"…\"}")
            }
            if let requested = event.snapshot {
                let checked = try checkedOverride(requested, settings: settings, deadline: deadline)
                found = checked
                snapshot = SnapshotSelection.reference(to: checked)
            } else {
                snapshot = try latest(settings, ssm)
            }
            if settings.migrationsEnabled {
                if found == nil { found = try sourceSnapshot(named: snapshot, settings: settings, deadline: deadline) }
                try checkDataAPI(found, named: snapshot, settings: settings)
            }
        case .clone:
            guard event.snapshot == nil else {
                throw FunctionError.invalidEvent("'snapshot' is for REFRESH_METHOD=snapshot; in clone mode name a point in time with {\"restoreTime\": \"2026-12-01T04:00:00Z\"}")
            }
            let rds = RDS(session: session, deadline: deadline)
            let cluster = try CloneSource.clonable(try CloneSource.sourceCluster(settings, rds, region: session.region.name),
                                                   settings: settings)
            sourceCluster = cluster
            if let requested = event.restoreTime {
                snapshot = try CloneSource.pointInTime(requested, of: cluster, settings: settings)
                pointInTime = true
            } else {
                snapshot = try latest(settings, ssm)
            }
            if settings.migrationsEnabled, let problem = DataAPISupport.problem(engine: cluster.engine, version: cluster.engineVersion) {
                throw RefreshError.dataAPIUnsupported(snapshot: "cluster \(cluster.identifier)", problem: problem)
            }
        }
        let current = try ssm.getParameter(name: settings.currentParameter)
        let changed = current?.Value != snapshot || event.force
        var plan: [PlannedCall] = []
        if changed {
            plan.append(PlannedCall("ssm:PutParameter", ["Name": settings.currentParameter, "Value": snapshot, "Overwrite": String(current != nil)]))
        }
        var output = Output(snapshot: snapshot, previous: current?.Value, changed: changed, mode: settings.restoreMode.rawValue)

        var pipeline: (name: String, token: String, variables: [CodePipeline.Variable])?
        var stack: (name: String, step: StackStep, parameters: [CloudFormation.Parameter])?
        switch settings.restoreMode {
        case .pipeline:
            let name = try pipelineName(settings, ssm)
            let token = PipelineToken.make(snapshot: snapshot, forcedBy: event.force ? context.requestID : nil)
            let variables = settings.pipelineVariable.map { [CodePipeline.Variable(name: $0, value: snapshot)] } ?? []
            pipeline = (name, token, variables)
            plan.append(PlannedCall("codepipeline:StartPipelineExecution", ["name": name, "clientRequestToken": token]))
            output.pipelineName = name
        case .stack:
            let name = try settings.requiredStackName()
            let existing = try CloudFormation(session: session, deadline: deadline).describeStack(name: name)
            let step = try stackStep(name, existing, settings: settings)
            var updated: CloudFormation.Stack?
            // Only the stack's own template surely declares the stack's parameters; a new template
            // gets SnapshotIdentifier and its own defaults.
            if case .update(.previous) = step { updated = existing }
            let declared = updated.map { Set($0.parameters.keys) }
            if settings.refreshMethod == .snapshot, found == nil, declared?.contains(StackParameters.masterUsernameKey) == true {
                found = try sourceSnapshot(named: snapshot, settings: settings, deadline: deadline)
            }
            if settings.refreshMethod == .clone {
                // The replacement exists beside the old clone until CloudFormation's cleanup (also
                // when only PointInTimeRestore changes, which renames the DB as well).
                try CloneSource.checkQuota(try RDS(session: session, deadline: deadline).describeAccountAttributes())
            }
            let parameters = StackParameters(snapshot: snapshot, masterUsername: found?.masterUsername ?? sourceCluster?.masterUsername,
                                             stagingDBIdentifier: settings.stagingDBIdentifier, declared: declared,
                                             method: settings.refreshMethod, pointInTime: pointInTime)
            let sourceKey = settings.refreshMethod == .clone ? StackParameters.restoreTimeKey : StackParameters.snapshotKey
            stack = (name, step, parameters.parameters)
            switch step {
            case .create: plan.append(PlannedCall("cloudformation:CreateStack", ["StackName": name, sourceKey: snapshot]))
            case .update(let template):
                var call = ["StackName": name, "UsePreviousTemplate": String(template == .previous)]
                for parameter in parameters.parameters where !parameter.usePreviousValue { call[parameter.key] = parameter.value }
                plan.append(PlannedCall("cloudformation:UpdateStack", call))
            case .recreate:
                plan.append(PlannedCall("cloudformation:DeleteStack", ["StackName": name]))
                plan.append(PlannedCall("cloudformation:CreateStack", ["StackName": name, sourceKey: snapshot]))
            }
            output.stackName = name
        }

        if event.dryRun {
            output.dryRun = true
            output.plan = plan
            return output
        }

        // Writes.
        if changed {
            try ssm.putParameter(name: settings.currentParameter, value: snapshot, overwrite: current != nil,
                                 tags: current == nil ? UpdateLatestSnapshotHandler.tags : [])
        }
        if let pipeline {
            output.executionId = try CodePipeline(session: session, deadline: deadline)
                .startPipelineExecution(name: pipeline.name, clientRequestToken: pipeline.token, variables: pipeline.variables)
        }
        if let stack {
            let cloudFormation = CloudFormation(session: session, deadline: deadline)
            switch stack.step {
            case .create(let templateBody):
                output.stackId = try cloudFormation.createStack(name: stack.name, templateBody: templateBody, parameters: stack.parameters,
                                                               capabilities: Self.capabilities, roleARN: settings.stackRoleARN)
                output.stackAction = "created"
            case .update(let template):
                switch try cloudFormation.updateStack(name: stack.name, template: template, parameters: stack.parameters,
                                                      capabilities: Self.capabilities, roleARN: settings.stackRoleARN) {
                case .started(let id):
                    output.stackId = id
                    output.stackAction = "updated"
                case .noChanges:
                    output.stackAction = "unchanged"
                }
            case .recreate(let templateBody):
                try cloudFormation.deleteStack(name: stack.name, roleARN: settings.stackRoleARN)
                try waitUntilGone(stack.name, cloudFormation, context: context)
                output.stackId = try cloudFormation.createStack(name: stack.name, templateBody: templateBody, parameters: stack.parameters,
                                                               capabilities: Self.capabilities, roleARN: settings.stackRoleARN)
                output.stackAction = "recreated"
            }
        }
        context.logger.info("restore started", [settings.refreshMethod == .clone ? "restoreTime" : "snapshot": .string(snapshot), "mode": .string(output.mode),
                                                "execution": .string(output.executionId ?? "-"), "stack": .string(output.stackAction ?? "-")])
        return output
    }

    /// What update-latest-snapshot-id last found.
    private func latest(_ settings: Settings, _ ssm: SSM) throws -> String {
        guard let latest = try ssm.getParameter(name: settings.latestParameter) else {
            throw RefreshError.noLatestSnapshot(parameter: settings.latestParameter)
        }
        return latest.Value
    }

    /// One of the source's snapshots, of any type, named by identifier, by ARN or as SSM holds it.
    private func sourceSnapshot(named name: String, settings: Settings, deadline: Deadline) throws -> RDS.Snapshot? {
        var all = settings
        all.snapshotTypes = Settings.allTypes
        return try SnapshotCatalog(rds: RDS(session: session, deadline: deadline)).snapshots(for: all)
            .first { $0.identifier == name || $0.arn == name }
    }

    /// The manual override must name one of the source's snapshots, and it must be available.
    private func checkedOverride(_ requested: String, settings: Settings, deadline: Deadline) throws -> RDS.Snapshot {
        guard let found = try sourceSnapshot(named: requested, settings: settings, deadline: deadline) else {
            throw RefreshError.snapshotNotFound(snapshot: requested, source: settings.source.identifier)
        }
        guard found.status == "available" else {
            throw RefreshError.snapshotNotAvailable(snapshot: requested, status: found.status)
        }
        return found
    }

    /// Migrations run through the Data API: a snapshot whose engine version lacks it would restore,
    /// then fail the migration and roll the refresh back. Refused before anything is written.
    private func checkDataAPI(_ found: RDS.Snapshot?, named snapshot: String, settings: Settings) throws {
        guard let found else {
            throw RefreshError.snapshotUncheckable(snapshot: snapshot, source: settings.source.identifier)
        }
        if let problem = DataAPISupport.problem(engine: found.engine, version: found.engineVersion) {
            throw RefreshError.dataAPIUnsupported(snapshot: found.identifier, problem: problem)
        }
    }

    private func pipelineName(_ settings: Settings, _ ssm: SSM) throws -> String {
        if let name = settings.pipelineName { return name }
        if let stored = try ssm.getParameter(name: settings.pipelineNameParameter) {
            var checked = settings
            checked.pipelineName = stored.Value
            try ProductionGuard.check(checked)
            return stored.Value
        }
        throw RefreshError.invalidConfiguration(
                            "no pipeline to start: set PIPELINE_NAME (e.g. PIPELINE_NAME=staging-db-deploy) or the SSM parameter \(settings.pipelineNameParameter)")
    }

    /// A template file: STACK_TEMPLATE, or templates/staging-db.yml beside the binary.
    private func templateFile(_ settings: Settings, creating stackName: String?) throws -> String {
        let directory = FunctionEnvironment.variable("LAMBDA_TASK_ROOT") ?? FileManager.default.currentDirectoryPath
        let path = settings.stackTemplate ?? directory + "/templates/staging-db.yml"
        guard let data = try? FileContents.read(path), !data.isEmpty else {
            let why = stackName.map { "stack \($0) must be created, and " } ?? ""
            throw RefreshError.invalidConfiguration("\(why)the stack template \(path) cannot be read; ship it beside the binary or set STACK_TEMPLATE, e.g. STACK_TEMPLATE=/var/task/templates/staging-db.yml")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// An existing stack is updated in place with its own template unless STACK_TEMPLATE names
    /// another: template.yml's stack restores itself this way.
    private func stackStep(_ name: String, _ stack: CloudFormation.Stack?, settings: Settings) throws -> StackStep {
        guard let stack else { return .create(templateBody: try templateFile(settings, creating: name)) }
        let status = stack.status
        if status == "ROLLBACK_COMPLETE" { return .recreate(templateBody: try templateFile(settings, creating: name)) }
        if status.hasSuffix("_IN_PROGRESS") {
            throw RefreshError.stackBusy(stack: name, status: status)
        }
        if status.hasSuffix("_FAILED") {
            throw RefreshError.stackFailed(stack: name, status: status, reason: stack.statusReason)
        }
        return .update(settings.stackTemplate == nil ? .previous : .body(try templateFile(settings, creating: nil)))
    }

    /// DeleteStack returns at once; CreateStack of the same name must wait for the old stack to go.
    private func waitUntilGone(_ name: String, _ cloudFormation: CloudFormation, context: Context) throws {
        while let stack = try cloudFormation.describeStack(name: name), stack.status != "DELETE_COMPLETE" {
            guard context.remainingMilliseconds > 10_000 else {
                throw RefreshError.stackBeingReplaced(stack: name)
            }
            usleep(2_000_000)
        }
    }
}
