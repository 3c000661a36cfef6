/// The target graph by original names: the primary (or cluster) first, then breadth-first, each
/// node with its parent. It is read from the live target before a run, and from the run's tags
/// during one, so it is recognised whatever its nodes are called at the moment.
public struct SwapGraph: Sendable, Equatable {
    public struct Node: Sendable, Equatable {
        public var name: String
        public var parent: String?
        public var kind: DBNode.Kind
        public var engine: String
        public var attributes: DBNode.Attributes
        /// The user's own tags, copied to the new node.
        public var tags: [String: String]
    }

    public var nodes: [Node]
    /// The original graph's live nodes by original name, when it still exists.
    public var originals: [String: DBNode] = [:]

    public var root: Node { nodes[0] }

    public func children(of name: String) -> [Node] { nodes.filter { $0.parent == name } }

    /// Deepest first: replicas before their sources, instances before their cluster.
    public var leavesFirst: [Node] {
        func depth(_ node: Node) -> Int {
            var count = 0
            var current = node.parent
            while let name = current { count += 1; current = nodes.first { $0.name == name }?.parent }
            return count
        }
        return nodes.enumerated().sorted { (depth($0.element), $0.offset) > (depth($1.element), $1.offset) }.map(\.element)
    }

    /// The live graph under `root`: an instance and its read replicas (cascading), or a cluster and its
    /// instances, each under its original name (its name tag once marked, else its identifier). Replica
    /// links survive renames, so this holds from before the run until the old graph is deleted.
    static func live(root: DBNode, nodes: [DBNode]) -> SwapGraph {
        var graph: [Node] = []
        var originals: [String: DBNode] = [:]
        var queue: [(DBNode, String?)] = [(root, nil)]
        while !queue.isEmpty {
            let (node, parent) = queue.removeFirst()
            let name = node.tags[SwapTags.name] ?? node.identifier
            originals[name] = node
            graph.append(Node(name: name, parent: parent, kind: node.kind, engine: node.engine, attributes: node.attributes,
                              tags: node.tags.filter { !$0.key.hasPrefix("staging-refresh:in-place-") && !$0.key.hasPrefix("aws:") }))
            for child in node.replicas {
                if let found = nodes.first(where: { $0.identifier == child && $0.kind == .instance }) { queue.append((found, name)) }
            }
        }
        return SwapGraph(nodes: graph, originals: originals)
    }

    /// The graph a run's tags describe, from the nodes carrying `role` for `run`.
    static func tagged(run: String, role: String, nodes: [DBNode]) -> SwapGraph? {
        let members = nodes.filter { $0.tags[SwapTags.run] == run && $0.tags[SwapTags.role] == role && $0.tags[SwapTags.name] != nil }
        guard let root = members.first(where: { ($0.tags[SwapTags.parent] ?? "").isEmpty }) else { return nil }
        var graph: [Node] = []
        var queue = [root]
        while !queue.isEmpty {
            let node = queue.removeFirst()
            let name = node.tags[SwapTags.name]!
            let parent = node.tags[SwapTags.parent].flatMap { $0.isEmpty ? nil : $0 }
            graph.append(Node(name: name, parent: parent, kind: node.kind, engine: node.engine, attributes: node.attributes,
                              tags: node.tags.filter { !$0.key.hasPrefix("staging-refresh:in-place-") && !$0.key.hasPrefix("aws:") }))
            queue += members.filter { $0.tags[SwapTags.parent] == name }.sorted { $0.identifier < $1.identifier }
        }
        return SwapGraph(nodes: graph)
    }
}

extension SwapTags {
    /// The original name of the node's parent ("" for the primary or the cluster).
    public static let parent = "staging-refresh:in-place-parent"
}
