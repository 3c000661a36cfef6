import AWSClient
import Basics
import FoundationEssentials
import InPlace
import LambdaRuntime

/// `refresh-in-place`: makes an existing staging DB graph a fresh copy of production under its own
/// names (stack-mitosis's swap), as a reconciler. Each invocation describes RDS, derives the plan
/// (SwapPlan), does the steps that are ready, and returns; the schedule rule brings it back every 5
/// minutes while a run is in progress.
///
/// Events: {} or a scheduled event continues a run; {"start": true} starts one; {"plan": true} prints
/// the flight plan; {"abort": true} undoes a run that has not renamed anything (after that it
/// finishes forward); {"resume": true} retries a failed restart hook; {"follow": true} (the CLI)
/// loops until the run ends.
public struct RefreshInPlaceHandler: Handler {
    let environment: [String: String]
    let session: AWSSession

    public init(environment: [String: String], session: AWSSession) {
        self.environment = environment
        self.session = session
    }

    public static func make() throws -> RefreshInPlaceHandler {
        RefreshInPlaceHandler(environment: InPlaceSettings.processEnvironment(), session: try AWSSession())
    }

    struct Event: Decodable {
        var start: Bool?
        var plan: Bool?
        var abort: Bool?
        var resume: Bool?
        var follow: Bool?
    }

    public struct Result: Encodable, Sendable {
        public var run: String
        public var state: String
        public var done: [String]
        public var next: [String]
        public var waitingFor: String?
        public var reason: String?
    }

    public func handle(_ event: [UInt8], context: Context) throws -> [UInt8] {
        let request = (try? JSONDecoder().decode(Event.self, from: Data(event))) ?? Event()
        let settings = try InPlaceSettings(environment: environment)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        if request.plan == true {
            let plan = try currentPlan(settings, context: context).plan
            return Array(try encoder.encode(SwapPlanView(plan)))
        }
        var result = try round(settings, request, context: context)
        while request.follow == true, result.state == "in-progress" {
            context.logger.info("refresh-in-place \(result.run): did \(result.done.count) step\(result.done.count == 1 ? "" : "s"); now waiting for \(result.waitingFor ?? "the next round")")
            guard context.deadlineMilliseconds - Clock.epochMilliseconds() > Int64(settings.pollSeconds) * 1_000 + 30_000 else { break }
            Retry.sleep(settings.pollSeconds * 1_000)
            result = try round(settings, Event(), context: context)
        }
        return Array(try encoder.encode(result))
    }

    private func rds(_ context: Context) -> RDS {
        RDS(session: session, deadline: Deadline(epochMilliseconds: context.deadlineMilliseconds - 5_000))
    }

    /// The plan for what RDS shows now, with what it showed.
    func currentPlan(_ settings: InPlaceSettings, context: Context, newRun: String? = nil) throws -> (plan: SwapPlan, nodes: [DBNode]) {
        let nodes = try rds(context).describeNodes().map(Self.node)
        return (try Self.plan(settings, nodes: nodes, region: session.region.name, newRun: newRun ?? Self.runID(),
                              snapshot: { try self.newestSnapshot(of: $0, cluster: $1, context: context) }), nodes)
    }

    /// Builds the plan; the snapshot is looked up only when the method needs one.
    public static func plan(_ settings: InPlaceSettings, nodes: [DBNode], region: String, newRun: String,
                     snapshot: (String, Bool) throws -> String?) throws -> SwapPlan {
        var spec = settings.spec
        guard let anchor = nodes.first(where: { $0.identifier == spec.source || $0.arn == spec.source }) else {
            throw RefreshError.invalidConfiguration(SwapPlan.Problem.sourceNotFound(spec.source).description)
        }
        // By the source, which keeps its name: the target's may be renamed mid-run.
        if !settings.methodGiven, anchor.kind == .cluster { spec.method = .clone }
        // ARNs of what the swap makes are the target's account and region's (a source may be another account's, by ARN).
        let own = nodes.first { $0.identifier == spec.target || $0.tags[SwapTags.name] == spec.target } ?? anchor
        let parts = own.arn.split(separator: ":", omittingEmptySubsequences: false)
        let prefix = parts.count > 5 ? parts[0...4].joined(separator: ":") + ":" : "arn:aws:rds:\(region):000000000000:"
        let chosen = spec.method == .snapshot ? try snapshot(anchor.identifier, anchor.kind == .cluster) : nil
        do {
            return try SwapPlan(spec: spec, nodes: nodes, arnPrefix: prefix, newRun: newRun, snapshot: chosen)
        } catch {
            throw RefreshError.invalidConfiguration(error.description)
        }
    }

