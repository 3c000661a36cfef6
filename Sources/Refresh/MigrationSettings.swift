import AWSClient
import Glibc
import LambdaRuntime
import Migrations

/// schema-migration's settings: the environment, overridden by the custom resource's properties
/// (and by `bootstrap migrate`'s flags, which are properties by another name).
public struct MigrationSettings: Sendable, Equatable {
    public var clusterARN: String
    public var secretARN: String
    public var database: String
    public var dialect: SQLDialect
    public var directory: String
    /// The history table; nil for the runner's own default.
    public var table: String?
    public var marginMilliseconds: Int64
    public var naming: MigrationNaming
    public var baseline: MigrationVersion?
    public var placeholders: Placeholders

    /// One setting: its environment name, its ResourceProperties name, what it means.
    public struct Setting: Sendable {
        public let env: String
        public let property: String
        public let meaning: String

        /// The custom resource's property when set, else the environment's variable; empty is unset.
        func value(environment: [String: String], properties: [String: String]) -> String? {
            if let text = properties[property], !text.isEmpty { return text }
            if let text = environment[env], !text.isEmpty { return text }
            return nil
        }
    }

    static let clusterSetting = Setting(env: "DB_CLUSTER_ARN", property: "ClusterArn", meaning: "Data API resource ARN, e.g. arn:aws:rds:us-east-1:111122223333:cluster:staging-db")
    static let secretSetting = Setting(env: "DB_SECRET_ARN", property: "SecretArn", meaning: "Secrets Manager secret of the DB user, e.g. arn:aws:secretsmanager:us-east-1:111122223333:secret:staging-db-AbCdEf")
    static let databaseSetting = Setting(env: "DB_NAME", property: "Database", meaning: "database name, e.g. app")
    static let engineSetting = Setting(env: "DB_ENGINE", property: "Engine", meaning: "postgres or mysql")
    static let directorySetting = Setting(env: "MIGRATIONS_DIR", property: "MigrationsDir", meaning: "folder of the migration files (default /opt/migrations, then /opt)")
    static let tableSetting = Setting(env: "MIGRATIONS_TABLE", property: "MigrationsTable", meaning: "history table (default staging_refresh_schema_history; a database migrated under the former default schema_migrations keeps it)")
    static let marginSetting = Setting(env: "MIGRATION_DEADLINE_MARGIN_SECONDS", property: "DeadlineMarginSeconds", meaning: "stop and answer this long before the deadline (default 10)")
    static let namingSetting = Setting(env: "MIGRATION_NAMING", property: "MigrationNaming", meaning: "flyway (V<version>__<description>.sql and R__<description>.sql, the default) or plain (every .sql file once, in name order)")
    static let baselineSetting = Setting(env: "MIGRATIONS_BASELINE_VERSION", property: "BaselineVersion", meaning: "on a database without history, versions up to this one count as applied without running, e.g. 5")
    /// Placeholders come as one property holding an object, or one variable per name.
    public static let placeholderPrefix = "MIGRATIONS_PLACEHOLDER_"
    static let placeholdersSetting = Setting(env: placeholderPrefix + "<name>", property: "Placeholders", meaning: "values of ${name} in the SQL (property: an object of name: value)")

    /// README and --help list these.
    public static let documentation: [Setting] = [clusterSetting, secretSetting, databaseSetting, engineSetting, directorySetting, tableSetting,
                                                  marginSetting, namingSetting, baselineSetting, placeholdersSetting]

    /// The process's values of the settings above (what `init(environment:)` reads).
    public static func processEnvironment() -> [String: String] {
        let names = Set(documentation.map(\.env))
        return Environment.process().values.filter { names.contains($0.key) || $0.key.hasPrefix(placeholderPrefix) }
    }

    public init(environment: [String: String], properties: [String: String] = [:], placeholders: [String: String] = [:]) throws(RefreshError) {
        func value(_ setting: Setting) -> String? { setting.value(environment: environment, properties: properties) }
        let target = try DatabaseTarget(value)
        clusterARN = target.clusterARN
        secretARN = target.secretARN
        database = target.database
        dialect = target.dialect
        directory = value(Self.directorySetting) ?? Self.defaultDirectory()
        table = value(Self.tableSetting)
        let margin = value(Self.marginSetting) ?? "10"
        guard let seconds = Int64(margin), seconds >= 0, seconds < 900 else {
            throw RefreshError.invalidConfiguration( "MIGRATION_DEADLINE_MARGIN_SECONDS is '\(margin)'; use whole seconds, e.g. 10")
        }
        marginMilliseconds = seconds * 1_000
        let namingText = value(Self.namingSetting) ?? MigrationNaming.flyway.rawValue
        guard let naming = MigrationNaming(rawValue: namingText.lowercased()) else {
            throw RefreshError.invalidConfiguration( "MIGRATION_NAMING (MigrationNaming) is \(QuotedInput.quote(namingText)); use flyway or plain")
        }
        self.naming = naming
        if let text = value(Self.baselineSetting) {
            guard let version = MigrationVersion(Substring(text.hasPrefix("V") ? String(text.dropFirst()) : text)) else {
                throw RefreshError.invalidConfiguration( "MIGRATIONS_BASELINE_VERSION (BaselineVersion) is \(QuotedInput.quote(text)); use a version such as 5 or 1.2")
            }
            guard naming == .flyway else {
                throw RefreshError.invalidConfiguration( "MIGRATIONS_BASELINE_VERSION (BaselineVersion) needs versioned files; plain naming has no versions")
            }
            baseline = version
        } else {
            baseline = nil
        }
        var values: [String: String] = [:]
        for (name, value) in environment where name.hasPrefix(Self.placeholderPrefix) {
            values[String(name.dropFirst(Self.placeholderPrefix.count))] = value
        }
        values.merge(placeholders) { $1 }
        do {
            self.placeholders = try Placeholders(values)
        } catch {
            throw RefreshError.invalidConfiguration( "Placeholders: \(error)")
        }
    }

    /// A layer's files land in /opt; a layer zip with a migrations/ folder puts them in /opt/migrations.
    static func defaultDirectory() -> String {
        var status = stat()
        return stat("/opt/migrations", &status) == 0 ? "/opt/migrations" : "/opt"
    }
}
