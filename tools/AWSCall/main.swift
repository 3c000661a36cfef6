import AWSClient
import FoundationEssentials

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
        switch try cfn.updateStack(name: a.name ?? "", template: a.template.map { .body($0) } ?? .previous, parameters: cfnParameters()) {
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
    } else {
        let result = try run(arguments[1], parsed, session)
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
    }
} catch {
    // {"code", "message"} on stderr: the typed AWS error, or what went wrong before any call.
    let aws = error as? AWSError
    let report = ["code": aws?.code ?? (aws == nil ? String(describing: type(of: error)) : ""), "message": String(describing: error)]
    let line = Array(try! JSONEncoder().encode(report)) + [0x0A]
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
}
