import FoundationEssentials

/// restJson1 (RDS Data): each operation is a POST to its own path with a JSON body.
struct RestJSONProtocol {
    let session: AWSSession
    let service: ServiceDescriptor
    let deadline: Deadline

    func call<Output: Decodable>(_ operation: String, path: String, _ input: some Encodable, as output: Output.Type = Output.self) throws(AWSError) -> Output {
        let body: [UInt8]
        do {
            body = Array(try JSONEncoder().encode(input))
        } catch {
            throw .malformedResponse(service: service.name, operation: operation, "cannot encode the request: \(error)")
        }
        let response = try session.send(service, operation: operation, path: path,
                                        headers: [("Content-Type", "application/json")], body: body, deadline: deadline)
        return try JSONProtocol.decode(Output.self, response.body, service: service, operation: operation)
    }
}
