import Glibc
import LambdaRuntime
import Migrations

/// schema-migration's settings: the environment, overridden by the custom resource's properties.
public struct MigrationSettings: Sendable, Equatable {
    public var clusterARN: String
    public var secretARN: String
    public var database: String
    public var dialect: SQLDialect
    public var directory: String
    /// The history table; nil for the runner's own default.
    public var table: String?
    public var marginMilliseconds: Int64

    /// (environment name, ResourceProperties name, meaning) — README and --help list these.
    public static let documentation: [(env: String, property: String, meaning: String)] = [
        ("DB_CLUSTER_ARN", "ClusterArn", "Data API resource ARN, e.g. arn:aws:rds:us-east-1:111122223333:cluster:staging-db"),
        ("DB_SECRET_ARN", "SecretArn", "Secrets Manager secret of the DB user, e.g. arn:aws:secretsmanager:us-east-1:111122223333:secret:staging-db-AbCdEf"),
        ("DB_NAME", "Database", "database name, e.g. app"),
        ("DB_ENGINE", "Engine", "postgres or mysql"),
        ("MIGRATIONS_DIR", "MigrationsDir", "folder of V<version>__<description>.sql files (default /opt/migrations, then /opt)"),
        ("MIGRATIONS_TABLE", "MigrationsTable", "history table (default staging_refresh_schema_history; a database migrated under the former default schema_migrations keeps it)"),
        ("MIGRATION_DEADLINE_MARGIN_SECONDS", "DeadlineMarginSeconds", "stop and answer this long before the deadline (default 10)"),
    ]

    public static var environmentNames: [String] { documentation.map(\.env) }

    /// The process's values of the names above (what `init(environment:)` reads).
    public static func processEnvironment() -> [String: String] {
        var environment: [String: String] = [:]
        for name in environmentNames {
            if let value = FunctionEnvironment.variable(name) { environment[name] = value }
        }
        return environment
    }

    public init(environment: [String: String], properties: [String: String] = [:]) throws(FunctionError) {
        func value(_ index: Int) -> String? {
            let entry = Self.documentation[index]
            if let text = properties[entry.property], !text.isEmpty { return text }
            if let text = environment[entry.env], !text.isEmpty { return text }
            return nil
        }
        func required(_ index: Int) throws(FunctionError) -> String {
            guard let text = value(index) else {
                let entry = Self.documentation[index]
                throw FunctionError(.function, "InvalidConfiguration", "\(entry.env) (or the custom resource's \(entry.property)) is not set: the \(entry.meaning)")
            }
            return text
        }
        clusterARN = try required(0)
        secretARN = try required(1)
        database = try required(2)
        let engine = try required(3)
        switch engine.lowercased() {
        case "postgres", "postgresql", "aurora-postgresql": dialect = .postgres
        case "mysql", "mariadb", "aurora-mysql": dialect = .mysql
        default:
            throw FunctionError(.function, "InvalidConfiguration", "DB_ENGINE (Engine) is '\(engine)'; use postgres or mysql")
        }
        directory = value(4) ?? Self.defaultDirectory()
        table = value(5)
        let margin = value(6) ?? "10"
        guard let seconds = Int64(margin), seconds >= 0, seconds < 900 else {
            throw FunctionError(.function, "InvalidConfiguration", "MIGRATION_DEADLINE_MARGIN_SECONDS is '\(margin)'; use whole seconds, e.g. 10")
        }
        marginMilliseconds = seconds * 1_000
    }

    /// A layer's files land in /opt; a layer zip with a migrations/ folder puts them in /opt/migrations.
    static func defaultDirectory() -> String {
        var status = stat()
        return stat("/opt/migrations", &status) == 0 ? "/opt/migrations" : "/opt"
    }
}
