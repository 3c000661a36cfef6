import FoundationEssentials

/// awsJson1_1 (SSM, CodePipeline, Secrets Manager): POST / with `X-Amz-Target: Prefix.Operation`.
struct JSONProtocol {
    let session: AWSSession
    let service: ServiceDescriptor
    let deadline: Deadline

    func call<Output: Decodable>(_ operation: String, _ input: some Encodable, as output: Output.Type = Output.self) throws(AWSError) -> Output {
        guard case .json(let prefix) = service.wireProtocol else { preconditionFailure("\(service.name) is not a JSON service") }
        let body: [UInt8]
        do {
            body = Array(try JSONEncoder().encode(input))
        } catch {
            throw .malformedResponse(service: service.name, operation: operation, "cannot encode the request: \(error)")
        }
        let response = try session.send(
            service, operation: operation,
            headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", prefix + "." + operation)],
            body: body, deadline: deadline)
        return try JSONProtocol.decode(Output.self, response.body, service: service, operation: operation)
    }

    static func decode<Output: Decodable>(_ type: Output.Type, _ body: [UInt8], service: ServiceDescriptor, operation: String) throws(AWSError) -> Output {
        do {
            return try JSONDecoder().decode(Output.self, from: Data(body.isEmpty ? Array("{}".utf8) : body))
        } catch {
            throw .malformedResponse(service: service.name, operation: operation, "\(error)")
        }
    }
}

/// An output with no fields of interest.
public struct Empty: Codable, Sendable {
    public init() {}
}