    /// One reconciler pass: derive, act on what is ready, keep the schedule in step, report.
    private func round(_ settings: InPlaceSettings, _ request: Event, context: Context) throws -> Result {
        let (plan, nodes) = try currentPlan(settings, context: context)
        var steps: [SwapStep]
        switch plan.state {
        case .idle:
            guard request.start == true else {
                try schedule(settings, enabled: false, context: context)
                return Result(run: "", state: "idle", done: [], next: plan.ready.map(\.line), waitingFor: nil,
                              reason: "no run in progress; {\"start\": true} starts one")
            }
            context.logger.info("refresh-in-place: starting run \(plan.run) of \(settings.spec.target) from \(settings.spec.source)")
            steps = plan.ready
        case .inProgress:
            if request.start == true {
                throw RefreshError.invalidConfiguration("run \(plan.run) is in progress on \(settings.spec.target); it continues on its schedule, or abort it with {\"abort\": true}")
            }
            if (request.abort == true || plan.aborting) && !plan.renamed {
                // Recorded on the original root first, so that the schedule's plain rounds go on aborting.
                if !plan.aborting, let root = plan.originalRoot {
                    try rds(context).send("AddTagsToResource", [("ResourceName", root.arn), ("Tags.Tag.1.Key", SwapTags.abort), ("Tags.Tag.1.Value", "true")])
                }
                steps = AbortPlan.steps(run: plan.run, target: settings.spec.target, nodes: nodes).filter { $0.state == .ready }
                try execute(steps, settings: settings, plan: plan, context: context)
                let after = try rds(context).describeNodes().map(Self.node)
                let left = AbortPlan.steps(run: plan.run, target: settings.spec.target, nodes: after)
                try schedule(settings, enabled: !left.isEmpty, context: context)
                let waiting = left.lazy.compactMap { step -> String? in if case .waiting(let reason) = step.state { reason } else { nil } }.first
                return Result(run: plan.run, state: left.isEmpty ? "aborted" : "aborting", done: steps.map(\.line), next: left.map(\.line),
                              waitingFor: waiting, reason: nil)
            }
            if request.abort == true || plan.aborting {
                context.logger.warn("refresh-in-place \(plan.run): the rename has begun, so the run finishes forward instead of aborting")
            }
            steps = plan.ready
        case .failed(let reason):
            guard request.resume == true else {
                try schedule(settings, enabled: false, context: context)
                return Result(run: plan.run, state: "failed", done: plan.done.map(\.line), next: plan.ready.map(\.line), waitingFor: nil,
                              reason: reason + "; fix it and invoke with {\"resume\": true}")
            }
            if let primary = plan.copyRoot {
                try rds(context).send("RemoveTagsFromResource", [("ResourceName", primary.arn), ("TagKeys.member.1", SwapTags.failed)])
            }
            return try round(settings, Event(), context: context)
        case .done:
            steps = []
        }
        let failure = try execute(steps, settings: settings, plan: plan, context: context)
        let after = try currentPlan(settings, context: context, newRun: plan.run).plan
        let state: String
        switch after.state {
        case .idle, .done: state = "done"  // the last unmark leaves no run behind
        case .inProgress: state = "in-progress"
        case .failed: state = "failed"
        }
        try schedule(settings, enabled: state == "in-progress", context: context)
        return Result(run: plan.run, state: state, done: steps.map(\.line), next: after.ready.map(\.line), waitingFor: after.waitingFor,
                      reason: failure)
    }

