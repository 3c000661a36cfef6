/// Systems Manager Parameter Store: the two calls the handlers need.
public struct SSM {
    let wire: JSONProtocol

    public init(session: AWSSession, deadline: Deadline) {
        wire = JSONProtocol(session: session, service: .ssm, deadline: deadline)
    }

    public struct Parameter: Codable, Sendable, Equatable {
        public let Name: String
        public let Value: String
        public let Version: Int
        public let `Type`: String?
    }

    public struct Tag: Encodable, Sendable {
        public let Key: String
        public let Value: String

        public init(key: String, value: String) {
            Key = key
            Value = value
        }
    }

    /// The parameter, or nil when it does not exist (`ParameterNotFound`).
    public func getParameter(name: String, withDecryption: Bool = false) throws(AWSError) -> Parameter? {
        struct Input: Encodable { let Name: String; let WithDecryption: Bool }
        struct Output: Decodable { let Parameter: Parameter }
        do {
            return try wire.call("GetParameter", Input(Name: name, WithDecryption: withDecryption), as: Output.self).Parameter
        } catch where error.code == "ParameterNotFound" {
            return nil
        }
    }

    /// Writes a String parameter and returns its new version. SSM refuses tags together with
    /// overwrite, so tags are for the first write only.
    @discardableResult
    public func putParameter(name: String, value: String, overwrite: Bool, tags: [Tag] = [], description: String? = nil) throws(AWSError) -> Int {
        struct Input: Encodable {
            let Name: String
            let Value: String
            let `Type`: String
            let Overwrite: Bool
            let Tags: [Tag]?
            let Description: String?
        }
        struct Output: Decodable { let Version: Int }
        return try wire.call("PutParameter", Input(Name: name, Value: value, Type: "String", Overwrite: overwrite,
                                                   Tags: tags.isEmpty ? nil : tags, Description: description),
                             as: Output.self).Version
    }
}
