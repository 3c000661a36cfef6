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
            let excess = bytes.count - Self.byteLimit
            response.Reason = String(response.Reason.dropLast(max(excess, 1) + 3)) + "..."
            if response.Reason == "..." { response.Reason = "" }
            bytes = Array(try encoder.encode(response))
        }
        return bytes
    }
}
