import AWSClient
import InPlace
import LambdaRuntime

/// refresh-in-place's settings, from the environment (config.json's keys are the same names).
public struct InPlaceSettings: Sendable, Equatable {
    public var spec: SwapSpec
    /// The EventBridge rule that invokes the function every 5 minutes while a run is in progress.
    public var scheduleRule: String?
    /// `follow` (the CLI): seconds between rounds.
    public var pollSeconds: Int

    public static let documentation: [(name: String, meaning: String)] = [
        ("SOURCE_DB_IDENTIFIER", "production's DB instance or Aurora cluster (identifier or ARN); only read, never written"),
        ("TARGET_DB_IDENTIFIER", "the staging DB instance (with its read replicas) or Aurora cluster (with its instances) to refresh in place"),
        ("SWAP_METHOD", "replica (instances: a read replica of the source, promoted), snapshot (a restore of the source's newest usable snapshot) or clone (Aurora: copy-on-write); default replica for an instance, clone for a cluster"),
        ("RESTART_LAMBDA_ARN", "a function invoked (synchronously) after the rename; it must succeed before anything is deleted"),
        ("RESTART_ECS_SERVICES", "instead: ECS services to redeploy after the rename, cluster/service[,cluster/service…]"),
        ("KEEP_FINAL_SNAPSHOT", "true keeps a final snapshot of the replaced primary (default false)"),
        ("SCHEDULE_RULE_NAME", "the EventBridge rule kept enabled while a run is in progress (rate(5 minutes)), disabled when it ends"),
        ("IN_PLACE_POLL_SECONDS", "with {\"follow\": true}, seconds between rounds (default 30)"),
    ]

    public static func processEnvironment() -> [String: String] {
        let names = Set(documentation.map(\.name))
        return Environment.process().values.filter { names.contains($0.key) }
    }

    public init(environment: [String: String]) throws(RefreshError) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        guard let source = value("SOURCE_DB_IDENTIFIER") else {
            throw .invalidConfiguration("SOURCE_DB_IDENTIFIER is not set: production's DB instance or Aurora cluster")
        }
        guard let target = value("TARGET_DB_IDENTIFIER") else {
            throw .invalidConfiguration("TARGET_DB_IDENTIFIER is not set: the staging DB to refresh in place")
        }
        guard target != source, !source.hasSuffix(":db:" + target), !source.hasSuffix(":cluster:" + target) else {
            throw .invalidConfiguration("TARGET_DB_IDENTIFIER is the source \(source); the swap never writes to the source")
        }
        var method: SwapSpec.Method?
        if let text = value("SWAP_METHOD") {
            guard let chosen = SwapSpec.Method(rawValue: text.lowercased()) else {
                throw .invalidConfiguration("SWAP_METHOD is \(QuotedInput.quote(text)); use replica, snapshot or clone")
            }
            method = chosen
        }
        let hook: SwapSpec.Hook
        switch (value("RESTART_LAMBDA_ARN"), value("RESTART_ECS_SERVICES")) {
        case (.some, .some):
            throw .invalidConfiguration("RESTART_LAMBDA_ARN and RESTART_ECS_SERVICES are both set; choose one restart hook")
        case (.some(let function), nil):
            hook = .lambda(arn: function)
        case (nil, .some(let list)):
            var services: [SwapSpec.ECSService] = []
            for item in list.split(separator: ",") {
                let parts = item.split(separator: " ").joined().split(separator: "/", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw .invalidConfiguration("RESTART_ECS_SERVICES has \(QuotedInput.quote(String(item))); write cluster/service, comma-separated")
                }
                services.append(SwapSpec.ECSService(cluster: parts[0], service: parts[1]))
            }
            hook = .ecs(services)
        case (nil, nil):
            hook = .none
        }
        let keep = value("KEEP_FINAL_SNAPSHOT") ?? "false"
        guard keep == "true" || keep == "false" else {
            throw .invalidConfiguration("KEEP_FINAL_SNAPSHOT is \(QuotedInput.quote(keep)); use true or false")
        }
        let poll = value("IN_PLACE_POLL_SECONDS") ?? "30"
        guard let seconds = Int(poll), seconds >= 0 else {
            throw .invalidConfiguration("IN_PLACE_POLL_SECONDS is \(QuotedInput.quote(poll)); use whole seconds")
        }
        pollSeconds = seconds
        scheduleRule = value("SCHEDULE_RULE_NAME")
        // The method's default depends on what the target is, known only once it is described.
        spec = SwapSpec(source: source, target: target, method: method ?? .replica, hook: hook, keepFinalSnapshot: keep == "true")
        methodGiven = method != nil
    }

    /// Whether SWAP_METHOD was set; if not, a cluster target takes clone.
    public var methodGiven: Bool
}
