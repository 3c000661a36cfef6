import AWSClient
import FoundationEssentials
import LambdaRuntime
import Migrations

/// `schema-migration`: applies the migrations layer's SQL files through the RDS Data API. As a
/// CloudFormation custom resource it always answers on the ResponseURL, before the deadline, so
/// no stack is left waiting; invoked directly with `{"action": "migrate"}` it returns the summary.
public struct SchemaMigrationHandler: Handler {
    let environment: [String: String]
    let session: AWSSession
    let responder: CustomResourceResponder

    public init(environment: [String: String], session: AWSSession, responder: CustomResourceResponder) {
        self.environment = environment
        self.session = session
        self.responder = responder
    }

    public static func make() throws -> SchemaMigrationHandler {
        let session = try AWSSession()
        return SchemaMigrationHandler(environment: MigrationSettings.processEnvironment(), session: session, responder: CustomResourceResponder(session: session))
    }

    public struct Summary: Encodable, Sendable {
        public let appliedCount: Int
        public let applied: [String]
        public let currentVersion: String?
        public let warnings: [String]
        public let message: String
    }

    public func handle(_ event: [UInt8], context: Context) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        switch try CustomResourceEvent.read(event) {
        case .request(let request): return try answer(request, context: context)
        case .unreadable(let envelope, let reason): return try responder.refuse(envelope, because: reason, handler: "schema-migration", context: context)
        case .direct: break
        }
        struct Direct: Decodable {
            let action: String
        }
        let direct: Direct
        do {
            direct = try JSONDecoder().decode(Direct.self, from: Data(event))
        } catch {
            throw FunctionError.invalidEvent("expected a CloudFormation custom-resource event or {\"action\": \"migrate\"}")
        }
        guard direct.action == "migrate" else {
            throw FunctionError.invalidEvent("unknown action \(QuotedInput.quote(direct.action)); the only action is migrate")
        }
        let settings = try MigrationSettings(environment: environment)
        return Array(try encoder.encode(migrate(settings, context: context)))
    }

    private func answer(_ request: CustomResourceRequest, context: Context) throws -> [UInt8] {
        let properties = (request.ResourceProperties ?? [:]).mapValues(\.text)
        let placeholders = request.ResourceProperties?["Placeholders"]?.object ?? [:]
        let settings = Result { () throws(RefreshError) in
            try MigrationSettings(environment: environment, properties: properties, placeholders: placeholders)
        }
        let physicalID = request.PhysicalResourceId
            ?? (try? settings.get()).map { "schema-migration:\($0.clusterARN)/\($0.database)" }
            ?? "schema-migration:\(request.LogicalResourceId)"
        var status = CustomResourceResponse.Status.SUCCESS
        var reason: String
        var data: [String: String]?
        if request.RequestType == .Delete {
            // Migrations are never rolled back, and a Delete after a failed Create finds nothing to undo.
            reason = "nothing to undo: applied migrations stay in the database"
            data = ["Response": reason]
        } else if request.RequestType == .Update, StackRollback.inProgress(request, session: session, context: context) {
            reason = Self.rollbackReason
            // Outputs that !GetAtt the custom resource still find every attribute after the rollback.
            data = ["AppliedCount": "0", "CurrentVersion": "", "Response": reason]
        } else {
            do {
                let summary = try migrate(try settings.get(), context: context)
                reason = summary.message
                data = ["AppliedCount": String(summary.appliedCount), "CurrentVersion": summary.currentVersion ?? "", "Response": summary.message]
            } catch {
                status = .FAILED
                reason = (error as? InvocationError)?.errorMessage ?? String(describing: error)
            }
        }
        context.logger.info("schema-migration \(request.RequestType.rawValue): \(status.rawValue)", ["reason": .string(reason)])
        return try responder.answer(CustomResourceResponse(Status: status, Reason: reason, PhysicalResourceId: physicalID, StackId: request.StackId,
                                                           RequestId: request.RequestId, LogicalResourceId: request.LogicalResourceId, Data: data),
                                    to: request.ResponseURL, context: context)
    }

    static let rollbackReason = "the stack is rolling back an update: the migrations are not run again (migrations are never "
        + "undone; the database keeps what was applied), so the rollback can complete"

    private func migrate(_ settings: MigrationSettings, context: Context) throws -> Summary {
        let end = context.deadlineMilliseconds
        let runner = try Self.runner(settings, session: session, deadlineMilliseconds: end)
        let result = try runner.run(MigrationSet(directory: settings.directory, naming: settings.naming))
        for warning in result.warnings { context.logger.warn(warning) }
        return Summary(appliedCount: result.applied.count, applied: result.applied, currentVersion: result.currentVersion,
                       warnings: result.warnings, message: result.message)
    }

    /// The runner over the Data API for `settings`, stopping `marginMilliseconds` before `deadlineMilliseconds`.
    /// `bootstrap migrate` uses the same one.
    public static func runner(_ settings: MigrationSettings, session: AWSSession, deadlineMilliseconds end: Int64) throws -> MigrationRunner {
        // Leave the margin to roll back and answer: calls are cut at half of it, statements stop at all of it.
        let dataDeadline = Deadline(epochMilliseconds: end - settings.marginMilliseconds / 2)
        let data = RDSData(session: session, deadline: dataDeadline, resourceARN: settings.clusterARN, secretARN: settings.secretARN,
                           database: settings.database)
        // A rollback after a statement cut off by the deadline above must still be sent.
        let cleanup = RDSData(session: session, deadline: Deadline(epochMilliseconds: end - settings.marginMilliseconds / 4),
                              resourceARN: settings.clusterARN, secretARN: settings.secretARN, database: settings.database)
        return try MigrationRunner(
            executor: DataAPIExecutor(data: data, cleanup: cleanup), dialect: settings.dialect, table: settings.table,
            baseline: settings.baseline, placeholders: settings.placeholders,
            mayContinue: { end - Clock.epochMilliseconds() > settings.marginMilliseconds }, clock: { Clock.epochMilliseconds() })
    }
}

extension MigrationError: InvocationError {
    public var errorType: String { "Function.MigrationFailed" }
    public var errorMessage: String { description }
}

extension MigrationSetError: InvocationError {
    public var errorType: String { "Function.InvalidMigrations" }
    public var errorMessage: String { description }
}

extension SQLSplitError: InvocationError {
    public var errorType: String { "Function.InvalidMigrations" }
    public var errorMessage: String { description }
}
