/// `{"abort": true}` before the rename: delete the copy (replicas first) and take the run's tags off
/// the target, which is then as it was. After a rename has begun there is no abort: the run
/// finishes forward, since the target's names already point at the copy.
public enum AbortPlan {
    public static func steps(run: String, target: String, nodes: [DBNode]) -> [SwapStep] {
        let ours = nodes.filter { $0.tags[SwapTags.run] == run && $0.tags[SwapTags.target] == target }
        let copies = ours.filter { $0.tags[SwapTags.role] == "new" }
        // Leaves first and the root last, as SwapPlan unmarks: the root's tags are how the graph is found.
        let originals = ours.filter { $0.tags[SwapTags.role] == "old" }.sorted { depth($0, in: ours) > depth($1, in: ours) }
        var steps: [SwapStep] = []
        // Replicas (and a cluster's instances) before what they hang on.
        let ordered = copies.sorted { depth($0, in: copies) > depth($1, in: copies) }
        for copy in ordered {
            let hasChildren = copies.contains { $0.tags[SwapTags.parent] == copy.tags[SwapTags.name] && $0.identifier != copy.identifier }
            let call = copy.kind == .cluster ? "DeleteDBCluster" : "DeleteDBInstance"
            var parameters = [SwapStep.Parameter(copy.kind == .cluster ? "DBClusterIdentifier" : "DBInstanceIdentifier", copy.identifier)]
            if copy.kind == .cluster || (copy.cluster == nil && copy.source == nil) { parameters.append(.init("SkipFinalSnapshot", "true")) }
            let state: SwapStep.State = copy.status == "deleting" ? .waiting("\(copy.identifier) is deleting")
                : hasChildren ? .waiting("the copies that hang on \(copy.identifier) are deleted first")
                : copy.isAvailable ? .ready : .waiting("\(copy.identifier) is \(copy.status)")
            steps.append(SwapStep(phase: .delete, service: "rds", call: call, resource: copy.identifier, parameters: parameters, state: state,
                                  permissions: [.init("rds:" + call, copy.arn)]))
        }
        for original in originals {
            let keys = SwapTags.all
            steps.append(SwapStep(phase: .unmark, service: "rds", call: "RemoveTagsFromResource", resource: original.identifier,
                                  parameters: [.init("ResourceName", original.arn)] + keys.enumerated().map { .init("TagKeys.member.\($0.offset + 1)", $0.element) },
                                  state: copies.isEmpty ? .ready : .waiting("the copy is not deleted yet"),
                                  permissions: [.init("rds:RemoveTagsFromResource", original.arn)]))
        }
        return steps
    }

    static func depth(_ node: DBNode, in nodes: [DBNode]) -> Int {
        var count = 0
        var parent = node.tags[SwapTags.parent] ?? ""
        while !parent.isEmpty, count < 16 {
            count += 1
            parent = nodes.first { $0.tags[SwapTags.name] == parent }?.tags[SwapTags.parent] ?? ""
        }
        return count
    }
}
