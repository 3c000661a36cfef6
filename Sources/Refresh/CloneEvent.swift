import LambdaRuntime

/// What expire-clones accepts: a scheduled event (or `{}`) expires this base's clones past their
/// expiry, `{"dryRun": true}` only lists them; `{"action": …}` makes, lists or deletes one, so a
/// team can wire clones to chat or a portal. Anything else is `Function.InvalidEvent`.
public struct CloneEvent: Decodable, Sendable, Equatable {
    public enum Action: String, Sendable, Equatable {
        case expire = "expire-clones", create = "create-clone", list = "list-clones", delete = "delete-clone"
    }

    public var action = Action.expire
    public var dryRun = false
    public var name: String?
    public var ttl = "8h"
    public var instanceClass = "db.serverless"
    /// Who asked (a chat user, a portal's user), recorded as the clone's owner; default: the caller.
    public var owner: String?

    static let ownKeys = ["action", "dryRun", "name", "ttl", "class", "owner"]

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: RefreshEvent.Key.self)
        for key in container.allKeys {
            switch key.stringValue {
            case "action":
                let text = (try? container.decode(String.self, forKey: key)) ?? ""
                guard let action = Action(rawValue: text) else {
                    throw FunctionError.invalidEvent("'action' must be one of create-clone, list-clones, delete-clone, expire-clones")
                }
                self.action = action
            case "dryRun":
                guard let value = try? container.decode(Bool.self, forKey: key) else { throw FunctionError.invalidEvent("'dryRun' must be true or false") }
                dryRun = value
            case "name", "ttl", "class", "owner":
                guard let value = try? container.decode(String.self, forKey: key), !value.isEmpty else {
                    throw FunctionError.invalidEvent("'\(key.stringValue)' must be a non-empty string")
                }
                switch key.stringValue {
                case "name": name = value
                case "ttl": ttl = value
                case "class": instanceClass = value
                default: owner = value
                }
            default:
                guard RefreshEvent.eventBridgeKeys.contains(key.stringValue) else {
                    throw FunctionError.invalidEvent("unknown key \(QuotedInput.quote(key.stringValue)); an event may hold \(Self.ownKeys.joined(separator: ", ")), or be an EventBridge scheduled event")
                }
            }
        }
        if (action == .create || action == .delete) && name == nil {
            throw FunctionError.invalidEvent("\(action.rawValue) needs the clone's 'name', e.g. {\"action\": \"\(action.rawValue)\", \"name\": \"alice-bugfix\"}")
        }
    }
}
