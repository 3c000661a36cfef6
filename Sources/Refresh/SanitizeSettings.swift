import AWSClient
import LambdaRuntime

/// sanitize's settings: the environment, overridden by the custom resource's properties.
public struct SanitizeSettings: Sendable, Equatable {
    public var target: DatabaseTarget
    public var specPath: String
    public var keySecretARN: String
    public var marginMilliseconds: Int64
    /// CloudFormation's wait for the answer (the custom resource's ServiceTimeout, 3600 s at most):
    /// continuations stop before it ends and answer FAILED rather than leave the stack waiting.
    public var serviceTimeoutSeconds: Int64

    static let specSetting = MigrationSettings.Setting(env: "MASKING_SPEC", property: "MaskingSpec",
                                                       meaning: "the masking spec (default masking.json in the migrations folder, /opt/migrations)")
    static let keySetting = MigrationSettings.Setting(env: "MASKING_KEY_SECRET_ARN", property: "MaskingKeySecretArn",
                                                      meaning: "Secrets Manager secret whose value keys the pseudonyms (16 bytes or more; the template generates one per stack)")
    static let marginSetting = MigrationSettings.Setting(env: "SANITIZE_DEADLINE_MARGIN_SECONDS", property: "DeadlineMarginSeconds",
                                                         meaning: "hand on to a new invocation this long before the deadline (default 30)")
    static let timeoutSetting = MigrationSettings.Setting(env: "SANITIZE_SERVICE_TIMEOUT_SECONDS", property: "ServiceTimeout",
                                                          meaning: "how long CloudFormation waits for the answer (default 3600, its maximum)")

    public static let documentation: [MigrationSettings.Setting] = [
        MigrationSettings.clusterSetting, MigrationSettings.secretSetting, MigrationSettings.databaseSetting, MigrationSettings.engineSetting,
        specSetting, keySetting, marginSetting, timeoutSetting,
    ]

    public static func processEnvironment() -> [String: String] {
        let names = Set(documentation.map(\.env) + [MigrationSettings.directorySetting.env])
        return Environment.process().values.filter { names.contains($0.key) }
    }

    public init(environment: [String: String], properties: [String: String] = [:]) throws(RefreshError) {
        func value(_ setting: MigrationSettings.Setting) -> String? { setting.value(environment: environment, properties: properties) }
        target = try DatabaseTarget(value)
        let directory = value(MigrationSettings.directorySetting) ?? MigrationSettings.defaultDirectory()
        specPath = value(Self.specSetting).map { $0.hasPrefix("/") ? $0 : "\(directory)/\($0)" } ?? "\(directory)/masking.json"
        guard let key = value(Self.keySetting) else {
            throw RefreshError.invalidConfiguration("\(Self.keySetting.env) (or the custom resource's \(Self.keySetting.property)) is not set: the \(Self.keySetting.meaning)")
        }
        keySecretARN = key
        let margin = value(Self.marginSetting) ?? "30"
        guard let seconds = Int64(margin), (5..<900).contains(seconds) else {
            throw RefreshError.invalidConfiguration("\(Self.marginSetting.env) is \(QuotedInput.quote(margin)); use whole seconds from 5 to 899, e.g. 30")
        }
        marginMilliseconds = seconds * 1_000
        let timeout = value(Self.timeoutSetting) ?? "3600"
        guard let timeoutSeconds = Int64(timeout), (60...3600).contains(timeoutSeconds) else {
            throw RefreshError.invalidConfiguration("ServiceTimeout is \(QuotedInput.quote(timeout)); CloudFormation takes 1 to 3600 seconds, and sanitizing needs 60 or more")
        }
        serviceTimeoutSeconds = timeoutSeconds
    }
}
