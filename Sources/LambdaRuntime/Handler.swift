import FoundationEssentials

/// One function's logic: the event's bytes in, the response's bytes out, or a thrown error that
/// the runtime reports on the Runtime API's error endpoint.
public protocol Handler {
    func handle(_ event: [UInt8], context: Context) throws -> [UInt8]
}

/// A handler that works on typed values. Event bytes that do not decode become
/// `Function.InvalidEvent` naming where the event is wrong, before the handler runs.
public protocol JSONHandler: Handler {
    associatedtype Event: Decodable
    associatedtype Output: Encodable
    func handle(event: Event, context: Context) throws -> Output
}

extension JSONHandler {
    public func handle(_ event: [UInt8], context: Context) throws -> [UInt8] {
        let decoded: Event
        do {
            decoded = try JSONDecoder().decode(Event.self, from: Data(event))
        } catch let error as DecodingError {
            throw FunctionError.invalidEvent(error.explanation)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(handle(event: decoded, context: context)))
    }
}

extension DecodingError {
    /// Where the event is wrong and what was expected, in words an operator can act on.
    public var explanation: String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "the event" : QuotedInput.quote(text)
        }
        switch self {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) should be \(Self.name(of: type)): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) should be \(Self.name(of: type)), not null"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is required but missing"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "the event is not valid JSON: \(context.debugDescription)" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return String(describing: self)
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is Double.Type: "a number"
        default: "a \(type)"
        }
    }
}
