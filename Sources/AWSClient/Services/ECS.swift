/// ECS: one call, a forced new deployment of a service, with which an in-place refresh restarts the
/// apps on the swapped database.
public struct ECS {
    let wire: JSONProtocol

    public init(session: AWSSession, deadline: Deadline) {
        wire = JSONProtocol(session: session, service: .ecs, deadline: deadline)
    }

    /// UpdateService with forceNewDeployment: new tasks replace the running ones.
    public func forceNewDeployment(cluster: String, service: String) throws(AWSError) {
        struct Input: Encodable { let cluster: String; let service: String; let forceNewDeployment: Bool }
        struct Output: Decodable {}
        _ = try wire.call("UpdateService", Input(cluster: cluster, service: service, forceNewDeployment: true), as: Output.self)
    }
}
