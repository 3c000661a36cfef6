import Testing
@testable import InPlace

/// The flight plan as a value: a small RDS simulator applies each ready step the way RDS would, and
/// the plan is derived again after every step, as the reconciler does after a crash.
@Suite struct SwapPlanTests {
    static let prefix = "arn:aws:rds:us-east-1:111122223333:"

    /// RDS, reduced to what the swap changes: names, replica links, tags, and deletions.
    struct FakeRDS {
        var nodes: [DBNode]

        func index(_ identifier: String) -> Int? { nodes.firstIndex { $0.identifier == identifier } }

        func value(_ step: SwapStep, _ name: String) -> String? { step.parameters.first { $0.name == name }?.value }

        func tags(_ step: SwapStep) -> [String: String] {
            var found: [String: String] = [:]
            var index = 1
            while let key = value(step, "Tags.Tag.\(index).Key") {
                found[key] = value(step, "Tags.Tag.\(index).Value") ?? ""
                index += 1
            }
            return found
        }

        mutating func apply(_ step: SwapStep) {
            switch step.call {
            case "AddTagsToResource":
                let arn = value(step, "ResourceName")!
                let i = nodes.firstIndex { $0.arn == arn }!
                nodes[i].tags.merge(tags(step)) { $1 }
            case "RemoveTagsFromResource":
                let arn = value(step, "ResourceName")!
                let i = nodes.firstIndex { $0.arn == arn }!
                for parameter in step.parameters where parameter.name.hasPrefix("TagKeys") { nodes[i].tags[parameter.value] = nil }
            case "CreateDBInstanceReadReplica":
                let identifier = value(step, "DBInstanceIdentifier")!
                let sourceRef = value(step, "SourceDBInstanceIdentifier")!
                let s = nodes.firstIndex { $0.identifier == sourceRef || $0.arn == sourceRef }!
                var copy = nodes[s]
                copy.identifier = identifier
                copy.arn = SwapPlanTests.prefix + "db:" + identifier
                copy.source = nodes[s].identifier
                copy.replicas = []
                copy.tags = tags(step)
                copy.attributes.instanceClass = value(step, "DBInstanceClass")
                copy.attributes.backupRetention = 0
                nodes[s].replicas.append(identifier)
                nodes.append(copy)
            case "PromoteReadReplica":
                let i = index(step.resource)!
                if let s = index(nodes[i].source ?? "") { nodes[s].replicas.removeAll { $0 == step.resource } }
                nodes[i].source = nil
                nodes[i].attributes.backupRetention = Int(value(step, "BackupRetentionPeriod")!)
            case "ModifyDBInstance":
                let i = index(step.resource)!
                if let new = value(step, "NewDBInstanceIdentifier") {
                    for j in nodes.indices {
                        if nodes[j].source == step.resource { nodes[j].source = new }
                        nodes[j].replicas = nodes[j].replicas.map { $0 == step.resource ? new : $0 }
                    }
                    nodes[i].identifier = new
                    nodes[i].arn = SwapPlanTests.prefix + "db:" + new
                } else {
                    nodes[i].attributes.backupRetention = value(step, "BackupRetentionPeriod").flatMap { Int($0) }
                    nodes[i].attributes.maintenanceWindow = value(step, "PreferredMaintenanceWindow")
                }
            case "DeleteDBInstance":
                let i = index(step.resource)!
                if let s = index(nodes[i].source ?? "") { nodes[s].replicas.removeAll { $0 == step.resource } }
                nodes.remove(at: i)
            default:
                Issue.record("unexpected call \(step.call)")
            }
        }
    }