    /// Does the steps, in plan order. A failed restart hook marks the run failed (nothing is deleted)
    /// and stops; any other failure throws, and the next invocation derives the plan again.
    @discardableResult
    private func execute(_ steps: [SwapStep], settings: InPlaceSettings, plan: SwapPlan, context: Context) throws -> String? {
        let deadline = Deadline(epochMilliseconds: context.deadlineMilliseconds - 5_000)
        for step in steps {
            guard step.resource != settings.spec.source, !step.parameters.contains(where: { $0.name.hasSuffix("Identifier") && !$0.name.hasPrefix("Source") && $0.value == settings.spec.source }) else {
                throw RefreshError.productionGuard(setting: "TARGET_DB_IDENTIFIER", source: settings.spec.source,
                                                   suggestion: "the plan would write to the source; nothing was changed by this step")
            }
            context.logger.info("refresh-in-place \(plan.run): \(step.line)")
            switch step.service {
            case "lambda":
                let payload = step.parameters.first { $0.name == "Payload" }?.value ?? "{}"
                let result = try Lambda(session: session, deadline: deadline).invoke(function: step.resource, payload: Array(payload.utf8))
                if let error = result.functionError {
                    return try fail(plan, because: "the restart hook \(step.resource) failed (\(error)): \(String(decoding: result.payload.prefix(300), as: UTF8.self))",
                                    settings: settings, context: context)
                }
            case "ecs":
                let cluster = step.parameters.first { $0.name == "cluster" }?.value ?? ""
                let service = step.parameters.first { $0.name == "service" }?.value ?? ""
                do {
                    try ECS(session: session, deadline: deadline).forceNewDeployment(cluster: cluster, service: service)
                } catch {
                    return try fail(plan, because: "the restart hook could not redeploy \(cluster)/\(service): \(error)", settings: settings, context: context)
                }
            default:
                try rds(context).send(step.call, step.parameters.map { ($0.name, $0.value) })
            }
        }
        return nil
    }

    private func fail(_ plan: SwapPlan, because reason: String, settings: InPlaceSettings, context: Context) throws -> String {
        context.logger.error("refresh-in-place \(plan.run): \(reason); the old graph stays")
        // The hook runs once every copy holds its original name, so the plan's copy root is current.
        if let primary = plan.copyRoot {
            try rds(context).send("AddTagsToResource", [("ResourceName", primary.arn), ("Tags.Tag.1.Key", SwapTags.failed),
                                                        ("Tags.Tag.1.Value", SwapTags.value(reason))])
        }
        return reason
    }

    private func schedule(_ settings: InPlaceSettings, enabled: Bool, context: Context) throws {
        guard let rule = settings.scheduleRule else { return }
        try EventBridge(session: session, deadline: Deadline(epochMilliseconds: context.deadlineMilliseconds - 2_000)).setRule(rule, enabled: enabled)
    }

    private func newestSnapshot(of source: String, cluster: Bool, context: Context) throws -> String? {
        try Self.newestSnapshot(of: source, cluster: cluster, rds: rds(context))
    }

    /// The source's newest available snapshot, for SWAP_METHOD=snapshot.
    public static func newestSnapshot(of source: String, cluster: Bool, rds: RDS) throws -> String? {
        let snapshots = cluster ? try rds.describeDBClusterSnapshots(clusterIdentifier: source) : try rds.describeDBSnapshots(instanceIdentifier: source)
        return snapshots.filter { $0.status == "available" }.max { ($0.createTimeEpochMilliseconds ?? 0) < ($1.createTimeEpochMilliseconds ?? 0) }?.identifier
    }

    /// A run id: the UTC time it started, which also orders runs.
    static func runID() -> String {
        let time = UTCTime(epochMilliseconds: Clock.epochMilliseconds())
        return "r" + time.basic.filter { $0 >= "0" && $0 <= "9" }
    }

    public static func node(_ node: RDS.Node) -> DBNode {
        DBNode(kind: node.isCluster ? .cluster : .instance, identifier: node.identifier, arn: node.arn, status: node.status, engine: node.engine,
               source: node.replicaSource, replicas: node.replicas, cluster: node.cluster,
               attributes: DBNode.Attributes(instanceClass: node.instanceClass, storageType: node.storageType, port: node.port, multiAZ: node.multiAZ,
                                             parameterGroup: node.parameterGroup, optionGroup: node.optionGroup, subnetGroup: node.subnetGroup,
                                             securityGroups: node.securityGroups, monitoringInterval: node.monitoringInterval,
                                             monitoringRoleARN: node.monitoringRoleARN, maintenanceWindow: node.maintenanceWindow,
                                             backupWindow: node.backupWindow, backupRetention: node.backupRetention),
               tags: node.tags)
    }
}

/// What {"plan": true} prints: the flight plan in order, each step with its call, resource and parameters.
struct SwapPlanView: Encodable {
    let run: String
    let state: SwapPlan.RunState
    let steps: [String]
    let waitingFor: String?

    init(_ plan: SwapPlan) {
        run = plan.run
        state = plan.state
        steps = plan.steps.map(\.line)
        waitingFor = plan.waitingFor
    }
}
