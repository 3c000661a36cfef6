import FoundationEssentials
import LambdaRuntime

/// A CloudFormation custom-resource event. Property values arrive as strings;
/// numbers and booleans a template wrote unquoted are taken as their text.
public struct CustomResourceRequest: Decodable, Sendable {
    public enum RequestType: String, Decodable, Sendable { case Create, Update, Delete }

    public let RequestType: RequestType
    public let ResponseURL: String
    public let StackId: String
    public let RequestId: String
    public let LogicalResourceId: String
    public let PhysicalResourceId: String?
    public let ResourceType: String?
    public let ResourceProperties: [String: PropertyText]?

    public struct PropertyText: Decodable, Sendable {
        public let text: String
        /// An object of strings (Placeholders); nil for anything else.
        public let object: [String: String]?
        /// A list of strings (SecurityGroupIds); nil for anything else.
        public var list: [String]? = nil

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                (self.text, object) = (text, nil)
            } else if let number = try? container.decode(Int64.self) {
                (text, object) = (String(number), nil)
            } else if let flag = try? container.decode(Bool.self) {
                (text, object) = (String(flag), nil)
            } else if let found = try? container.decode([String: PropertyText].self) {
                (text, object) = ("", found.mapValues(\.text))
            } else if let items = try? container.decode([PropertyText].self) {
                (text, object, list) = ("", nil, items.map(\.text))
            } else {
                (text, object) = ("", nil)
            }
        }
    }

    /// True for bytes that look like a custom-resource event, so a direct invocation is not mistaken for one.
    static func looksLikeOne(_ object: [String: JSONProbe]) -> Bool {
        object["RequestType"] != nil && object["ResponseURL"] != nil
    }

}

/// The fields an answer needs, read on their own: when the rest of an event cannot be read (an
/// unknown RequestType, ResourceProperties that is not an object), these still let the handler
/// answer FAILED instead of leaving the stack waiting out CloudFormation's timeout.
public struct CustomResourceEnvelope: Decodable, Sendable {
    public let ResponseURL: String
    public let StackId: String
    public let RequestId: String
    public let LogicalResourceId: String
    /// Kept only when it is a string: a FAILED answer repeats it, so CloudFormation replaces nothing.
    public let PhysicalResourceId: String?

    enum CodingKeys: String, CodingKey {
        case ResponseURL, StackId, RequestId, LogicalResourceId, PhysicalResourceId
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        ResponseURL = try container.decode(String.self, forKey: .ResponseURL)
        StackId = try container.decode(String.self, forKey: .StackId)
        RequestId = try container.decode(String.self, forKey: .RequestId)
        LogicalResourceId = try container.decode(String.self, forKey: .LogicalResourceId)
        PhysicalResourceId = try? container.decodeIfPresent(String.self, forKey: .PhysicalResourceId)
    }
}

/// Decodes any JSON value and keeps nothing: enough to see which keys an object has.
struct JSONProbe: Decodable {
    init(from decoder: any Decoder) throws {}
}

/// What an event sent to a custom-resource handler is, read once for every such handler.
enum CustomResourceEvent {
    case request(CustomResourceRequest)
    /// Its envelope can be answered but its request cannot be acted on: one FAILED answer, nothing done.
    case unreadable(CustomResourceEnvelope, reason: String)
    /// Not a custom-resource event: the handler's own direct invocation.
    case direct

    static func read(_ event: [UInt8]) throws -> CustomResourceEvent {
        guard let keys = try? JSONDecoder().decode([String: JSONProbe].self, from: Data(event)), CustomResourceRequest.looksLikeOne(keys) else {
            return .direct
        }
        do {
            return .request(try JSONDecoder().decode(CustomResourceRequest.self, from: Data(event)))
        } catch let error as DecodingError {
            guard let envelope = try? JSONDecoder().decode(CustomResourceEnvelope.self, from: Data(event)) else {
                throw FunctionError.invalidEvent("a custom-resource event that cannot be answered: \(error.explanation)")
            }
            return .unreadable(envelope, reason: reason(error))
        }
    }

    /// Why an event with a usable envelope cannot be acted on, in words for the stack's events.
    static func reason(_ error: DecodingError) -> String {
        if case .dataCorrupted(let context) = error, context.codingPath.last?.stringValue == "RequestType" {
            return "the custom-resource event's RequestType is not Create, Update or Delete; nothing was changed"
        }
        return "the custom-resource event cannot be read: \(error.explanation); nothing was changed"
    }
}
