/// Secrets Manager: reading the database secret.
public struct SecretsManager {
    let wire: JSONProtocol

    public init(session: AWSSession, deadline: Deadline) {
        wire = JSONProtocol(session: session, service: .secretsManager, deadline: deadline)
    }

    public struct SecretValue: Decodable, Sendable {
        public let ARN: String
        public let Name: String
        public let VersionId: String?
        public let SecretString: String?
    }

    public func getSecretValue(id: String, versionStage: String? = nil) throws(AWSError) -> SecretValue {
        struct Input: Encodable { let SecretId: String; let VersionStage: String? }
        return try wire.call("GetSecretValue", Input(SecretId: id, VersionStage: versionStage))
    }
}
