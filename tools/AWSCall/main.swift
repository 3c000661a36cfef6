import AWSClient
import FoundationEssentials
import Migrations
import Refresh

#if canImport(Glibc)
import Glibc
#endif

/// Runs one AWSClient operation with JSON arguments and prints the typed result as JSON: how the
/// integration tests call every client operation against moto and read the effect back with boto3.
///   aws-call OPERATION ['{"name": …}'] [--repeat N]
/// With --repeat, the operation runs N times in this warm process and the timings are printed
/// instead (for `make bench`).
struct Arguments: Decodable {
    var name: String?
    var value: String?
    var overwrite: Bool?
    var tags: [String: String]?
    var id: String?
    var token: String?
    var variables: [String: String]?
    var instance: String?
    var cluster: String?
    var type: String?
    var includeShared: Bool?
    var pageSize: Int?
    var marker: String?
    var template: String?
    var parameters: [String: String]?
    var resourceArn: String?
    var secretArn: String?
    var database: String?
    var sql: String?
    var transactionId: String?
    var directory: String?
    var engine: String?
    var table: String?
}

/// `migrations.run`: the migration runner over our Data API client, so tests can hold the runner
/// to real databases before the schema-migration handler wraps it.
func runMigrations(_ a: Arguments, _ session: AWSSession) throws -> any Encodable {
    struct Output: Encodable {
        let applied: [String]
        let alreadyApplied: Int
        let currentVersion: String?
        let warnings: [String]
    }
    let deadline = Deadline.after(milliseconds: 600_000)
    let data = RDSData(session: session, deadline: deadline, resourceARN: a.resourceArn ?? "", secretARN: a.secretArn ?? "", database: a.database)
    let set = try MigrationSet(directory: a.directory ?? ".")
    let dialect = SQLDialect(rawValue: a.engine ?? "postgres") ?? .postgres
    let runner = try MigrationRunner(executor: DataAPIExecutor(data: data, deadline: deadline), dialect: dialect,
                                     table: a.table ?? "schema_migrations",
                                     clock: { -deadline.remainingMilliseconds })  // rises by 1 each millisecond
    let summary = try runner.run(set)
    return Output(applied: summary.applied, alreadyApplied: summary.alreadyApplied, currentVersion: summary.currentVersion,
                  warnings: summary.warnings)
}

struct Page<Item: Encodable>: Encodable {
    let items: [Item]
    let marker: String?
}

struct SecretSummary: Encodable {
    let ARN: String
    let Name: String
    let hasSecretString: Bool
}

