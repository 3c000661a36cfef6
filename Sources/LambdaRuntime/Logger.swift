#if canImport(Glibc)
import Glibc
#endif
import Basics

/// A value in a log line's fields, typed so JSON lines keep numbers and booleans as such.
public enum LogValue: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByStringInterpolation
{
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    var text: String {
        switch self {
        case .string(let value): value
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): String(value)
        }
    }
}

/// Lambda's log levels, in order (`AWS_LAMBDA_LOG_LEVEL`).
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case trace, debug, info, warn, error, fatal

    public var name: String { String(describing: self).uppercased() }

    public init?(name: String) {
        guard let level = Self.allCases.first(where: { $0.name == name.uppercased() }) else { return nil }
        self = level
    }

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}

/// `AWS_LAMBDA_LOG_FORMAT`: Lambda's TEXT or JSON.
public enum LogFormat: Sendable {
    case text, json

    public init?(name: String) {
        switch name.uppercased() {
        case "TEXT": self = .text
        case "JSON": self = .json
        default: return nil
        }
    }
}

/// Writes one line per call to stderr with a single write(2), so lines never interleave and
/// nothing sits in a buffer when the sandbox is frozen or killed.
public struct Logger: Sendable {
    public let format: LogFormat
    public let minimumLevel: LogLevel
    public var requestID: String?
    private let descriptor: Int32

    public init(format: LogFormat = .text, minimumLevel: LogLevel = .info, requestID: String? = nil, descriptor: Int32 = 2) {
        self.format = format
        self.minimumLevel = minimumLevel
        self.requestID = requestID
        self.descriptor = descriptor
    }

    /// The logger Lambda's settings ask for. Unknown values fall back to TEXT and INFO, which is
    /// what Lambda itself uses when they are unset.
    public static func fromEnvironment() -> Logger {
        let format = getenv("AWS_LAMBDA_LOG_FORMAT").flatMap { LogFormat(name: String(cString: $0)) } ?? .text
        let level = getenv("AWS_LAMBDA_LOG_LEVEL").flatMap { LogLevel(name: String(cString: $0)) } ?? .info
        return Logger(format: format, minimumLevel: level)
    }

    public func with(requestID: String?) -> Logger {
        var copy = self
        copy.requestID = requestID
        return copy
    }

    public func isEnabled(_ level: LogLevel) -> Bool { level >= minimumLevel }

    public func trace(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        log(.trace, message(), fields)
    }
    public func debug(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        log(.debug, message(), fields)
    }
    public func info(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        log(.info, message(), fields)
    }
    public func warn(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        log(.warn, message(), fields)
    }
    public func error(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        log(.error, message(), fields)
    }
    public func fatal(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        log(.fatal, message(), fields)
    }

    public func log(_ level: LogLevel, _ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        guard isEnabled(level) else { return }
        FileContents.write(render(level, message(), fields, at: Clock.epochMilliseconds()), to: descriptor)
    }

    func render(_ level: LogLevel, _ message: String, _ fields: KeyValuePairs<String, LogValue>, at ms: Int64) -> [UInt8] {
        let timestamp = UTCTime(epochMilliseconds: ms).rfc3339
        switch format {
        case .json:
            var json = JSONText()
            json.raw("{")
            json.key("timestamp", first: true)
            json.string(timestamp)
            json.key("level")
            json.string(level.name)
            json.key("message")
            json.string(message)
            if let requestID {
                json.key("requestId")
                json.string(requestID)
            }
            for (name, value) in fields {
                json.key(name)
                switch value {
                case .string(let text): json.string(text)
                case .int(let number): json.raw(String(number))
                case .double(let number): number.isFinite ? json.raw(String(number)) : json.string(String(number))
                case .bool(let flag): json.raw(flag ? "true" : "false")
                }
            }
            json.raw("}\n")
            return json.bytes
        case .text:
            var line = timestamp + "\t" + (requestID ?? "-") + "\t" + level.name + "\t" + message
            for (name, value) in fields {
                line += " " + name + "=" + value.text
            }
            // CloudWatch starts a new event at each LF; CR keeps a multi-line message in one event.
            var bytes = Array(line.utf8).map { $0 == 0x0A ? 0x0D : $0 }
            bytes.append(0x0A)
            return bytes
        }
    }
}
