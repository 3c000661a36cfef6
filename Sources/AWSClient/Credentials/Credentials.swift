/// An access key, its secret and, for temporary credentials, the session token.
public struct Credentials: Sendable, Equatable {
    public let accessKeyID: String
    public let secretAccessKey: String
    public let sessionToken: String?
    /// Seconds since the epoch after which temporary credentials stop working.
    public let expiration: Int?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Int? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }
}

extension Credentials: CustomStringConvertible {
    /// Never the secret or the token: this is what may reach a log.
    public var description: String {
        "Credentials(accessKeyID: \(accessKeyID), secret: <redacted>\(sessionToken == nil ? "" : ", session token: <redacted>"))"
    }
}
