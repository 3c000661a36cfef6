/// One AWS write call, as a dry run reports it and as the handlers log it.
public struct PlannedCall: Encodable, Sendable, Equatable {
    public let call: String
    public let parameters: [String: String]

    public init(_ call: String, _ parameters: [String: String]) {
        self.call = call
        self.parameters = parameters
    }
}
