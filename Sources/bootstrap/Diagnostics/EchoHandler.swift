import LambdaRuntime

/// Returns the event's bytes unchanged, JSON or not: the smoke test and benchmark handler.
struct EchoHandler: Handler {
    static let entry = HandlerEntry(
        name: "echo",
        summary: "Diagnostic: returns the event unchanged (any bytes, up to Lambda's 6 MB).",
        settings: [],
        make: { EchoHandler() })

    func handle(_ event: [UInt8], context: Context) throws -> [UInt8] {
        event
    }
}
