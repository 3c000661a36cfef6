/// The flight plan of an in-place refresh, derived from what RDS shows now: every step in the order
/// it runs, each done, ready or waiting. A reconciler executes the ready ones and returns; the next
/// invocation derives the plan again, so a crash anywhere loses nothing. Pure: no AWS in here.
public struct SwapPlan: Sendable, Equatable {
    public enum RunState: Sendable, Equatable, Encodable {
        /// No run: `steps` is the plan a new run would follow.
        case idle
        case inProgress
        case done
        case failed(String)

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .idle: try container.encode("idle")
            case .inProgress: try container.encode("in-progress")
            case .done: try container.encode("done")
            case .failed: try container.encode("failed")
            }
        }
    }

    public var run: String
    public var state: RunState
    public var steps: [SwapStep]
    /// Whether a rename has begun: from then on an abort finishes forward.
    public var renamed: Bool
    /// Whether an abort was asked (and recorded on the original root).
    public var aborting: Bool
    /// The original graph's root (instance or cluster) as it is now, while it exists.
    public var originalRoot: DBNode?
    /// The copy's root, once it exists: where the hook's outcome is recorded.
    public var copyRoot: DBNode?

    public var ready: [SwapStep] { steps.filter { $0.state == .ready } }
    public var done: [SwapStep] { steps.filter { $0.state == .done } }
    public var waitingFor: String? {
        guard ready.isEmpty else { return nil }
        for step in steps { if case .waiting(let reason) = step.state { return reason } }
        return nil
    }

    /// What `bootstrap iam-policy refresh-in-place` allows: every step's permissions, done or not.
    public var permissions: [SwapStep.Permission] {
        var seen = Set<SwapStep.Permission>()
        return steps.flatMap(\.permissions).filter { seen.insert($0).inserted }
    }

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case targetNotFound(String)
        case sourceNotFound(String)
        case kindMismatch(source: DBNode.Kind, target: DBNode.Kind)
        case methodNotFor(SwapSpec.Method, DBNode.Kind)
        case noSnapshot(String)
        case twoRuns([String])
        case reservedName(String)
        case sourceInTarget(String)

        public var description: String {
            switch self {
            case .targetNotFound(let name): "the target \(name) is neither a DB instance nor a DB cluster of this account and region; check TARGET_DB_IDENTIFIER"
            case .sourceNotFound(let name): "the source \(name) is not found; check SOURCE_DB_IDENTIFIER"
            case .kindMismatch(let source, let target): "the source is a DB \(source) and the target a DB \(target); both must be instances or both Aurora clusters"
            case .methodNotFor(let method, let kind): "SWAP_METHOD=\(method.rawValue) cannot copy a DB \(kind); use \(kind == .cluster ? "clone or snapshot" : "replica or snapshot")"
            case .noSnapshot(let source): "SWAP_METHOD=snapshot and \(source) has no available snapshot; take one, or use another method"
            case .twoRuns(let runs): "two runs have tagged the target graph (\(runs.joined(separator: ", "))); remove the staging-refresh:in-place-* tags of the one that is not running"
            case .reservedName(let name): "\(name) begins with temp- or old-, which the swap uses for its own names; choose another target"
            case .sourceInTarget(let name): "the source \(name) is part of the target graph; the swap never writes to the source"
            }
        }
    }

    /// `arnPrefix`: "arn:<partition>:rds:<region>:<account>:", for nodes that do not exist yet.
    /// `newRun`: the id a run started now gets. `snapshot`: with method snapshot, the source's newest usable one.
    public init(spec: SwapSpec, nodes: [DBNode], arnPrefix: String, newRun: String, snapshot: String? = nil) throws(Problem) {
        for name in [spec.target] where name.hasPrefix("temp-") || name.hasPrefix("old-") { throw .reservedName(name) }
        // Runs of other targets in the account are left alone, as if their nodes did not exist.
        let nodes = nodes.filter { $0.tags[SwapTags.run] == nil || $0.tags[SwapTags.target] == spec.target }
        let runs = Set(nodes.compactMap { $0.tags[SwapTags.run] }).sorted()
        guard runs.count <= 1 else { throw .twoRuns(runs) }
        let run = runs.first ?? newRun
        guard let source = nodes.first(where: { $0.identifier == spec.source || $0.arn == spec.source }) else { throw .sourceNotFound(spec.source) }
        let graph: SwapGraph
        let started = !runs.isEmpty
        // The original graph while it exists (partly marked, renamed or not); the copy's once it is deleted.
        let oldRoot = started
            ? nodes.first { $0.tags[SwapTags.run] == run && $0.tags[SwapTags.role] == "old" && $0.tags[SwapTags.name] == spec.target }
            : nodes.first { $0.identifier == spec.target }
        if let oldRoot {
            graph = SwapGraph.live(root: oldRoot, nodes: nodes)
        } else if let tagged = SwapGraph.tagged(run: run, role: "new", nodes: nodes) {
            graph = tagged
        } else {
            throw .targetNotFound(spec.target)
        }
        guard source.kind == graph.root.kind else { throw .kindMismatch(source: source.kind, target: graph.root.kind) }
        switch (spec.method, graph.root.kind) {
        case (.replica, .cluster), (.clone, .instance): throw .methodNotFor(spec.method, graph.root.kind)
        default: break
        }
        if graph.nodes.contains(where: { $0.name == source.identifier }) { throw .sourceInTarget(source.identifier) }
        if spec.method == .snapshot && snapshot == nil && !started { throw .noSnapshot(source.identifier) }
        self.run = run
        var builder = Builder(spec: spec, graph: graph, nodes: nodes, run: run, started: started, arnPrefix: arnPrefix,
                              source: source, snapshot: snapshot)
        steps = builder.build()
        // A rename has begun once an original carries old-…, a copy carries an original name, or the
        // original graph is gone: from then on the copy is what the target's names reach.
        renamed = builder.renameBegun || (started && oldRoot == nil)
            || graph.nodes.contains { builder.newNode($0.name)?.identifier == $0.name }
        aborting = oldRoot?.tags[SwapTags.abort] != nil
        originalRoot = oldRoot
        copyRoot = builder.newNode(graph.root.name)
        if !started {
            state = .idle
        } else if let reason = copyRoot?.tags[SwapTags.failed] {
            state = .failed(reason)
        } else if steps.allSatisfy({ $0.state == .done }) {
            state = .done
        } else {
            state = .inProgress
        }
    }
}

