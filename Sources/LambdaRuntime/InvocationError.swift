/// An error that knows how Lambda should report it: `errorType` is `Category.Reason`, e.g.
/// `Function.InvalidEvent`. Errors that do not conform are reported as `Function.UnhandledError`.
public protocol InvocationError: Error {
    var errorType: String { get }
    var errorMessage: String { get }
    /// Lines that locate the failure for a human (file:line, the call that failed).
    var stackTrace: [String] { get }
}

extension InvocationError {
    public var stackTrace: [String] { [] }
}

/// The runtime's own error for a failed invocation or init, and the simplest way for a handler to
/// fail with a chosen type.
public struct FunctionError: InvocationError, CustomStringConvertible, Sendable {
    public enum Category: String, Sendable {
        case function = "Function"
        case runtime = "Runtime"
    }

    public let category: Category
    /// An upper-camel-case word, e.g. `InvalidEvent`.
    public let reason: String
    public let errorMessage: String
    public let stackTrace: [String]

    public init(_ category: Category = .function, _ reason: String, _ message: String, stackTrace: [String] = []) {
        self.category = category
        self.reason = reason
        self.errorMessage = message
        self.stackTrace = stackTrace
    }

    public var errorType: String { category.rawValue + "." + reason }
    public var description: String { errorType + ": " + errorMessage }

    public static func invalidEvent(_ message: String) -> FunctionError {
        FunctionError(.function, "InvalidEvent", message)
    }
}

/// The three fields Lambda shows for a failed invocation.
public struct ErrorReport: Error, Sendable, Equatable {
    public var errorType: String
    public var errorMessage: String
    public var stackTrace: [String]

    public init(errorType: String, errorMessage: String, stackTrace: [String] = []) {
        self.errorType = errorType
        self.errorMessage = errorMessage
        self.stackTrace = stackTrace
    }

    public init(_ error: any Error) {
        if let error = error as? any InvocationError {
            self.init(errorType: Self.validType(error.errorType), errorMessage: error.errorMessage, stackTrace: error.stackTrace)
        } else {
            self.init(errorType: "Function.UnhandledError", errorMessage: String(describing: error))
        }
    }

    /// Lambda rewrites types not matching `(Runtime|Function)\.[A-Z][a-zA-Z]+`; keep ours valid so
    /// the operator sees the type we meant.
    static func validType(_ type: String) -> String {
        let parts = type.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, parts[0] == "Runtime" || parts[0] == "Function",
              let first = parts[1].first, first.isASCII, first.isUppercase,
              parts[1].count >= 2,
              parts[1].allSatisfy({ $0.isASCII && $0.isLetter })
        else { return "Function.UnhandledError" }
        return type
    }

    /// `{"errorMessage":…,"errorType":…,"stackTrace":[…]}`: the body of the error endpoints.
    public var json: [UInt8] {
        var text = JSONText()
        text.raw("{")
        text.key("errorMessage", first: true)
        text.string(errorMessage)
        text.key("errorType")
        text.string(errorType)
        text.key("stackTrace")
        text.raw("[")
        for (index, line) in stackTrace.enumerated() {
            if index > 0 { text.raw(",") }
            text.string(line)
        }
        text.raw("]}")
        return text.bytes
    }
}
