/// What went wrong in an AWS call, carrying what a person needs to act: the service, the
/// operation, AWS's error code and message, the request id and the HTTP status.
public enum AWSError: Error, Sendable, CustomStringConvertible {
    /// AWS answered with an error.
    case service(ServiceError)
    /// No answer: the network, TLS, or the deadline.
    case transport(service: String, operation: String, TransportError)
    /// Credentials, region or endpoint are missing or malformed.
    case configuration(String)
    /// An answer we could not read.
    case malformedResponse(service: String, operation: String, String)

    public var description: String {
        switch self {
        case .service(let error): error.description
        case .transport(let service, let operation, let error): "\(service) \(operation) got no answer: \(error.message)"
        case .configuration(let message): message
        case .malformedResponse(let service, let operation, let detail): "\(service) \(operation) answered something unreadable: \(detail)"
        }
    }

    /// AWS's error code, when AWS answered.
    public var code: String? {
        if case .service(let error) = self { return error.code }
        return nil
    }
}

public struct ServiceError: Error, Sendable, CustomStringConvertible, Equatable {
    public let service: String
    public let operation: String
    public let code: String
    public let message: String
    public let requestID: String?
    public let status: Int

    public init(service: String, operation: String, code: String, message: String, requestID: String?, status: Int) {
        self.service = service
        self.operation = operation
        self.code = code
        self.message = message
        self.requestID = requestID
        self.status = status
    }

    public var description: String {
        var text = "\(service) \(operation) failed: \(code) (HTTP \(status)\(requestID.map { ", request id \($0)" } ?? ""))"
        if !message.isEmpty { text += ": \(message)" }
        if let hint { text += ". \(hint)" }
        return text
    }

    /// What to check for the errors that are about our own setup, not the request.
    public var hint: String? {
        switch code {
        case "SignatureDoesNotMatch":
            "Check that AWS_SECRET_ACCESS_KEY belongs to the access key, that the region is the endpoint's, and that the clock is right"
        case "InvalidClientTokenId", "UnrecognizedClientException":
            "The access key is not known to AWS: check AWS_ACCESS_KEY_ID (or the profile's aws_access_key_id) and that it is active"
        case "ExpiredToken", "ExpiredTokenException", "RequestExpired":
            "The temporary credentials or the request time expired: refresh the session token, and check the clock"
        case "AccessDenied", "AccessDeniedException":
            "The role lacks this permission: run 'bootstrap iam-policy' for the policy each handler needs"
        case _ where service == "RDS Data" && message.contains("password authentication failed"):
            "The database refused the secret's user and password. On Aurora PostgreSQL 14 and later the Data API signs in "
                + "only with scram-sha-256 passwords: if the user's password is stored as md5, run SET password_encryption = "
                + "'scram-sha-256' and set it again (ALTER ROLE <user> PASSWORD '...'), then check that the secret holds it"
        default:
            nil
        }
    }
}
