import FoundationEssentials

/// Finds credentials the way the AWS SDKs do, in order: the environment (Lambda puts the role's
/// temporary keys there), the shared files' profile, then the container credentials endpoint.
public struct CredentialChain: Sendable {
    public struct Resolved: Sendable {
        public let credentials: Credentials
        /// Where they came from, e.g. "environment (AWS_ACCESS_KEY_ID)": never the secret.
        public let source: String
    }

    let environment: Environment

    public init(environment: Environment) {
        self.environment = environment
    }

    public func resolve(transport: () throws(TransportError) -> any HTTPTransport) throws(AWSError) -> Resolved {
        if let resolved = try fromEnvironment() { return resolved }
        if let resolved = try fromProfile() { return resolved }
        if let resolved = try fromContainer(transport: transport) { return resolved }
        throw .configuration("""
            No AWS credentials found. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN \
            for temporary keys), or AWS_PROFILE naming a profile in ~/.aws/credentials, or \
            AWS_CONTAINER_CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN.
            """)
    }

    func fromEnvironment() throws(AWSError) -> Resolved? {
        let id = environment["AWS_ACCESS_KEY_ID"]
        let secret = environment["AWS_SECRET_ACCESS_KEY"]
        switch (id, secret) {
        case (nil, nil):
            return nil
        case (let id?, let secret?):
            return Resolved(credentials: Credentials(accessKeyID: id, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"]),
                            source: "environment (AWS_ACCESS_KEY_ID)")
        default:
            throw .configuration("Only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set: set both, or neither to use a profile")
        }
    }

    func fromProfile() throws(AWSError) -> Resolved? {
        let home = environment["HOME"] ?? ""
        let profile = environment["AWS_PROFILE"] ?? "default"
        let credentialsPath = environment["AWS_SHARED_CREDENTIALS_FILE"] ?? home + "/.aws/credentials"
        let configPath = environment["AWS_CONFIG_FILE"] ?? home + "/.aws/config"
        for (path, isConfig) in [(credentialsPath, false), (configPath, true)] {
            guard let file = SharedConfigFile.load(path: path, isConfigFile: isConfig), let section = file.sections[profile] else { continue }
            guard let id = section["aws_access_key_id"] else { continue }
            guard let secret = section["aws_secret_access_key"] else {
                throw .configuration("Profile '\(profile)' in \(path) has aws_access_key_id but no aws_secret_access_key")
            }
            return Resolved(credentials: Credentials(accessKeyID: id, secretAccessKey: secret, sessionToken: section["aws_session_token"]),
                            source: "profile '\(profile)' in \(path)")
        }
        if environment["AWS_PROFILE"] != nil {
            throw .configuration("AWS_PROFILE is '\(profile)', but neither \(credentialsPath) nor \(configPath) has that profile with keys")
        }
        return nil
    }

    private struct ContainerAnswer: Decodable {
        let AccessKeyId: String
        let SecretAccessKey: String
        let Token: String?
    }

    func fromContainer(transport: () throws(TransportError) -> any HTTPTransport) throws(AWSError) -> Resolved? {
        let url: String
        if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] {
            url = full
        } else if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] {
            url = "http://169.254.170.2" + relative
        } else {
            return nil
        }
        var headers: [(String, String)] = []
        if let token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] {
            headers.append(("Authorization", token))
        }
        let response: HTTPResponse
        do {
            response = try transport().send(HTTPRequest(method: "GET", url: url, headers: headers), timeoutMilliseconds: 2_000)
        } catch {
            throw .configuration("The container credentials endpoint \(url) did not answer: \(error.message)")
        }
        guard response.status == 200,
              let answer = try? JSONDecoder().decode(ContainerAnswer.self, from: Data(response.body))
        else {
            throw .configuration("The container credentials endpoint \(url) answered HTTP \(response.status) without credentials; check AWS_CONTAINER_AUTHORIZATION_TOKEN")
        }
        return Resolved(credentials: Credentials(accessKeyID: answer.AccessKeyId, secretAccessKey: answer.SecretAccessKey, sessionToken: answer.Token),
                        source: "container endpoint \(url)")
    }
}
