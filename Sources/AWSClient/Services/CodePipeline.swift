/// CodePipeline: starting the pipeline that redeploys staging, and reading an execution.
public struct CodePipeline {
    let wire: JSONProtocol

    public init(session: AWSSession, deadline: Deadline) {
        wire = JSONProtocol(session: session, service: .codePipeline, deadline: deadline)
    }

    public struct Variable: Codable, Sendable, Equatable {
        public let name: String
        public let value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Starts an execution. The same `clientRequestToken` (1–128 of `[a-zA-Z0-9-]`) for the same
    /// pipeline returns the first execution instead of starting another.
    public func startPipelineExecution(name: String, clientRequestToken: String? = nil, variables: [Variable] = []) throws(AWSError) -> String {
        struct Input: Encodable { let name: String; let clientRequestToken: String?; let variables: [Variable]? }
        struct Output: Decodable { let pipelineExecutionId: String }
        return try wire.call("StartPipelineExecution",
                             Input(name: name, clientRequestToken: clientRequestToken, variables: variables.isEmpty ? nil : variables),
                             as: Output.self).pipelineExecutionId
    }

    public struct Execution: Codable, Sendable, Equatable {
        public let pipelineName: String
        public let pipelineExecutionId: String
        public let status: String
        public let pipelineVersion: Int?
    }

    public func getPipelineExecution(pipelineName: String, executionID: String) throws(AWSError) -> Execution {
        struct Input: Encodable { let pipelineName: String; let pipelineExecutionId: String }
        struct Output: Decodable { let pipelineExecution: Execution }
        return try wire.call("GetPipelineExecution", Input(pipelineName: pipelineName, pipelineExecutionId: executionID),
                             as: Output.self).pipelineExecution
    }
}
