import HTTP1

/// An HTTP response as the emulator sends it.
struct Reply {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8] = []

    static let reasons: [Int: String] = [
        200: "OK", 202: "Accepted", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
        413: "Request Entity Too Large", 500: "Internal Server Error", 502: "Bad Gateway",
    ]

    /// RIE renders its JSON with Go's json.Encoder: errorMessage first, then errorType, then "\n".
    static func rieError(_ status: Int, type: String, message: String) -> Reply {
        Reply(status: status, headers: [("Content-Type", "application/json")],
              body: Array(#"{"errorMessage":"\#(message)","errorType":"\#(type)"}"#.utf8) + [0x0A])
    }

    static let accepted = Reply(status: 202, headers: [("Content-Type", "application/json")],
                                body: Array(#"{"status":"OK"}"#.utf8) + [0x0A])
    static let invalidRequestID = rieError(400, type: "InvalidRequestID", message: "Invalid request ID")
    static let tooLarge = rieError(413, type: "RequestEntityTooLarge",
                                   message: "Exceeded maximum allowed payload size (\(RuntimeState.maxPayloadSize) bytes).")
    static let internalError = rieError(500, type: "InternalServerError", message: "Internal Server Error")

    static func invalidStateTransition(from: RuntimeState.Phase, to: String) -> Reply {
        rieError(403, type: "InvalidStateTransition",
                 message: "State transition from \(from.rawValue) to \(to) failed for runtime. Error: State transition is not allowed")
    }

    var head: [UInt8] {
        MessageHead.serialize("HTTP/1.1 \(status) \(Self.reasons[status] ?? "Status")",
                              headers + [("Content-Length", String(body.count))])
    }
}
