/// CloudFormation: the staging database's stack, created, updated or deleted without waiting.
public struct CloudFormation {
    let wire: QueryProtocol

    public init(session: AWSSession, deadline: Deadline) {
        wire = QueryProtocol(session: session, service: .cloudFormation, deadline: deadline)
    }

    public struct Stack: Encodable, Sendable, Equatable {
        public let name: String
        public let id: String
        public let status: String
        public let statusReason: String?
        public let outputs: [String: String]
        public let parameters: [String: String]
        public var tags: [String: String] = [:]
        public var creationTime: String? = nil
    }

    public struct Parameter: Sendable, Equatable {
        public let key: String
        public let value: String?
        /// Keep the stack's current value (UpdateStack only).
        public let usePreviousValue: Bool

        public init(key: String, value: String) {
            self.key = key
            self.value = value
            self.usePreviousValue = false
        }

        public init(keepingPreviousValueOf key: String) {
            self.key = key
            self.value = nil
            self.usePreviousValue = true
        }
    }

    /// The stack, or nil when none has that name (CloudFormation's "does not exist" ValidationError).
    public func describeStack(name: String) throws(AWSError) -> Stack? {
        var parameters = QueryParameters()
        parameters.add("StackName", name)
        let result: XMLElement
        do {
            result = try wire.call("DescribeStacks", parameters)
        } catch where error.code == "ValidationError" && error.description.contains("does not exist") {
            return nil
        }
        return result.child("Stacks")?.children("member").first.map(Self.stack)
    }

    /// The names of the account's stacks that are not deleted, all pages (ListStacks: no tags, but
    /// it needs no permission on every stack, as DescribeStacks without a name would).
    public func listStackNames() throws(AWSError) -> [String] {
        var names: [String] = []
        var token: String?
        repeat {
            var parameters = QueryParameters()
            parameters.add("NextToken", token)
            let result = try wire.call("ListStacks", parameters)
            for summary in result.child("StackSummaries")?.children("member") ?? [] where summary["StackStatus"] != "DELETE_COMPLETE" {
                if let name = summary["StackName"] { names.append(name) }
            }
            token = nonEmpty(result["NextToken"])
        } while token != nil
        return names
    }

    /// The newest events of a stack first, as CloudFormation lists them (one page: the latest 100).
    public struct Event: Sendable, Equatable {
        public let logicalID: String
        public let resourceType: String
        public let status: String
        public let reason: String?
        public let timestamp: String
    }

    public func describeStackEvents(name: String) throws(AWSError) -> [Event] {
        var parameters = QueryParameters()
        parameters.add("StackName", name)
        let result = try wire.call("DescribeStackEvents", parameters)
        return result.child("StackEvents")?.children("member").map { e in
            Event(logicalID: e["LogicalResourceId"] ?? "", resourceType: e["ResourceType"] ?? "", status: e["ResourceStatus"] ?? "",
                  reason: nonEmpty(e["ResourceStatusReason"]), timestamp: e["Timestamp"] ?? "")
        } ?? []
    }

    static func stack(_ element: XMLElement) -> Stack {
        func pairs(_ list: String, _ key: String, _ value: String) -> [String: String] {
            var map: [String: String] = [:]
            for member in element.child(list)?.children("member") ?? [] {
                if let k = member[key] { map[k] = member[value] ?? "" }
            }
            return map
        }
        return Stack(name: element["StackName"] ?? "", id: element["StackId"] ?? "", status: element["StackStatus"] ?? "",
                     statusReason: nonEmpty(element["StackStatusReason"]),
                     outputs: pairs("Outputs", "OutputKey", "OutputValue"),
                     parameters: pairs("Parameters", "ParameterKey", "ParameterValue"),
                     tags: pairs("Tags", "Key", "Value"), creationTime: nonEmpty(element["CreationTime"]))
    }

    /// Starts creating the stack and returns its id; CloudFormation finishes asynchronously.
    /// `roleARN`: the service role CloudFormation acts with for this and every later operation on
    /// the stack, instead of the caller's credentials.
    public func createStack(name: String, templateBody: String, parameters: [Parameter], capabilities: [String] = [],
                            tags: [(String, String)] = [], roleARN: String? = nil, clientRequestToken: String? = nil) throws(AWSError) -> String {
        var query = QueryParameters()
        query.add("StackName", name)
        query.add("TemplateBody", templateBody)
        add(parameters, capabilities: capabilities, to: &query)
        query.addList("Tags", tags) { query, prefix, tag in
            query.add(prefix + "Key", tag.0)
            query.add(prefix + "Value", tag.1)
        }
        query.add("RoleARN", roleARN)
        query.add("ClientRequestToken", clientRequestToken)
        return try wire.call("CreateStack", query)["StackId"] ?? ""
    }

    public enum UpdateOutcome: Sendable, Equatable {
        case started(stackID: String)
        /// CloudFormation's "No updates are to be performed": the stack already matches.
        case noChanges
    }

    /// What an update deploys: a new template body, or the stack's current template (an update of
    /// parameters only, as `aws cloudformation deploy` does with an unchanged template).
    public enum UpdateTemplate: Sendable, Equatable {
        case body(String)
        case previous
    }

    public func updateStack(name: String, template: UpdateTemplate, parameters: [Parameter], capabilities: [String] = [],
                            roleARN: String? = nil, clientRequestToken: String? = nil) throws(AWSError) -> UpdateOutcome {
        var query = QueryParameters()
        query.add("StackName", name)
        switch template {
        case .body(let body): query.add("TemplateBody", body)
        case .previous: query.add("UsePreviousTemplate", true)
        }
        add(parameters, capabilities: capabilities, to: &query)
        query.add("RoleARN", roleARN)
        query.add("ClientRequestToken", clientRequestToken)
        do {
            return .started(stackID: try wire.call("UpdateStack", query)["StackId"] ?? "")
        } catch where error.code == "ValidationError" && error.description.contains("No updates are to be performed") {
            return .noChanges
        }
    }

    public func deleteStack(name: String, roleARN: String? = nil, clientRequestToken: String? = nil) throws(AWSError) {
        var query = QueryParameters()
        query.add("StackName", name)
        query.add("RoleARN", roleARN)
        query.add("ClientRequestToken", clientRequestToken)
        _ = try wire.call("DeleteStack", query)
    }

    private func add(_ parameters: [Parameter], capabilities: [String], to query: inout QueryParameters) {
        query.addList("Parameters", parameters) { query, prefix, parameter in
            query.add(prefix + "ParameterKey", parameter.key)
            if parameter.usePreviousValue {
                query.add(prefix + "UsePreviousValue", true)
            } else {
                query.add(prefix + "ParameterValue", parameter.value)
            }
        }
        query.addList("Capabilities", capabilities)
    }
}
