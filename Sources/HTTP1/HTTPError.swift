/// Why an HTTP/1.1 exchange could not be read or written.
public enum HTTPError: Error, CustomStringConvertible, Sendable {
    case socket(SocketError)
    /// The peer closed the connection in the middle of a message.
    case closedEarly
    case malformed(String)

    /// True when a fresh connection might succeed where this one failed.
    public var isConnectionLost: Bool {
        switch self {
        case .socket(let error): error.isConnectionLost
        case .closedEarly: true
        case .malformed: false
        }
    }

    public var description: String {
        switch self {
        case .socket(let error): error.description
        case .closedEarly: "connection closed in the middle of a message"
        case .malformed(let why): "malformed HTTP message: \(why)"
        }
    }
}
