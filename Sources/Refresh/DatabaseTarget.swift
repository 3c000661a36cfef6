import Migrations

/// The database a Data API handler works on (schema-migration, sanitize): the same four settings,
/// from the custom resource's properties or the environment.
public struct DatabaseTarget: Sendable, Equatable {
    public var clusterARN: String
    public var secretARN: String
    public var database: String
    public var dialect: SQLDialect

    init(_ value: (MigrationSettings.Setting) -> String?) throws(RefreshError) {
        func required(_ setting: MigrationSettings.Setting) throws(RefreshError) -> String {
            guard let text = value(setting) else {
                throw RefreshError.invalidConfiguration("\(setting.env) (or the custom resource's \(setting.property)) is not set: the \(setting.meaning)")
            }
            return text
        }
        clusterARN = try required(MigrationSettings.clusterSetting)
        secretARN = try required(MigrationSettings.secretSetting)
        database = try required(MigrationSettings.databaseSetting)
        let engine = try required(MigrationSettings.engineSetting)
        switch engine.lowercased() {
        case "postgres", "postgresql", "aurora-postgresql": dialect = .postgres
        case "mysql", "mariadb", "aurora-mysql": dialect = .mysql
        default:
            throw RefreshError.invalidConfiguration("DB_ENGINE (Engine) is '\(engine)'; use postgres or mysql")
        }
    }

    /// The cluster's identifier, the last part of its ARN.
    public var clusterIdentifier: String {
        clusterARN.split(separator: ":").last.map(String.init) ?? clusterARN
    }
}
