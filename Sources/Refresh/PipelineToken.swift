import AWSClient
import Digests

/// `clientRequestToken` for StartPipelineExecution: 1–128 of `[a-zA-Z0-9-]`, derived from the
/// snapshot so a repeated run for the same snapshot returns the first execution instead of
/// starting another. The hash keeps ids that differ only in characters the alphabet lacks apart
/// (`rds:x` and `rds-x`).
enum PipelineToken {
    static func make(snapshot: String, forcedBy requestID: String? = nil) -> String {
        let readable = String(snapshot.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" }.suffix(80))
        var token = readable + "-" + String(SHA256.hash(Array(snapshot.utf8)).hexString.prefix(12))
        // A forced run must start anew, yet a retry of that same invocation must not.
        if let requestID { token += "-f" + String(SHA256.hash(Array(requestID.utf8)).hexString.prefix(12)) }
        return token
    }
}
