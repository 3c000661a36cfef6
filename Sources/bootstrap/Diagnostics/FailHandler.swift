import LambdaRuntime

/// Always fails, so the error path (the Runtime API's error endpoint, logs, the CLI's exit
/// status) can be seen working.
struct FailHandler: Handler {
    static let entry = HandlerEntry(
        name: "fail",
        summary: "Diagnostic: always fails with Function.DiagnosticFailure, to show the error path.",
        settings: [],
        make: { FailHandler() })

    func handle(_ event: [UInt8], context: Context) throws -> [UInt8] {
        throw FunctionError(.function, "DiagnosticFailure",
                            "the fail handler always fails (event of \(event.count) bytes)",
                            stackTrace: ["handler: fail", "requestId: \(context.requestID)"])
    }
}
