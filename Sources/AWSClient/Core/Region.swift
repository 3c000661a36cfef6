/// A region name from `AWS_REGION`, then `AWS_DEFAULT_REGION`, and the DNS suffix of its partition.
public struct Region: Sendable, Equatable, CustomStringConvertible {
    public let name: String

    public init(_ name: String) {
        self.name = name
    }

    public static func resolve(from environment: Environment) throws(AWSError) -> Region {
        guard let name = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] else {
            throw .configuration("No AWS region: set AWS_REGION (Lambda sets it), e.g. AWS_REGION=us-east-1")
        }
        guard name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
            throw .configuration("AWS_REGION is '\(name)', which is not a region name such as us-east-1")
        }
        return Region(name)
    }

    public var dnsSuffix: String {
        if name.hasPrefix("cn-") { return "amazonaws.com.cn" }
        if name.hasPrefix("us-iso-") { return "c2s.ic.gov" }
        if name.hasPrefix("us-isob-") { return "sc2s.sgov.gov" }
        return "amazonaws.com"
    }

    public var description: String { name }
}