/// Builds the steps; one method per phase, in the order they run.
private struct Builder {
    let spec: SwapSpec
    let graph: SwapGraph
    let nodes: [DBNode]
    let run: String
    let started: Bool
    let arnPrefix: String
    let source: DBNode
    let snapshot: String?
    var steps: [SwapStep] = []
    var renameBegun = false

    init(spec: SwapSpec, graph: SwapGraph, nodes: [DBNode], run: String, started: Bool, arnPrefix: String, source: DBNode, snapshot: String?) {
        self.spec = spec
        self.graph = graph
        self.nodes = nodes
        self.run = run
        self.started = started
        self.arnPrefix = arnPrefix
        self.source = source
        self.snapshot = snapshot
    }

    var isCluster: Bool { graph.root.kind == .cluster }

    /// The node of the original graph as it is now (named x, or old-x after the rename).
    func oldNode(_ name: String) -> DBNode? {
        graph.originals[name]
    }

    /// Its copy (temp-x, or x after the rename).
    func newNode(_ name: String) -> DBNode? {
        nodes.first { $0.tags[SwapTags.run] == run && $0.tags[SwapTags.role] == "new" && $0.tags[SwapTags.name] == name }
    }

    func arn(_ kind: DBNode.Kind, _ identifier: String) -> String {
        arnPrefix + (kind == .cluster ? "cluster:" : "db:") + identifier
    }

