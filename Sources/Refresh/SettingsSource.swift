import FoundationEssentials
import Basics
import LambdaRuntime

/// Where a setting's value comes from, strongest first: the event's `config` object, the
/// environment, then `config.json` beside the binary.
public struct SettingsSource: Sendable {
    let layers: [(name: String, values: [String: String])]

    public init(event: [String: String] = [:], environment: [String: String], file: [String: String] = [:]) {
        layers = [("the event's config", event), ("the environment", environment), ("config.json", file)]
    }

    /// The process's environment and config.json (read once, at init).
    public static func process() throws -> SettingsSource {
        var environment: [String: String] = [:]
        for name in Settings.names {
            if let value = FunctionEnvironment.variable(name) { environment[name] = value }
        }
        return SettingsSource(environment: environment, file: try ConfigFile.load())
    }

    public func overlaid(with event: [String: String]) -> SettingsSource {
        SettingsSource(event: event, environment: layers[1].values, file: layers[2].values)
    }

    /// The value and the layer it came from; empty strings count as unset.
    func value(_ name: String) -> (value: String, from: String)? {
        for layer in layers {
            if let value = layer.values[name], !value.isEmpty { return (value, layer.name) }
        }
        return nil
    }
}

/// `config.json`: a flat object of setting names to strings, in `$LAMBDA_TASK_ROOT` (or beside
/// the binary when run as a tool). Absent is fine; unreadable or malformed fails init.
enum ConfigFile {
    static func load() throws -> [String: String] {
        let directory = FunctionEnvironment.variable("LAMBDA_TASK_ROOT") ?? executableDirectory() ?? "."
        let path = directory + "/config.json"
        let data: Data
        do {
            data = Data(try FileContents.read(path))
        } catch {
            if error.isMissing { return [:] }
            throw RefreshError.invalidConfiguration("\(path) exists but cannot be read: \(error.reason)", atInit: true)
        }
        let values: [String: String]
        do {
            values = try JSONDecoder().decode([String: String].self, from: data)
        } catch {
            throw RefreshError.invalidConfiguration("\(path) must be a JSON object of setting names to strings, e.g. {\"PARAMETER_PREFIX\": \"/staging-refresh\"}", atInit: true)
        }
        // As in an event's config: a misspelt name would otherwise be ignored without a word.
        if let unknown = values.keys.sorted().first(where: { !Settings.names.contains($0) }) {
            throw RefreshError.invalidConfiguration("\(path) has an unknown setting \(QuotedInput.quote(unknown)); the settings are \(Settings.names.joined(separator: ", "))", atInit: true)
        }
        return values
    }

    /// The directory holding the running binary; nil where /proc/self/exe cannot be read.
    static func executableDirectory() -> String? {
        guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        return String(path.prefix(upTo: path.lastIndex(of: "/") ?? path.endIndex))
    }
}
