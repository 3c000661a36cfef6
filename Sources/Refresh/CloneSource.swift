import AWSClient
import Basics
import LambdaRuntime

/// Clone mode's decisions, as SnapshotSelection is snapshot mode's: whether the source cluster can
/// be cloned now, the point in time to clone it at, and whether an operator's chosen time is one.
enum CloneSource {
    /// The source's latest restorable time, to the second: what the refresh records (a copy-on-write
    /// clone is always of the latest restorable time when RDS makes it). A cluster shared from
    /// another account shows no times to the recipient, so there it is now.
    static func latestRestoreTime(of cluster: RDS.Cluster?, settings: Settings, now: Int64 = Clock.epochMilliseconds()) throws(RefreshError) -> String {
        let cluster = try clonable(cluster, settings: settings)
        if isShared(cluster) { return UTCTime(epochMilliseconds: now).rfc3339Seconds }
        guard let latest = cluster.latestRestorableTime.flatMap(UTCTime.init(iso8601:)) else {
            throw .sourceNotClonable(source: settings.source.identifier, reason: "RDS reports no latest restorable time for it yet; run again once its first backup is done")
        }
        return latest.rfc3339Seconds
    }

    /// An operator's `{"restoreTime": …}`: a point-in-time restore (a full copy, not a clone: RDS
    /// takes no RestoreToTime with copy-on-write), inside the source's restorable window, to the
    /// second. A cluster shared from another account can only be cloned, so not at a chosen time.
    static func pointInTime(_ requested: String, of cluster: RDS.Cluster?, settings: Settings) throws(RefreshError) -> String {
        let cluster = try clonable(cluster, settings: settings)
        guard !isShared(cluster) else {
            throw .sourceNotClonable(source: settings.source.identifier, reason: "it is shared from another account, which allows copy-on-write clones of its latest restorable time only, not a restore to a chosen time; leave restoreTime out")
        }
        guard let time = UTCTime(iso8601: requested) else {
            throw .invalidConfiguration("restoreTime \(QuotedInput.quote(requested)) is not an ISO 8601 time; write it like 2026-12-01T04:00:00Z")
        }
        let earliest = cluster.earliestRestorableTime.flatMap(UTCTime.init(iso8601:))
        let latest = cluster.latestRestorableTime.flatMap(UTCTime.init(iso8601:))
        guard let earliest, let latest, earliest.epochMilliseconds <= time.epochMilliseconds, time.epochMilliseconds <= latest.epochMilliseconds else {
            throw .restoreTimeOutOfRange(requested: requested, earliest: earliest?.rfc3339Seconds ?? "?", latest: latest?.rfc3339Seconds ?? "?")
        }
        return UTCTime(epochMilliseconds: time.epochMilliseconds / 1000 * 1000).rfc3339Seconds
    }

    /// A cluster shared from another account through AWS RAM: RDS shows the recipient little more
    /// than its ARN, engine and version ("Cross-account cloning with AWS RAM and Amazon Aurora").
    static func isShared(_ cluster: RDS.Cluster) -> Bool {
        cluster.status.isEmpty && cluster.arn.hasPrefix("arn:")
    }

    /// A clone needs the cluster to exist, be available, have an instance (Aurora: "You can't create
    /// a clone from an Aurora DB cluster without the DB instance"), and be of the engine asked for.
    static func clonable(_ cluster: RDS.Cluster?, settings: Settings) throws(RefreshError) -> RDS.Cluster {
        let name = settings.source.identifier
        guard let cluster else {
            throw .sourceNotClonable(source: name, reason: "no cluster of that name is visible to this account (one shared through AWS RAM is named by its ARN)")
        }
        // What a shared cluster does not show cannot be checked here; RDS refuses the clone then.
        guard isShared(cluster) || cluster.status == "available" else {
            throw .sourceNotClonable(source: name, reason: "it is \(cluster.status), and only an available cluster can be cloned; start it, or use REFRESH_METHOD=snapshot")
        }
        guard isShared(cluster) || cluster.memberCount > 0 else {
            throw .sourceNotClonable(source: name, reason: "it has no DB instance, and Aurora clones only a cluster with at least one")
        }
        if let engine = settings.engine, cluster.engine != engine {
            throw .sourceNotClonable(source: name, reason: "its engine is \(cluster.engine), not ENGINE=\(engine)")
        }
        if let version = settings.engineVersion, !SnapshotSelection.version(cluster.engineVersion, isWithin: version) {
            throw .sourceNotClonable(source: name, reason: "its engine version is \(cluster.engineVersion), not ENGINE_VERSION=\(version)")
        }
        return cluster
    }

    /// How the source cluster is named to RDS: by ARN in SOURCE_ACCOUNT_ID's account when set (a
    /// cluster shared from there through AWS RAM is cloned by its ARN), else by identifier.
    static func reference(_ settings: Settings, region: String) -> String {
        guard let account = settings.sourceAccountID else { return settings.source.identifier }
        return IAMPolicy.Scope(region: region, account: account).arn("rds", "cluster:\(settings.source.identifier)")
    }

    /// The source cluster as RDS describes it; nil when RDS knows no cluster of that name. Named by
    /// ARN in SOURCE_ACCOUNT_ID's account, so that one shared through AWS RAM is found too.
    static func sourceCluster(_ settings: Settings, _ rds: RDS, region: String) throws -> RDS.Cluster? {
        let reference = Self.reference(settings, region: region)
        do {
            return try rds.describeDBClusters(identifier: reference, includeShared: reference.hasPrefix("arn:") ? true : nil).first
        } catch let error where error.code == "DBClusterNotFoundFault" {
            return nil
        }
    }

    /// A replacement needs a second cluster while the old one still exists.
    static func checkQuota(_ quotas: [RDS.Quota]) throws(RefreshError) {
        if let clusters = quotas.first(where: { $0.name == "DBClusters" }), clusters.used + 1 > clusters.max {
            throw .clusterQuotaReached(used: clusters.used, max: clusters.max)
        }
    }
}
