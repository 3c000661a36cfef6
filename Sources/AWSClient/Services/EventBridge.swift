/// EventBridge: enabling and disabling one rule, the schedule that keeps an in-place refresh going
/// across invocations while it runs.
public struct EventBridge {
    let wire: JSONProtocol

    public init(session: AWSSession, deadline: Deadline) {
        wire = JSONProtocol(session: session, service: .eventBridge, deadline: deadline)
    }

    public func setRule(_ name: String, enabled: Bool) throws(AWSError) {
        struct Input: Encodable { let Name: String }
        struct Output: Decodable {}
        _ = try wire.call(enabled ? "EnableRule" : "DisableRule", Input(Name: name), as: Output.self)
    }
}
