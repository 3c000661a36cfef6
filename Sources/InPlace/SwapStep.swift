/// One step of the flight plan: the API call it makes, on which resource, with which parameters
/// (Query-protocol names and values, exactly as sent), and whether it is done, ready or waiting.
/// The same value is printed by the dry run, executed, and turned into `bootstrap iam-policy`.
public struct SwapStep: Sendable, Equatable {
    public enum Phase: String, Sendable, Equatable {
        case mark, copy, promote, match, renameOld = "rename-old", renameNew = "rename-new", restart, delete, unmark
    }

    public enum State: Sendable, Equatable {
        case done
        case ready
        case waiting(String)
    }

    public var phase: Phase
    /// `rds`, `lambda` or `ecs`.
    public var service: String
    public var call: String
    public var resource: String
    public var parameters: [Parameter]
    public var state: State
    /// What IAM must allow: (action, resource ARN) pairs.
    public var permissions: [Permission]

    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public struct Permission: Sendable, Equatable, Hashable {
        public var action: String
        public var resource: String

        public init(_ action: String, _ resource: String) {
            self.action = action
            self.resource = resource
        }
    }

    /// One line of the flight plan.
    public var line: String {
        let mark = switch state {
        case .done: "[done]   "
        case .ready: "[ready]  "
        case .waiting: "[waiting]"
        }
        let shown = parameters.filter { $0.name != "DBInstanceIdentifier" && $0.name != "DBClusterIdentifier" || $0.value != resource }
            .map { "\($0.name)=\($0.value)" }.joined(separator: " ")
        return "\(mark) \(phase.rawValue): \(service):\(call) \(resource)" + (shown.isEmpty ? "" : " " + shown)
    }
}
