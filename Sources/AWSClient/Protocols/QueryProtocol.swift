/// awsQuery (RDS, CloudFormation, STS): form-encoded `Action=…&Version=…` POSTed to /, XML back.
/// Lists and structs flatten into names like `Filters.Filter.1.Values.Value.2`.
struct QueryProtocol {
    let session: AWSSession
    let service: ServiceDescriptor
    let deadline: Deadline

    /// Returns `<OperationResult>`, the part of `<OperationResponse>` that carries the answer.
    func call(_ operation: String, _ parameters: QueryParameters) throws(AWSError) -> XMLElement {
        guard case .query(let version) = service.wireProtocol else { preconditionFailure("\(service.name) is not a query service") }
        let form = [("Action", operation), ("Version", version)] + parameters.pairs
        let response = try session.send(
            service, operation: operation,
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: Array(URIEncoding.form(form).utf8), deadline: deadline)
        let root: XMLElement
        do {
            root = try XMLReader.parse(response.body)
        } catch {
            throw .malformedResponse(service: service.name, operation: operation, error.description)
        }
        return root.child(operation + "Result") ?? XMLElement(name: operation + "Result")
    }
}

/// The flattened parameters of one awsQuery request, in the order they are added.
public struct QueryParameters: Sendable {
    public private(set) var pairs: [(String, String)] = []

    public init() {}

    public mutating func add(_ name: String, _ value: String?) {
        if let value { pairs.append((name, value)) }
    }

    public mutating func add(_ name: String, _ value: Int?) {
        add(name, value.map(String.init))
    }

    public mutating func add(_ name: String, _ value: Bool?) {
        add(name, value.map { $0 ? "true" : "false" })
    }

    /// `Name.member.1`, `Name.member.2`, … (or another member name such as `Value`).
    public mutating func addList(_ name: String, member: String = "member", _ values: [String]) {
        for (index, value) in values.enumerated() { add("\(name).\(member).\(index + 1)", value) }
    }

    /// A list of structs: `fill` adds each one's fields under `Name.member.N.`.
    public mutating func addList<Element>(_ name: String, member: String = "member", _ values: [Element],
                                          fill: (inout QueryParameters, String, Element) -> Void) {
        for (index, value) in values.enumerated() { fill(&self, "\(name).\(member).\(index + 1).", value) }
    }
}