    static func graph() -> [DBNode] {
        let window = DBNode.Attributes(instanceClass: "db.t4g.medium", maintenanceWindow: "sun:05:00-sun:06:00", backupRetention: 1)
        return [
            DBNode(kind: .instance, identifier: "prod", arn: prefix + "db:prod", attributes: DBNode.Attributes(instanceClass: "db.r6g.large", backupRetention: 7)),
            DBNode(kind: .instance, identifier: "stg", arn: prefix + "db:stg", replicas: ["stg-r1"], attributes: window, tags: ["team": "pay"]),
            DBNode(kind: .instance, identifier: "stg-r1", arn: prefix + "db:stg-r1", source: "stg", replicas: ["stg-r2"],
                   attributes: DBNode.Attributes(instanceClass: "db.t4g.small")),
            DBNode(kind: .instance, identifier: "stg-r2", arn: prefix + "db:stg-r2", source: "stg-r1", attributes: DBNode.Attributes(instanceClass: "db.t4g.micro")),
        ]
    }

    let spec = SwapSpec(source: "prod", target: "stg", method: .replica, hook: .lambda(arn: "arn:aws:lambda:us-east-1:111122223333:function:restart"))

    func plan(_ nodes: [DBNode]) throws -> SwapPlan {
        try SwapPlan(spec: spec, nodes: nodes, arnPrefix: Self.prefix, newRun: "r1")
    }

    /// Applies one ready step at a time (the hook "succeeds" by its tag step) until the plan is idle again.
    func run(_ start: [DBNode], oneStepAtATime: Bool) throws -> (FakeRDS, [String]) {
        var rds = FakeRDS(nodes: start)
        var log: [String] = []
        var started = false
        for _ in 0..<200 {
            let current = try plan(rds.nodes)
            if current.state == .idle && started { return (rds, log) }
            started = true
            let ready = current.ready.filter { $0.service == "rds" }
            #expect(!ready.isEmpty, "stuck: \(current.steps.map(\.line).joined(separator: "\n"))")
            if ready.isEmpty { return (rds, log) }
            for step in oneStepAtATime ? Array(ready.prefix(1)) : ready {
                #expect(step.resource != "prod" && !step.parameters.contains { $0.name == "DBInstanceIdentifier" && $0.value == "prod" })
                log.append("\(step.phase.rawValue) \(step.call) \(step.resource)")
                rds.apply(step)
            }
        }
        Issue.record("the run did not end")
        return (rds, log)
    }

    @Test func aCascadingGraphIsSwappedWhateverTheStepsPerRun() throws {
        let (batched, log) = try run(Self.graph(), oneStepAtATime: false)
        let (single, _) = try run(Self.graph(), oneStepAtATime: true)
        for (label, rds) in [("batched", batched), ("single", single)] {
            #expect(rds.nodes.map(\.identifier).sorted() == ["prod", "stg", "stg-r1", "stg-r2"])
            let stg = rds.nodes.first { $0.identifier == "stg" }!
            #expect(stg.source == nil && stg.replicas == ["stg-r1"] && stg.tags == ["team": "pay"], "\(label): \(rds.nodes.map { "\($0.identifier)<-\($0.source ?? "-") \($0.replicas)" })")
            #expect(stg.attributes.instanceClass == "db.t4g.medium" && stg.attributes.maintenanceWindow == "sun:05:00-sun:06:00")
            #expect(rds.nodes.first { $0.identifier == "stg-r2" }?.source == "stg-r1")
            #expect(rds.nodes.first { $0.identifier == "stg-r2" }?.attributes.instanceClass == "db.t4g.micro")
            let prod = rds.nodes.first { $0.identifier == "prod" }!
            #expect(prod.replicas.isEmpty && prod.tags.isEmpty)
        }
        // Replicas are renamed before what they replicate, and deleted before it.
        let renames = log.filter { $0.hasPrefix("rename-old") }
        #expect(renames == ["rename-old ModifyDBInstance stg-r2", "rename-old ModifyDBInstance stg-r1", "rename-old ModifyDBInstance stg"])
        #expect(log.filter { $0.hasPrefix("delete") } == ["delete DeleteDBInstance old-stg-r2", "delete DeleteDBInstance old-stg-r1", "delete DeleteDBInstance old-stg"])
    }

