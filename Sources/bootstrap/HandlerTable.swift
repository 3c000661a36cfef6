import LambdaRuntime

/// A setting a handler reads, for `--help` and README.
struct Setting: Sendable {
    let name: String
    let meaning: String
}

/// What `_HANDLER` can name: how to build each handler and how to explain it.
struct HandlerEntry: Sendable {
    let name: String
    let summary: String
    let settings: [Setting]
    let make: @Sendable () throws -> any Handler
}

enum HandlerTable {
    static let entries: [HandlerEntry] = [
        EchoHandler.entry,
        ContextHandler.entry,
        FailHandler.entry,
    ]

    static var names: [String] { entries.map(\.name) }

    static func entry(named name: String) -> HandlerEntry? {
        entries.first { $0.name == name }
    }

    /// Builds the handler `_HANDLER` names, or fails init with the list of valid names.
    static func make(named name: String?) throws -> any Handler {
        guard let name, !name.isEmpty else {
            throw FunctionError(.runtime, "HandlerNotFound",
                                "_HANDLER is not set; set the function's Handler to one of: \(names.joined(separator: ", "))")
        }
        guard let entry = entry(named: name) else {
            throw FunctionError(.runtime, "HandlerNotFound",
                                "unknown handler '\(name)'; set the function's Handler (_HANDLER) to one of: \(names.joined(separator: ", "))")
        }
        return try entry.make()
    }
}
