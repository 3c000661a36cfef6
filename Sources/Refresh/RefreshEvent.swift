import LambdaRuntime

/// What the scheduled handlers accept: an EventBridge scheduled event as it comes, or an object
/// with `config`, `dryRun` and, for restore-from-snapshot, `snapshot` and `force`. Anything else is
/// `Function.InvalidEvent`, before any AWS call.
public struct RefreshEvent: Decodable, Sendable, Equatable {
    public var config: [String: String] = [:]
    public var dryRun = false
    public var snapshot: String?
    /// Clone mode: restore the source as of this time instead of cloning its latest (a full copy).
    public var restoreTime: String?
    public var force = false

    static let ownKeys = ["config", "dryRun", "snapshot", "restoreTime", "force"]
    /// EventBridge's envelope: accepted and ignored.
    static let eventBridgeKeys: Set<String> = ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]

    public init() {}

    struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
            let name = key.stringValue
            switch name {
            case "config":
                do {
                    config = try container.decode([String: String].self, forKey: key)
                } catch {
                    throw FunctionError.invalidEvent("'config' must be an object of setting names to strings, e.g. {\"config\": {\"ENGINE\": \"aurora-postgresql\"}}")
                }
                if let unknown = config.keys.sorted().first(where: { !Settings.names.contains($0) }) {
                    throw FunctionError.invalidEvent("'config' has an unknown setting \(QuotedInput.quote(unknown)); the settings are \(Settings.names.joined(separator: ", "))")
                }
            case "dryRun": dryRun = try decodeBool(container, key)
            case "force": force = try decodeBool(container, key)
            case "snapshot":
                guard let value = try? container.decode(String.self, forKey: key), !value.isEmpty else {
                    throw FunctionError.invalidEvent("'snapshot' must be a snapshot identifier or ARN, e.g. {\"snapshot\": \"rds:prod-2026-11-01-02-00\"}")
                }
                snapshot = value
            case "restoreTime":
                guard let value = try? container.decode(String.self, forKey: key), !value.isEmpty else {
                    throw FunctionError.invalidEvent("'restoreTime' must be an ISO 8601 time, e.g. {\"restoreTime\": \"2026-12-01T04:00:00Z\"}")
                }
                restoreTime = value
            default:
                guard Self.eventBridgeKeys.contains(name) else {
                    throw FunctionError.invalidEvent("unknown key \(QuotedInput.quote(name)); an event may hold \(Self.ownKeys.joined(separator: ", ")), or be an EventBridge scheduled event")
                }
            }
        }
    }

    private func decodeBool(_ container: KeyedDecodingContainer<Key>, _ key: Key) throws -> Bool {
        guard let value = try? container.decode(Bool.self, forKey: key) else {
            throw FunctionError.invalidEvent("'\(key.stringValue)' must be true or false")
        }
        return value
    }
}