func run(_ operation: String, _ a: Arguments, _ session: AWSSession) throws(AWSError) -> any Encodable {
    let deadline = Deadline.after(milliseconds: 60_000)
    let ssm = SSM(session: session, deadline: deadline)
    let rds = RDS(session: session, deadline: deadline)
    let cfn = CloudFormation(session: session, deadline: deadline)
    let pipeline = CodePipeline(session: session, deadline: deadline)
    func data() -> RDSData {
        RDSData(session: session, deadline: deadline, resourceARN: a.resourceArn ?? "", secretARN: a.secretArn ?? "", database: a.database)
    }
    func cfnParameters() -> [CloudFormation.Parameter] {
        (a.parameters ?? [:]).sorted { $0.key < $1.key }.map { CloudFormation.Parameter(key: $0.key, value: $0.value) }
    }
    switch operation {
    case "sts.get-caller-identity": return try STS(session: session, deadline: deadline).getCallerIdentity()
    case "ssm.get-parameter": return try ssm.getParameter(name: a.name ?? "")
    case "ssm.put-parameter":
        return try ssm.putParameter(name: a.name ?? "", value: a.value ?? "", overwrite: a.overwrite ?? false,
                                    tags: (a.tags ?? [:]).sorted { $0.key < $1.key }.map { SSM.Tag(key: $0.key, value: $0.value) })
    case "secretsmanager.get-secret-value":
        let secret = try SecretsManager(session: session, deadline: deadline).getSecretValue(id: a.id ?? "")
        return SecretSummary(ARN: secret.ARN, Name: secret.Name, hasSecretString: secret.SecretString != nil)
    case "codepipeline.start-pipeline-execution":
        return try pipeline.startPipelineExecution(name: a.name ?? "", clientRequestToken: a.token,
                                                   variables: (a.variables ?? [:]).sorted { $0.key < $1.key }.map { .init(name: $0.key, value: $0.value) })
    case "codepipeline.get-pipeline-execution": return try pipeline.getPipelineExecution(pipelineName: a.name ?? "", executionID: a.id ?? "")
    case "rds.describe-db-snapshots":
        return try rds.describeDBSnapshots(instanceIdentifier: a.instance, snapshotType: a.type, includeShared: a.includeShared, pageSize: a.pageSize ?? 100)
    case "rds.describe-db-snapshots-page":
        let page = try rds.describeDBSnapshotsPage(instanceIdentifier: a.instance, snapshotType: a.type, maxRecords: a.pageSize, marker: a.marker)
        return Page(items: page.items, marker: page.marker)
    case "rds.describe-db-cluster-snapshots":
        return try rds.describeDBClusterSnapshots(clusterIdentifier: a.cluster, snapshotType: a.type, includeShared: a.includeShared, pageSize: a.pageSize ?? 100)
    case "rds.describe-db-instances": return try rds.describeDBInstances(identifier: a.id, pageSize: a.pageSize ?? 100)
    case "rds.describe-db-clusters": return try rds.describeDBClusters(identifier: a.id, pageSize: a.pageSize ?? 100)
    case "cloudformation.describe-stack": return try cfn.describeStack(name: a.name ?? "")
    case "cloudformation.create-stack": return try cfn.createStack(name: a.name ?? "", templateBody: a.template ?? "", parameters: cfnParameters())
    case "cloudformation.update-stack":
        switch try cfn.updateStack(name: a.name ?? "", templateBody: a.template ?? "", parameters: cfnParameters()) {
        case .started(let id): return ["started": id]
        case .noChanges: return ["noChanges": true]
        }
    case "cloudformation.delete-stack":
        try cfn.deleteStack(name: a.name ?? "")
        return ["deleted": a.name ?? ""]
    case "rds-data.execute-statement": return try data().executeStatement(a.sql ?? "", transactionID: a.transactionId, includeResultMetadata: true)
    case "rds-data.begin-transaction": return try data().beginTransaction()
    case "rds-data.commit-transaction": return try data().commitTransaction(a.transactionId ?? "")
    case "rds-data.rollback-transaction": return try data().rollbackTransaction(a.transactionId ?? "")
    default: throw .configuration("unknown operation '\(operation)'")
    }
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: aws-call OPERATION ['{json arguments}']")
    exit(2)
}
do {
    let parsed = try JSONDecoder().decode(Arguments.self, from: Data((arguments.count > 2 ? arguments[2] : "{}").utf8))
    let session = try AWSSession()
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    if let flag = arguments.firstIndex(of: "--repeat"), flag + 1 < arguments.count, let count = Int(arguments[flag + 1]) {
        var microseconds: [Double] = []
        for _ in 0..<count {
            var start = timespec(), end = timespec()
            clock_gettime(CLOCK_MONOTONIC, &start)
            _ = try run(arguments[1], parsed, session)
            clock_gettime(CLOCK_MONOTONIC, &end)
            microseconds.append(Double(end.tv_sec - start.tv_sec) * 1e6 + Double(end.tv_nsec - start.tv_nsec) / 1e3)
        }
        // The first call loads libcurl and opens the connection: report it apart.
        let warm = microseconds.dropFirst().sorted()
        print(#"{"firstMicroseconds": \#(microseconds[0]), "medianMicroseconds": \#(warm[warm.count / 2]), "p90Microseconds": \#(warm[warm.count * 9 / 10])}"#)
    } else if arguments[1] == "migrations.run" {
        print(String(decoding: try encoder.encode(runMigrations(parsed, session)), as: UTF8.self))
    } else {
        let result = try run(arguments[1], parsed, session)
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
    }
} catch let error as AWSError {
    let report = ["code": error.code ?? "", "message": error.description]
    let line = Array(try! JSONEncoder().encode(report)) + [0x0A]
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
} catch {
    let report = ["code": String(describing: type(of: error)), "message": String(describing: error)]
    let line = Array(try! JSONEncoder().encode(report)) + [0x0A]
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
}
