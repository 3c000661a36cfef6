import AWSClient
import Basics
import LambdaRuntime

/// Clone mode's decisions, as SnapshotSelection is snapshot mode's: whether the source cluster can
/// be cloned now, the point in time to clone it at, and whether an operator's chosen time is one.
enum CloneSource {
    /// The source's latest restorable time, to the second (RestoreToTime's precision).
    static func latestRestoreTime(of cluster: RDS.Cluster?, settings: Settings) throws(RefreshError) -> String {
        let cluster = try clonable(cluster, settings: settings)
        guard let latest = cluster.latestRestorableTime.flatMap(UTCTime.init(iso8601:)) else {
            throw .sourceNotClonable(source: settings.source.identifier, reason: "RDS reports no latest restorable time for it yet; run again once its first backup is done")
        }
        return latest.rfc3339Seconds
    }

    /// An operator's `{"restoreTime": …}`: inside the source's restorable window, to the second.
    static func checked(_ requested: String, of cluster: RDS.Cluster?, settings: Settings) throws(RefreshError) -> String {
        let cluster = try clonable(cluster, settings: settings)
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

    /// A clone needs the cluster to exist, be available, have an instance (Aurora: "You can't create
    /// a clone from an Aurora DB cluster without the DB instance"), and be of the engine asked for.
    static func clonable(_ cluster: RDS.Cluster?, settings: Settings) throws(RefreshError) -> RDS.Cluster {
        let name = settings.source.identifier
        guard let cluster else {
            throw .sourceNotClonable(source: name, reason: "no cluster of that name is visible to this account (one shared through AWS RAM is named by its ARN)")
        }
        guard cluster.status == "available" else {
            throw .sourceNotClonable(source: name, reason: "it is \(cluster.status), and only an available cluster can be cloned; start it, or use REFRESH_METHOD=snapshot")
        }
        guard cluster.memberCount > 0 else {
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

    /// A replacement needs a second cluster while the old one still exists.
    static func checkQuota(_ quotas: [RDS.Quota]) throws(RefreshError) {
        if let clusters = quotas.first(where: { $0.name == "DBClusters" }), clusters.used + 1 > clusters.max {
            throw .clusterQuotaReached(used: clusters.used, max: clusters.max)
        }
    }
}
