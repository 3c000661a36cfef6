#if canImport(Glibc)
import Glibc
#endif

/// What Lambda says about the function through the environment. Read once at init: these do not
/// change during the sandbox's life.
public struct FunctionEnvironment: Sendable {
    public var name: String
    public var version: String
    public var memorySizeMB: Int
    public var logGroupName: String
    public var logStreamName: String

    public init(name: String, version: String = "$LATEST", memorySizeMB: Int = 128,
                logGroupName: String = "", logStreamName: String = "") {
        self.name = name
        self.version = version
        self.memorySizeMB = memorySizeMB
        self.logGroupName = logGroupName
        self.logStreamName = logStreamName
    }

    public static func current() -> FunctionEnvironment {
        FunctionEnvironment(
            name: variable("AWS_LAMBDA_FUNCTION_NAME") ?? "",
            version: variable("AWS_LAMBDA_FUNCTION_VERSION") ?? "$LATEST",
            memorySizeMB: variable("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").flatMap { Int($0) } ?? 0,
            logGroupName: variable("AWS_LAMBDA_LOG_GROUP_NAME") ?? "",
            logStreamName: variable("AWS_LAMBDA_LOG_STREAM_NAME") ?? "")
    }

    public static func variable(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
