import AWSClient
import Basics
import FoundationEssentials
import LambdaRuntime
import Migrations
import Sanitization

/// `sanitize`: masks the staging database after masking.json before anyone can connect to it, and
/// opens it afterwards. Two custom resources share it:
/// - Custom::Sanitize masks, chunk by chunk, verifying each chunk; when the invocation's deadline
///   nears it hands on to a new asynchronous invocation of itself, which answers when done.
/// - Custom::StagingAccess (after migrations) puts the app's security groups on the cluster, which
///   until then has only a group without ingress.
/// Invoked directly: {"action": "sanitize"} masks and returns the report, {"action": "plan"} checks
/// the spec against the database and writes nothing.
public struct SanitizeHandler: Handler {
    let environment: [String: String]
    let session: AWSSession
    let responder: CustomResourceResponder

    public init(environment: [String: String], session: AWSSession, responder: CustomResourceResponder) {
        self.environment = environment
        self.session = session
        self.responder = responder
    }

    public static func make() throws -> SanitizeHandler {
        let session = try AWSSession()
        return SanitizeHandler(environment: SanitizeSettings.processEnvironment(), session: session, responder: CustomResourceResponder(session: session))
    }

    /// Added to the event a run hands on: when the custom resource's wait began, and how many runs came before.
    struct Continuation: Codable, Sendable {
        /// When the first invocation began: CloudFormation has been waiting since about then.
        let startedAt: Int64
        let invocation: Int
        /// How long an invocation of this function may run (the first one's start to its deadline).
        let invocationMilliseconds: Int64?
    }

    static let continuationKey = "StagingRefreshContinuation"
    static let accessType = "Custom::StagingAccess"

    public func handle(_ event: [UInt8], context: Context) throws -> [UInt8] {
        let began = Clock.epochMilliseconds()
        switch try CustomResourceEvent.read(event) {
        case .request(let request):
            if request.ResourceType == Self.accessType { return try openAccess(request, context: context) }
            struct Wrapper: Decodable { let StagingRefreshContinuation: Continuation? }
            let continuation = (try? JSONDecoder().decode(Wrapper.self, from: Data(event)))?.StagingRefreshContinuation
            return try answer(request, event: event, continuation: continuation, began: began, context: context)
        case .unreadable(let envelope, let reason):
            return try responder.refuse(envelope, because: reason, handler: "sanitize", context: context)
        case .direct:
            break
        }
        struct Direct: Decodable { let action: String }
        guard let direct = try? JSONDecoder().decode(Direct.self, from: Data(event)) else {
            throw FunctionError.invalidEvent("expected a CloudFormation custom-resource event, {\"action\": \"sanitize\"} or {\"action\": \"plan\"}")
        }
        let settings = try SanitizeSettings(environment: environment)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        switch direct.action {
        case "sanitize":
            // Run to the end or to the deadline; a direct run continues where it stopped when invoked again.
            return Array(try encoder.encode(try sanitize(settings, context: context)))
        case "plan":
            return Array(try encoder.encode(MaskingPlanView(try sanitizer(settings, context: context).plan(try Self.spec(settings)))))
        default:
            throw FunctionError.invalidEvent("unknown action \(QuotedInput.quote(direct.action)); the actions are sanitize and plan")
        }
    }

    private func answer(_ request: CustomResourceRequest, event: [UInt8], continuation: Continuation?, began: Int64, context: Context) throws -> [UInt8] {
        let properties = (request.ResourceProperties ?? [:]).mapValues(\.text)
        let settings = Result { () throws(RefreshError) in try SanitizeSettings(environment: environment, properties: properties) }
        let physicalID = request.PhysicalResourceId
            ?? (try? settings.get()).map { "sanitize:\($0.target.clusterARN)/\($0.target.database)" }
            ?? "sanitize:\(request.LogicalResourceId)"
        var status = CustomResourceResponse.Status.SUCCESS
        var reason: String
        var data: [String: String]?
        if request.RequestType == .Delete {
            reason = "nothing to undo: a masked database stays masked"
            data = ["Response": reason]
        } else if continuation == nil, StackRollback.inProgress(request, session: session, context: context) {
            reason = "the stack is rolling back an update: the database it returns to was masked when it was made"
            data = ["Response": reason, "Rows": "0", "Tables": "0"]
        } else {
            do {
                let settings = try settings.get()
                let report = try sanitize(settings, context: context)
                if !report.finished {
                    let next = Continuation(startedAt: continuation?.startedAt ?? began, invocation: (continuation?.invocation ?? 0) + 1,
                                            invocationMilliseconds: continuation?.invocationMilliseconds ?? (context.deadlineMilliseconds - began))
                    try handOn(event, continuation: next, settings: settings, report: report, context: context)
                    return Array(try JSONEncoder().encode(report))
                }
                reason = report.message
                data = Self.data(report)
            } catch {
                status = .FAILED
                reason = (error as? InvocationError)?.errorMessage ?? String(describing: error)
            }
        }
        context.logger.info("sanitize \(request.RequestType.rawValue): \(status.rawValue)", ["reason": .string(reason)])
        return try responder.answer(CustomResourceResponse(Status: status, Reason: reason, PhysicalResourceId: physicalID, StackId: request.StackId,
                                                           RequestId: request.RequestId, LogicalResourceId: request.LogicalResourceId, Data: data),
                                    to: request.ResponseURL, context: context)
    }

