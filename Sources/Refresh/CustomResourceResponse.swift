import FoundationEssentials

/// The answer PUT to the ResponseURL. CloudFormation takes at most 4,096 bytes; the Reason is cut
/// to fit, keeping its head, which is what people read.
public struct CustomResourceResponse: Encodable, Sendable {
    public enum Status: String, Encodable, Sendable { case SUCCESS, FAILED }

    public let Status: Status
    public var Reason: String
    public let PhysicalResourceId: String
    public let StackId: String
    public let RequestId: String
    public let LogicalResourceId: String
    public let Data: [String: String]?

    public static let byteLimit = 4_096

    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var response = self
        var bytes = Array(try encoder.encode(response))
        while bytes.count > Self.byteLimit, !response.Reason.isEmpty {
            // The excess is in encoded bytes; a character may take several (UTF-8, or a JSON escape
            // like \u0001), so characters are dropped until at least that many bytes are gone.
            var excess = bytes.count - Self.byteLimit + 3
            var kept = response.Reason.hasSuffix("...") ? Substring(response.Reason.dropLast(3)) : Substring(response.Reason)
            while excess > 0, let last = kept.last {
                excess -= String(last).utf8.count
                kept = kept.dropLast()
            }
            response.Reason = kept.isEmpty ? "" : kept + "..."
            bytes = Array(try encoder.encode(response))
        }
        return bytes
    }
}