    /// Tags parameters: the run's own, after the node's own tags when `withOwn` (a copy carries both).
    func tags(role: String, node: SwapGraph.Node, withOwn: Bool = true) -> [SwapStep.Parameter] {
        var all = withOwn ? node.tags.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } : []
        all += [(SwapTags.run, run), (SwapTags.role, role), (SwapTags.name, node.name), (SwapTags.parent, node.parent ?? ""),
                (SwapTags.target, spec.target)]
        return all.enumerated().flatMap { index, pair in
            [SwapStep.Parameter("Tags.Tag.\(index + 1).Key", pair.0), SwapStep.Parameter("Tags.Tag.\(index + 1).Value", pair.1)]
        }
    }

    mutating func add(_ phase: SwapStep.Phase, _ call: String, _ resource: String, _ parameters: [SwapStep.Parameter], service: String = "rds",
                      done: Bool, waiting: String?, permissions: [SwapStep.Permission]) {
        let state: SwapStep.State = done ? .done : (waiting.map { .waiting($0) } ?? .ready)
        steps.append(SwapStep(phase: phase, service: service, call: call, resource: resource, parameters: parameters, state: state,
                              permissions: permissions))
    }

    func phaseDone(_ phase: SwapStep.Phase) -> Bool { steps.filter { $0.phase == phase }.allSatisfy { $0.state == .done } }

    /// Why `node` (or the copy of `name`) cannot be used yet; nil when it is available.
    func notAvailable(_ node: DBNode?, _ what: String) -> String? {
        guard let node else { return "\(what) does not exist yet" }
        return node.isAvailable ? nil : "\(node.identifier) is \(node.status)"
    }

    mutating func build() -> [SwapStep] {
        mark()
        copy()
        if !isCluster { promoteAndMatch() }
        renameOld()
        renameNew()
        restart()
        delete()
        unmark()
        return steps
    }

    mutating func mark() {
        for node in graph.nodes {
            let current = oldNode(node.name)
            let identifier = current?.identifier ?? node.name
            let resourceARN = current?.arn ?? arn(node.kind, identifier)
            let tagged = current?.tags[SwapTags.run] == run
            add(.mark, "AddTagsToResource", identifier, [SwapStep.Parameter("ResourceName", resourceARN)] + tags(role: "old", node: node, withOwn: false),
                done: tagged || (started && current == nil), waiting: nil, permissions: [.init("rds:AddTagsToResource", resourceARN)])
        }
    }

    /// `monitoring`: whether the call takes MonitoringInterval (a snapshot restore does not; `match` sets it then).
    func attributeParameters(_ node: SwapGraph.Node, subnet: Bool, monitoring: Bool = true) -> [SwapStep.Parameter] {
        let a = node.attributes
        var out: [SwapStep.Parameter] = []
        if let value = a.instanceClass { out.append(.init("DBInstanceClass", value)) }
        if let value = a.storageType { out.append(.init("StorageType", value)) }
        if let value = a.port { out.append(.init("Port", String(value))) }
        if let value = a.multiAZ { out.append(.init("MultiAZ", String(value))) }
        // RDS's default groups are what a new DB gets anyway; naming them would tie the copy to their exact names.
        if let value = a.parameterGroup, !value.hasPrefix("default.") { out.append(.init("DBParameterGroupName", value)) }
        if let value = a.optionGroup, !value.hasPrefix("default:") { out.append(.init("OptionGroupName", value)) }
        if subnet, let value = a.subnetGroup, value != "default" { out.append(.init("DBSubnetGroupName", value)) }
        for (index, group) in a.securityGroups.enumerated() { out.append(.init("VpcSecurityGroupIds.VpcSecurityGroupId.\(index + 1)", group)) }
        if monitoring, let value = a.monitoringInterval, value > 0 {
            out.append(.init("MonitoringInterval", String(value)))
            if let role = a.monitoringRoleARN { out.append(.init("MonitoringRoleArn", role)) }
        }
        return out
    }

    /// Resources RDS checks besides the DB itself when a DB is made with these attributes.
    func attributePermissions(_ action: String, _ node: SwapGraph.Node, subnet: Bool, monitoring: Bool = true) -> [SwapStep.Permission] {
        var out: [SwapStep.Permission] = []
        let a = node.attributes
        if let value = a.parameterGroup, !value.hasPrefix("default.") {
            out.append(.init(action, arnPrefix + (node.kind == .cluster ? "cluster-pg:" : "pg:") + value))
        }
        if let value = a.optionGroup, !value.hasPrefix("default:") { out.append(.init(action, arnPrefix + "og:" + value)) }
        if subnet, let value = a.subnetGroup, value != "default" { out.append(.init(action, arnPrefix + "subgrp:" + value)) }
        if monitoring, let role = a.monitoringRoleARN, (a.monitoringInterval ?? 0) > 0 { out.append(.init("iam:PassRole", role)) }
        return out
    }

    mutating func copy() {
        for node in graph.nodes {
            let copy = newNode(node.name)
            let temp = SwapSpec.temp(node.name)
            let tempARN = arn(node.kind, temp)
            let tagging = SwapStep.Permission("rds:AddTagsToResource", tempARN)
            let notMarked = phaseDone(.mark) ? nil : "the target graph is not tagged for run \(run) yet"
            if node.parent == nil {
                switch (spec.method, node.kind) {
                case (.replica, _):
                    let sourceRef = source.arn.isEmpty ? source.identifier : source.arn
                    add(.copy, "CreateDBInstanceReadReplica", temp,
                        [.init("DBInstanceIdentifier", temp), .init("SourceDBInstanceIdentifier", sourceRef)]
                            + attributeParameters(node, subnet: false) + tags(role: "new", node: node),
                        done: copy != nil, waiting: notMarked ?? (source.isAvailable ? nil : "the source \(source.identifier) is \(source.status)"),
                        permissions: [.init("rds:CreateDBInstanceReadReplica", tempARN), .init("rds:CreateDBInstanceReadReplica", arn(.instance, source.identifier)), tagging]
                            + attributePermissions("rds:CreateDBInstanceReadReplica", node, subnet: false))
                case (.snapshot, .instance):
                    let chosen = snapshot ?? "(the newest usable snapshot)"
                    add(.copy, "RestoreDBInstanceFromDBSnapshot", temp,
                        [.init("DBInstanceIdentifier", temp), .init("DBSnapshotIdentifier", chosen)] + attributeParameters(node, subnet: true, monitoring: false)
                            + tags(role: "new", node: node),
                        done: copy != nil, waiting: notMarked,
                        permissions: [.init("rds:RestoreDBInstanceFromDBSnapshot", tempARN), .init("rds:RestoreDBInstanceFromDBSnapshot", snapshotARN(chosen)), tagging]
                            + attributePermissions("rds:RestoreDBInstanceFromDBSnapshot", node, subnet: true, monitoring: false))
                case (.snapshot, .cluster):
                    let chosen = snapshot ?? "(the newest usable snapshot)"
                    add(.copy, "RestoreDBClusterFromSnapshot", temp,
                        [.init("DBClusterIdentifier", temp), .init("SnapshotIdentifier", chosen), .init("Engine", node.engine)]
                            + clusterParameters(node) + tags(role: "new", node: node),
                        done: copy != nil, waiting: notMarked,
                        permissions: [.init("rds:RestoreDBClusterFromSnapshot", tempARN), .init("rds:RestoreDBClusterFromSnapshot", clusterSnapshotARN(chosen)), tagging]
                            + attributePermissions("rds:RestoreDBClusterFromSnapshot", node, subnet: true))
                case (.clone, _):
                    let sourceRef = source.arn.isEmpty ? source.identifier : source.arn
                    add(.copy, "RestoreDBClusterToPointInTime", temp,
                        [.init("DBClusterIdentifier", temp), .init("SourceDBClusterIdentifier", sourceRef), .init("RestoreType", "copy-on-write"),
                         .init("UseLatestRestorableTime", "true")] + clusterParameters(node) + tags(role: "new", node: node),
                        done: copy != nil, waiting: notMarked ?? (source.isAvailable ? nil : "the source \(source.identifier) is \(source.status)"),
                        permissions: [.init("rds:RestoreDBClusterToPointInTime", tempARN), .init("rds:RestoreDBClusterToPointInTime", arn(.cluster, source.identifier)), tagging]
                            + attributePermissions("rds:RestoreDBClusterToPointInTime", node, subnet: true))
                }
            } else if isCluster {
                let cluster = newNode(graph.root.name)
                var parameters: [SwapStep.Parameter] = [.init("DBInstanceIdentifier", temp), .init("DBClusterIdentifier", cluster?.identifier ?? SwapSpec.temp(graph.root.name)),
                                                        .init("Engine", node.engine)]
                if let value = node.attributes.instanceClass { parameters.append(.init("DBInstanceClass", value)) }
                if let value = node.attributes.parameterGroup, !value.hasPrefix("default.") { parameters.append(.init("DBParameterGroupName", value)) }
                add(.copy, "CreateDBInstance", temp, parameters + tags(role: "new", node: node),
                    done: copy != nil, waiting: notMarked ?? notAvailable(cluster, SwapSpec.temp(graph.root.name)),
                    permissions: [.init("rds:CreateDBInstance", tempARN), .init("rds:CreateDBInstance", arn(.cluster, SwapSpec.temp(graph.root.name))), tagging]
                        + (node.attributes.parameterGroup.flatMap { $0.hasPrefix("default.") ? nil : [.init("rds:CreateDBInstance", arnPrefix + "pg:" + $0)] } ?? []))
            } else {
                let parent = newNode(node.parent!)
                let parentIdentifier = parent?.identifier ?? SwapSpec.temp(node.parent!)
                var waiting = notMarked ?? notAvailable(parent, SwapSpec.temp(node.parent!))
                if waiting == nil, parent?.tags[SwapTags.parent] == "", !primaryReady { waiting = "\(parentIdentifier) is not promoted with backups yet" }
                add(.copy, "CreateDBInstanceReadReplica", temp,
                    [.init("DBInstanceIdentifier", temp), .init("SourceDBInstanceIdentifier", parentIdentifier)]
                        + attributeParameters(node, subnet: false) + tags(role: "new", node: node),
                    done: copy != nil, waiting: waiting,
                    permissions: [.init("rds:CreateDBInstanceReadReplica", tempARN), .init("rds:CreateDBInstanceReadReplica", arn(.instance, SwapSpec.temp(node.parent!))), tagging]
                        + attributePermissions("rds:CreateDBInstanceReadReplica", node, subnet: false))
            }
        }
    }

    func clusterParameters(_ node: SwapGraph.Node) -> [SwapStep.Parameter] {
        let a = node.attributes
        var out: [SwapStep.Parameter] = []
        if let value = a.port { out.append(.init("Port", String(value))) }
        if let value = a.parameterGroup, !value.hasPrefix("default.") { out.append(.init("DBClusterParameterGroupName", value)) }
        if let value = a.subnetGroup, value != "default" { out.append(.init("DBSubnetGroupName", value)) }
        for (index, group) in a.securityGroups.enumerated() { out.append(.init("VpcSecurityGroupIds.VpcSecurityGroupId.\(index + 1)", group)) }
        return out
    }

    func snapshotARN(_ snapshot: String) -> String { snapshot.hasPrefix("arn:") ? snapshot : arnPrefix + "snapshot:" + snapshot }
    func clusterSnapshotARN(_ snapshot: String) -> String { snapshot.hasPrefix("arn:") ? snapshot : arnPrefix + "cluster-snapshot:" + snapshot }

    /// The new primary can have replicas: promoted (replica method) and with backups kept.
    var primaryReady: Bool {
        guard let primary = newNode(graph.root.name) else { return false }
        return primary.source == nil && (primary.attributes.backupRetention ?? 0) >= 1 && primary.isAvailable
    }

    var retention: Int { max(1, graph.root.attributes.backupRetention ?? 1) }

    mutating func promoteAndMatch() {
        let root = graph.root
        let copy = newNode(root.name)
        let identifier = copy?.identifier ?? SwapSpec.temp(root.name)
        let resourceARN = arn(.instance, identifier)
        if spec.method == .replica {
            var parameters: [SwapStep.Parameter] = [.init("DBInstanceIdentifier", identifier), .init("BackupRetentionPeriod", String(retention))]
            if let window = root.attributes.backupWindow { parameters.append(.init("PreferredBackupWindow", window)) }
            add(.promote, "PromoteReadReplica", identifier, parameters, done: copy != nil && copy?.source == nil,
                waiting: notAvailable(copy, identifier), permissions: [.init("rds:PromoteReadReplica", resourceARN)])
        }
        var parameters: [SwapStep.Parameter] = [.init("DBInstanceIdentifier", identifier), .init("BackupRetentionPeriod", String(retention))]
        if let window = root.attributes.maintenanceWindow { parameters.append(.init("PreferredMaintenanceWindow", window)) }
        if let window = root.attributes.backupWindow { parameters.append(.init("PreferredBackupWindow", window)) }
        var permissions: [SwapStep.Permission] = [.init("rds:ModifyDBInstance", resourceARN)]
        let monitoring = root.attributes.monitoringInterval ?? 0
        if monitoring > 0 {
            parameters.append(.init("MonitoringInterval", String(monitoring)))
            if let role = root.attributes.monitoringRoleARN {
                parameters.append(.init("MonitoringRoleArn", role))
                permissions.append(.init("iam:PassRole", role))
            }
        }
        parameters.append(.init("ApplyImmediately", "true"))
        let matched = copy.map { $0.attributes.backupRetention == retention
            && (root.attributes.maintenanceWindow == nil || $0.attributes.maintenanceWindow == root.attributes.maintenanceWindow)
            && (monitoring == 0 || $0.attributes.monitoringInterval == monitoring) } ?? false
        var waiting = notAvailable(copy, identifier)
        if waiting == nil, copy?.source != nil { waiting = "\(identifier) is not promoted yet" }
        add(.match, "ModifyDBInstance", identifier, parameters, done: matched, waiting: waiting, permissions: permissions)
    }

    func modifyCall(_ kind: DBNode.Kind) -> String { kind == .cluster ? "ModifyDBCluster" : "ModifyDBInstance" }
    func identifierKey(_ kind: DBNode.Kind) -> String { kind == .cluster ? "DBClusterIdentifier" : "DBInstanceIdentifier" }
    func newIdentifierKey(_ kind: DBNode.Kind) -> String { kind == .cluster ? "NewDBClusterIdentifier" : "NewDBInstanceIdentifier" }

    mutating func renameOld() {
        // Only once the whole copy is there: names are freed only after the temp graph is available.
        let copies = graph.nodes.map { newNode($0.name) }
        let copyReady: String? = {
            for (node, copy) in zip(graph.nodes, copies) { if let reason = notAvailable(copy, SwapSpec.temp(node.name)) { return reason } }
            if !isCluster && !(phaseDone(.promote) && phaseDone(.match)) { return "the new primary is not promoted and matched yet" }
            return nil
        }()
        for node in graph.leavesFirst {
            let current = oldNode(node.name)
            let target = SwapSpec.old(node.name)
            let done = current?.identifier == target || (started && current == nil)
            if done, current != nil { renameBegun = true }
            var waiting = copyReady
            if waiting == nil {
                for child in graph.children(of: node.name) where oldNode(child.name)?.identifier != SwapSpec.old(child.name) {
                    waiting = "\(child.name) is renamed first"
                    break
                }
            }
            if waiting == nil, let current, !current.isAvailable { waiting = "\(current.identifier) is \(current.status)" }
            add(.renameOld, modifyCall(node.kind), current?.identifier ?? node.name,
                [.init(identifierKey(node.kind), current?.identifier ?? node.name), .init(newIdentifierKey(node.kind), target), .init("ApplyImmediately", "true")],
                done: done, waiting: waiting,
                permissions: [.init("rds:" + modifyCall(node.kind), arn(node.kind, node.name)), .init("rds:" + modifyCall(node.kind), arn(node.kind, target))])
        }
    }

    mutating func renameNew() {
        for node in graph.nodes {
            let copy = newNode(node.name)
            let old = oldNode(node.name)
            let identifier = copy?.identifier ?? SwapSpec.temp(node.name)
            var waiting: String?
            if old != nil && old?.identifier != SwapSpec.old(node.name) {
                waiting = "\(node.name) is not renamed to \(SwapSpec.old(node.name)) yet"
            } else if let old, !old.isAvailable {
                waiting = "\(old.identifier) is \(old.status)"
            } else if copy?.identifier != node.name, nodes.contains(where: { $0.identifier == node.name }) {
                waiting = "the name \(node.name) is not free yet"
            } else if let reason = notAvailable(copy, identifier) {
                waiting = reason
            }
            add(.renameNew, modifyCall(node.kind), identifier,
                [.init(identifierKey(node.kind), identifier), .init(newIdentifierKey(node.kind), node.name), .init("ApplyImmediately", "true")],
                done: copy?.identifier == node.name, waiting: waiting,
                permissions: [.init("rds:" + modifyCall(node.kind), arn(node.kind, SwapSpec.temp(node.name))), .init("rds:" + modifyCall(node.kind), arn(node.kind, node.name))])
        }
    }

    mutating func restart() {
        let primary = newNode(graph.root.name)
        let hookDone = primary?.tags[SwapTags.hook] == "done"
        var waiting: String?
        for node in graph.nodes {
            let copy = newNode(node.name)
            if copy?.identifier != node.name { waiting = "\(node.name) is not the new copy yet"; break }
            if let reason = notAvailable(copy, node.name) { waiting = reason; break }
        }
        let resource = graph.root.name
        switch spec.hook {
        case .none:
            break
        case .lambda(let function):
            add(.restart, "Invoke", function, [.init("FunctionName", function), .init("Payload", "{\"target\": \"\(resource)\", \"run\": \"\(run)\"}")],
                service: "lambda", done: hookDone, waiting: waiting, permissions: [.init("lambda:InvokeFunction", function)])
        case .ecs(let services):
            for service in services {
                add(.restart, "UpdateService", "\(service.cluster)/\(service.service)",
                    [.init("cluster", service.cluster), .init("service", service.service), .init("forceNewDeployment", "true")],
                    service: "ecs", done: hookDone, waiting: waiting, permissions: [.init("ecs:UpdateService", ecsServiceARN(service))])
            }
        }
        // The hook's success is recorded on the new primary, which deletions then wait for.
        add(.restart, "AddTagsToResource", resource, [.init("ResourceName", primary?.arn ?? arn(graph.root.kind, resource)),
                                                      .init("Tags.Tag.1.Key", SwapTags.hook), .init("Tags.Tag.1.Value", "done")],
            done: hookDone, waiting: waiting, permissions: [.init("rds:AddTagsToResource", arn(graph.root.kind, resource))])
    }

    func ecsServiceARN(_ service: SwapSpec.ECSService) -> String {
        let prefix = arnPrefix.replacing(":rds:", with: ":ecs:")
        return service.service.hasPrefix("arn:") ? service.service : prefix + "service/\(service.cluster)/\(service.service)"
    }

    mutating func delete() {
        let hookDone = newNode(graph.root.name)?.tags[SwapTags.hook] == "done"
        for node in graph.leavesFirst {
            let old = oldNode(node.name)
            let name = SwapSpec.old(node.name)
            var waiting: String? = hookDone ? nil : "the restart hook has not succeeded"
            if waiting == nil, old?.identifier != name, old != nil { waiting = "\(node.name) is not renamed yet" }
            if waiting == nil, let old, old.status == "deleting" { waiting = "\(old.identifier) is deleting" }
            if waiting == nil {
                for child in graph.children(of: node.name) where oldNode(child.name) != nil {
                    waiting = "\(SwapSpec.old(child.name)) is deleted first"
                    break
                }
            }
            let resourceARN = arn(node.kind, name)
            var parameters: [SwapStep.Parameter] = [.init(identifierKey(node.kind), name)]
            var permissions: [SwapStep.Permission] = [.init(node.kind == .cluster ? "rds:DeleteDBCluster" : "rds:DeleteDBInstance", resourceARN)]
            let ownsStorage = node.kind == .cluster || (!isCluster && node.parent == nil)
            if ownsStorage {
                if spec.keepFinalSnapshot {
                    let final = "\(name)-final-\(run)"
                    parameters.append(.init(node.kind == .cluster ? "FinalDBSnapshotIdentifier" : "FinalDBSnapshotIdentifier", final))
                    permissions.append(.init(node.kind == .cluster ? "rds:CreateDBClusterSnapshot" : "rds:CreateDBSnapshot",
                                             node.kind == .cluster ? clusterSnapshotARN(final) : snapshotARN(final)))
                } else {
                    parameters.append(.init("SkipFinalSnapshot", "true"))
                }
            }
            add(.delete, node.kind == .cluster ? "DeleteDBCluster" : "DeleteDBInstance", name, parameters,
                done: started && old == nil && hookDone, waiting: waiting, permissions: permissions)
        }
    }

    mutating func unmark() {
        let oldGone = graph.nodes.allSatisfy { oldNode($0.name) == nil } && started
        // The primary keeps its tags to the last: it is how the copy's graph is found until then.
        for node in graph.leavesFirst {
            let copy = newNode(node.name)
            let keys = SwapTags.all
            let resourceARN = copy?.arn ?? arn(node.kind, node.name)
            add(.unmark, "RemoveTagsFromResource", node.name,
                [.init("ResourceName", resourceARN)] + keys.enumerated().map { .init("TagKeys.member.\($0.offset + 1)", $0.element) },
                done: started && copy == nil && oldGone, waiting: oldGone ? nil : "the old graph is not deleted yet",
                permissions: [.init("rds:RemoveTagsFromResource", arn(node.kind, node.name))])
        }
    }
}