    /// Queues the same event, marked as a continuation, for a new invocation of this function. A
    /// run that would end after CloudFormation stops waiting is refused here instead (FAILED), so
    /// the stack never waits for an answer that cannot come.
    private func handOn(_ event: [UInt8], continuation: Continuation, settings: SanitizeSettings, report: SanitizeReport, context: Context) throws {
        let now = Clock.epochMilliseconds()
        // The next invocation may run as long as this function's timeout, and must answer before CloudFormation stops waiting.
        let invocationLength = continuation.invocationMilliseconds ?? 900_000
        let waitEnds = continuation.startedAt + settings.serviceTimeoutSeconds * 1_000
        guard now + invocationLength + 5_000 < waitEnds else {
            throw SanitizeHandoffError.outOfTime(serviceTimeout: settings.serviceTimeoutSeconds, report: report)
        }
        var object = try JSONDecoder().decode([String: JSONValue].self, from: Data(event))
        object[Self.continuationKey] = .object(["startedAt": .integer(continuation.startedAt), "invocation": .integer(Int64(continuation.invocation)),
                                                "invocationMilliseconds": .integer(continuation.invocationMilliseconds ?? 900_000)])
        let payload = Array(try JSONEncoder().encode(object))
        try Lambda(session: session, deadline: Deadline(epochMilliseconds: context.deadlineMilliseconds - 2_000))
            // By name, which is $LATEST: the same code and configuration that CloudFormation's ServiceToken names.
            .invokeAsync(function: context.function.name.isEmpty ? context.invokedFunctionARN : context.function.name, payload: payload)
        context.logger.info("sanitize: handed on to invocation \(continuation.invocation + 1)", ["progress": .string(report.message)])
    }

    /// The masking run itself: spec, key, plan, chunks until done or until the margin before the deadline.
    private func sanitize(_ settings: SanitizeSettings, context: Context) throws -> SanitizeReport {
        try sanitizer(settings, context: context).run(try Self.spec(settings))
    }

    private func sanitizer(_ settings: SanitizeSettings, context: Context) throws -> Sanitizer {
        let end = context.deadlineMilliseconds
        let secret = try SecretsManager(session: session, deadline: Deadline(epochMilliseconds: end - settings.marginMilliseconds / 2))
            .getSecretValue(id: settings.keySecretARN)
        guard let text = secret.SecretString else {
            throw RefreshError.invalidConfiguration("the masking key secret \(settings.keySecretARN) holds no SecretString; store the key as text")
        }
        let key = try MaskingKey(secret: Array(text.utf8))
        let data = RDSData(session: session, deadline: Deadline(epochMilliseconds: end - settings.marginMilliseconds / 2),
                           resourceARN: settings.target.clusterARN, secretARN: settings.target.secretARN, database: settings.target.database)
        let cleanup = RDSData(session: session, deadline: Deadline(epochMilliseconds: end - settings.marginMilliseconds / 4),
                              resourceARN: settings.target.clusterARN, secretARN: settings.target.secretARN, database: settings.target.database)
        let logger = context.logger
        return Sanitizer(executor: DataAPIExecutor(data: data, cleanup: cleanup), dialect: settings.target.dialect, key: key,
                         mayContinue: { next in end - Clock.epochMilliseconds() - next > settings.marginMilliseconds },
                         clock: { Clock.epochMilliseconds() }, log: { logger.info("sanitize: \($0)") })
    }

    static func spec(_ settings: SanitizeSettings) throws -> MaskingSpec {
        let bytes: [UInt8]
        do {
            bytes = try FileContents.read(settings.specPath)
        } catch {
            throw RefreshError.invalidConfiguration("no masking spec at \(settings.specPath) (\(error.reason)): put masking.json in the migrations layer, or set MASKING_SPEC")
        }
        return try MaskingSpec(json: bytes)
    }

