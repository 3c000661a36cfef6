import LambdaRuntime

/// Why a refresh, or the answer to CloudFormation, stopped: each case carries what the operator
/// needs, and says what to do. `errorType` is what Lambda, the logs and the failure topic show.
public enum RefreshError: InvocationError, CustomStringConvertible, Sendable, Equatable {
    /// A setting is missing or wrong; `atInit` for config.json, read when the function starts.
    case invalidConfiguration(String, atInit: Bool = false)
    case productionGuard(setting: String, source: String, suggestion: String)
    case noLatestSnapshot(parameter: String)
    case noUsableSnapshot(explanation: String)
    case snapshotNotFound(snapshot: String, source: String)
    /// Migrations are on, and the snapshot's engine version cannot be looked up.
    case snapshotUncheckable(snapshot: String, source: String)
    case snapshotNotAvailable(snapshot: String, status: String)
    case dataAPIUnsupported(snapshot: String, problem: String)
    case stackBusy(stack: String, status: String)
    /// The ROLLBACK_COMPLETE stack is still being deleted when the invocation's time runs out.
    case stackBeingReplaced(stack: String)
    case stackFailed(stack: String, status: String, reason: String?)
    /// Clone mode: the source cluster cannot be cloned now.
    case sourceNotClonable(source: String, reason: String)
    /// Clone mode: another cluster would exceed the account's DB cluster quota.
    case clusterQuotaReached(used: Int64, max: Int64)
    case restoreTimeOutOfRange(requested: String, earliest: String, latest: String)
    case responseRejected(url: String, status: Int)
    case responseNotDelivered(url: String, reason: String)
    case responseNotDeliveredAfter(url: String, attempts: Int)

    public var errorType: String {
        let reason = switch self {
        case .invalidConfiguration: "InvalidConfiguration"
        case .productionGuard: "ProductionGuard"
        case .noLatestSnapshot: "NoLatestSnapshot"
        case .noUsableSnapshot: "NoUsableSnapshot"
        case .snapshotNotFound, .snapshotUncheckable: "SnapshotNotFound"
        case .snapshotNotAvailable: "SnapshotNotAvailable"
        case .dataAPIUnsupported: "DataAPIUnsupported"
        case .stackBusy, .stackBeingReplaced: "StackBusy"
        case .stackFailed: "StackFailed"
        case .sourceNotClonable: "SourceNotClonable"
        case .clusterQuotaReached: "ClusterQuotaReached"
        case .restoreTimeOutOfRange: "RestoreTimeOutOfRange"
        case .responseRejected: "ResponseRejected"
        case .responseNotDelivered, .responseNotDeliveredAfter: "ResponseNotDelivered"
        }
        if case .invalidConfiguration(_, atInit: true) = self { return "Runtime." + reason }
        return "Function." + reason
    }

    public var errorMessage: String {
        switch self {
        case let .invalidConfiguration(message, _):
            return message
        case let .productionGuard(setting, source, suggestion):
            return "\(setting) names the production database '\(source)'; this function writes to what \(setting) names, so it must be a staging resource, e.g. \(setting)=\(suggestion)"
        case let .noLatestSnapshot(parameter):
            let example = parameter.hasSuffix("restore-time") ? "a point in time with {\"restoreTime\": \"…\"}" : "a snapshot with {\"snapshot\": \"…\"}"
            return "\(parameter) does not exist yet: run update-latest-snapshot-id first, or name \(example)"
        case let .noUsableSnapshot(explanation):
            return explanation
        case let .snapshotNotFound(snapshot, source):
            return "snapshot \(QuotedInput.quote(snapshot)) is not one of \(source)'s snapshots visible to this account; name one by identifier, or by ARN when shared"
        case let .snapshotUncheckable(snapshot, source):
            return "snapshot \(QuotedInput.quote(snapshot)) is not one of \(source)'s snapshots visible to this account, so its engine version cannot be checked for the RDS Data API; nothing was changed"
        case let .snapshotNotAvailable(snapshot, status):
            return "snapshot \(QuotedInput.quote(snapshot)) is \(status), not available; wait for it or name another"
        case let .dataAPIUnsupported(snapshot, problem):
            return "snapshot \(snapshot) cannot run the migrations: \(problem). Upgrade production's engine version, or turn migrations off (SchemaMigrations false, MIGRATIONS_ENABLED=false); nothing was changed"
        case let .stackBusy(stack, status):
            return "stack \(stack) is \(status); nothing was changed. Run again once CloudFormation has finished"
        case let .stackBeingReplaced(stack):
            return "stack \(stack) (ROLLBACK_COMPLETE) is being deleted; the next run creates it anew"
        case let .stackFailed(stack, status, reason):
            return "stack \(stack) is \(status)\(reason.map { " (\($0))" } ?? ""); fix or delete it in CloudFormation, then run again"
        case let .sourceNotClonable(source, reason):
            return "cluster \(QuotedInput.quote(source)) cannot be cloned: \(reason); nothing was changed"
        case let .restoreTimeOutOfRange(requested, earliest, latest):
            return "restoreTime \(QuotedInput.quote(requested)) is outside the source's restorable window \(earliest) … \(latest); name a time inside it, e.g. {\"restoreTime\": \"\(latest)\"}; nothing was changed"
        case let .clusterQuotaReached(used, max):
            return "the account has \(used) of its \(max) DB clusters, and a refresh needs one more while the old staging cluster still exists; delete unused clusters or raise the quota (Service Quotas: Amazon RDS, DB clusters); nothing was changed"
        case let .responseRejected(url, status):
            return "the ResponseURL \(url) refused the answer with HTTP \(status); it may have expired (pre-signed URLs last 2 hours)"
        case let .responseNotDelivered(url, reason):
            return "cannot send the answer to \(url): \(reason)"
        case let .responseNotDeliveredAfter(url, attempts):
            return "could not PUT the answer to \(url) after \(attempts) attempts"
        }
    }

    public var description: String { errorType + ": " + errorMessage }
}