    @Test func theHookMustSucceedBeforeAnythingIsDeleted() throws {
        var rds = FakeRDS(nodes: Self.graph())
        for _ in 0..<100 {
            let current = try plan(rds.nodes)
            if current.ready.contains(where: { $0.service == "lambda" }) { break }
            for step in current.ready { rds.apply(step) }
        }
        let atHook = try plan(rds.nodes)
        #expect(atHook.renamed)
        #expect(atHook.steps.filter { $0.phase == .delete }.allSatisfy { $0.state == .waiting("the restart hook has not succeeded") })
        #expect(rds.nodes.map(\.identifier).sorted() == ["old-stg", "old-stg-r1", "old-stg-r2", "prod", "stg", "stg-r1", "stg-r2"])
    }

    @Test func onceTheOriginalsAreGoneTheRunCountsAsRenamedSoAnAbortCannotDeleteTheCopy() throws {
        var rds = FakeRDS(nodes: Self.graph())
        let hookless = SwapSpec(source: "prod", target: "stg", method: .replica)
        for _ in 0..<100 {
            let current = try SwapPlan(spec: hookless, nodes: rds.nodes, arnPrefix: Self.prefix, newRun: "r1")
            if current.steps.filter({ $0.phase == .delete }).allSatisfy({ $0.state == .done }) && current.state == .inProgress {
                #expect(current.renamed)
                #expect(!rds.nodes.contains { $0.identifier.hasPrefix("old-") })
                return
            }
            for step in current.ready { rds.apply(step) }
        }
        Issue.record("the run never reached the state between deleting and unmarking")
    }

    @Test func refusals() {
        #expect(throws: SwapPlan.Problem.targetNotFound("nope")) {
            try SwapPlan(spec: SwapSpec(source: "prod", target: "nope", method: .replica), nodes: Self.graph(), arnPrefix: Self.prefix, newRun: "r1")
        }
        #expect(throws: SwapPlan.Problem.methodNotFor(.clone, .instance)) {
            try SwapPlan(spec: SwapSpec(source: "prod", target: "stg", method: .clone), nodes: Self.graph(), arnPrefix: Self.prefix, newRun: "r1")
        }
        #expect(throws: SwapPlan.Problem.sourceInTarget("stg-r1")) {
            try SwapPlan(spec: SwapSpec(source: "stg-r1", target: "stg", method: .replica), nodes: Self.graph(), arnPrefix: Self.prefix, newRun: "r1")
        }
        #expect(throws: SwapPlan.Problem.noSnapshot("prod")) {
            try SwapPlan(spec: SwapSpec(source: "prod", target: "stg", method: .snapshot), nodes: Self.graph(), arnPrefix: Self.prefix, newRun: "r1")
        }
        var twice = Self.graph()
        twice[1].tags = [SwapTags.run: "r1", SwapTags.target: "stg"]
        twice[2].tags = [SwapTags.run: "r2", SwapTags.target: "stg"]
        // Another target's run is not this one's business.
        var other = Self.graph()
        other[2].tags = [SwapTags.run: "r9", SwapTags.target: "qa"]
        let separate = try? SwapPlan(spec: SwapSpec(source: "prod", target: "stg", method: .replica), nodes: other, arnPrefix: Self.prefix, newRun: "r3")
        #expect(separate?.state == .idle)
        #expect(throws: SwapPlan.Problem.twoRuns(["r1", "r2"])) {
            try SwapPlan(spec: SwapSpec(source: "prod", target: "stg", method: .replica), nodes: twice, arnPrefix: Self.prefix, newRun: "r3")
        }
    }

    @Test func thePolicyNamesExactResources() throws {
        let permissions = try plan(Self.graph()).permissions
        #expect(permissions.contains(.init("rds:CreateDBInstanceReadReplica", Self.prefix + "db:prod")))
        #expect(permissions.contains(.init("rds:DeleteDBInstance", Self.prefix + "db:old-stg")))
        #expect(permissions.contains(.init("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:111122223333:function:restart")))
        // Nothing but the replica's creation names the source.
        #expect(permissions.filter { $0.resource == Self.prefix + "db:prod" }.map(\.action) == ["rds:CreateDBInstanceReadReplica"])
        #expect(!permissions.contains { $0.resource.hasSuffix("*") })
    }
}
