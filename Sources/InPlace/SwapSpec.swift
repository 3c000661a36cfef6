/// What an in-place refresh is asked to do: make `target` (and its replicas, or its cluster's
/// instances) a fresh copy of `source`, keeping the target's names and attributes.
public struct SwapSpec: Sendable, Equatable {
    public enum Method: String, Sendable, Equatable, CaseIterable {
        /// A read replica of the source, promoted (RDS instances in the source's VPC and account).
        case replica
        /// A restore of the source's newest usable snapshot.
        case snapshot
        /// A copy-on-write clone of the source cluster (Aurora).
        case clone
    }

    /// What must succeed between the rename and any deletion.
    public enum Hook: Sendable, Equatable {
        case none
        case lambda(arn: String)
        /// ECS services to redeploy (forceNewDeployment), as (cluster, service).
        case ecs([ECSService])
    }

    public struct ECSService: Sendable, Equatable {
        public var cluster: String
        public var service: String

        public init(cluster: String, service: String) {
            self.cluster = cluster
            self.service = service
        }
    }

    public var source: String
    public var target: String
    public var method: Method
    public var hook: Hook
    public var keepFinalSnapshot: Bool

    public init(source: String, target: String, method: Method, hook: Hook = .none, keepFinalSnapshot: Bool = false) {
        self.source = source
        self.target = target
        self.method = method
        self.hook = hook
        self.keepFinalSnapshot = keepFinalSnapshot
    }

    public static func temp(_ name: String) -> String { "temp-" + name }
    public static func old(_ name: String) -> String { "old-" + name }
}