    /// The answer's Data: totals, the summary, and a line per table while they fit in CloudFormation's 4 KB.
    static func data(_ report: SanitizeReport) -> [String: String] {
        var data = ["Response": report.message, "Tables": String(report.tables.count), "Rows": String(report.maskedRows)]
        var size = data.reduce(0) { $0 + $1.key.count + $1.value.count + 8 }
        for table in report.tables {
            let line = SanitizeReport.line(table)
            size += table.table.count + line.count + 16
            guard size < 3_000 else { break }
            data["Table.\(table.table)"] = line
        }
        return data
    }

    /// Custom::StagingAccess: the app's security groups replace the closed one once masking (and
    /// migrations) succeeded. Answers when RDS reports every group active.
    private func openAccess(_ request: CustomResourceRequest, context: Context) throws -> [UInt8] {
        let properties = request.ResourceProperties ?? [:]
        let clusterARN = properties["ClusterArn"]?.text ?? ""
        let groups = (properties["SecurityGroupIds"]?.list ?? []).filter { !$0.isEmpty }
        let physicalID = request.PhysicalResourceId ?? "staging-access:\(clusterARN)"
        var status = CustomResourceResponse.Status.SUCCESS
        var reason: String
        if request.RequestType == .Delete {
            reason = "nothing to undo: the cluster keeps its groups until it is deleted"
        } else if clusterARN.isEmpty || groups.isEmpty {
            status = .FAILED
            reason = "Custom::StagingAccess needs ClusterArn and SecurityGroupIds (a list of sg- ids); nothing was changed"
        } else {
            do {
                let identifier = clusterARN.split(separator: ":").last.map(String.init) ?? clusterARN
                let rds = RDS(session: session, deadline: Deadline(epochMilliseconds: context.deadlineMilliseconds - 5_000))
                var memberships = try rds.setSecurityGroups(cluster: identifier, groups: groups)
                while !Self.opened(memberships, groups) {
                    guard context.deadlineMilliseconds - Clock.epochMilliseconds() > 20_000 else {
                        throw RefreshError.invalidConfiguration("the security groups of \(identifier) are still \(memberships.map { "\($0.id) \($0.status)" }.joined(separator: ", ")); run the update again")
                    }
                    Retry.sleep(5_000)
                    memberships = try rds.describeDBClusters(identifier: identifier).first?.securityGroups ?? []
                }
                reason = "opened \(identifier) to \(groups.joined(separator: ", "))"
            } catch {
                status = .FAILED
                reason = (error as? InvocationError)?.errorMessage ?? String(describing: error)
            }
        }
        context.logger.info("staging-access \(request.RequestType.rawValue): \(status.rawValue)", ["reason": .string(reason)])
        return try responder.answer(CustomResourceResponse(Status: status, Reason: reason, PhysicalResourceId: physicalID, StackId: request.StackId,
                                                           RequestId: request.RequestId, LogicalResourceId: request.LogicalResourceId,
                                                           Data: ["Response": reason]),
                                    to: request.ResponseURL, context: context)
    }

    static func opened(_ memberships: [RDS.SecurityGroupMembership], _ groups: [String]) -> Bool {
        Set(memberships.map(\.id)) == Set(groups) && memberships.allSatisfy { $0.status == "active" }
    }

}

/// The run needs longer than CloudFormation waits.
struct SanitizeHandoffError: Error, InvocationError {
    let message: String
    var errorType: String { "Function.SanitizeTimeout" }
    var errorMessage: String { message }

    static func outOfTime(serviceTimeout: Int64, report: SanitizeReport) -> SanitizeHandoffError {
        SanitizeHandoffError(message: "masking did not finish within the custom resource's ServiceTimeout (\(serviceTimeout) s; "
                             + "CloudFormation waits 3600 s at most): \(report.message.replacing("; continuing", with: "")). "
                             + "Raise ServiceTimeout, or mask fewer or smaller columns; the database stays closed")
    }
}

/// What {"action": "plan"} shows.
struct MaskingPlanView: Encodable {
    struct Table: Encodable {
        let table: String
        let key: String
        let columns: [String: String]
    }

    let tables: [Table]
    let foreignKeysChecked: [String]
    let kept: [String]

    init(_ plan: MaskingPlan) {
        tables = plan.tables.map { table in
            Table(table: table.table, key: table.key.name,
                  columns: Dictionary(uniqueKeysWithValues: table.columns.map { ($0.column.name, $0.strategy.description) }))
        }
        foreignKeysChecked = plan.foreignKeys.map(\.name)
        kept = plan.kept
    }
}

extension SanitizeError: InvocationError {
    public var errorType: String {
        switch self {
        case .spec, .plan, .unlisted: "Function.InvalidMaskingSpec"
        case .verificationFailed, .rowCountChanged, .foreignKeyBroken: "Function.MaskingVerificationFailed"
        case .database: "Function.MaskingFailed"
        }
    }

    public var errorMessage: String { description }
}
