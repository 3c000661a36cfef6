import AWSClient
import Digests

/// The parameters restore-from-snapshot gives the staging DB's stack. SnapshotIdentifier (clone
/// mode: RestoreTime) always;
/// with the stack's own template (template.yml declares them) also StagingDBGeneration, the last
/// part of the DB's name, which must change with the snapshot because CloudFormation replaces a
/// named DB only under a new name, and SnapshotMasterUsername, shown in an output. Every other
/// parameter the stack declares keeps its value, so an operator's launch-time choices survive.
struct StackParameters: Equatable {
    static let snapshotKey = "SnapshotIdentifier"
    static let restoreTimeKey = "RestoreTime"
    static let pointInTimeKey = "PointInTimeRestore"
    static let generationKey = "StagingDBGeneration"
    static let masterUsernameKey = "SnapshotMasterUsername"
    static let stagingDBIdentifierKey = "StagingDBIdentifier"

    let parameters: [CloudFormation.Parameter]

    /// `declared`: the parameters of the stack being updated with its own template, nil for a new
    /// template (which gets SnapshotIdentifier, StagingDBIdentifier when set, and its defaults).
    /// `pointInTime` (clone mode): the stack restores the source as of RestoreTime (a full copy)
    /// instead of cloning its latest restorable time.
    init(snapshot: String, masterUsername: String?, stagingDBIdentifier: String?, declared: Set<String>?, method: Settings.RefreshMethod = .snapshot,
         pointInTime: Bool = false) {
        var given: [String: String] = [method == .clone ? Self.restoreTimeKey : Self.snapshotKey: snapshot]
        if let stagingDBIdentifier, declared?.contains(Self.stagingDBIdentifierKey) ?? true {
            given[Self.stagingDBIdentifierKey] = stagingDBIdentifier
        }
        if let declared {
            // A point-in-time restore of the same time as a clone is still another database: another name.
            if declared.contains(Self.generationKey) { given[Self.generationKey] = Self.generation(of: pointInTime ? "point-in-time:" + snapshot : snapshot) }
            if declared.contains(Self.masterUsernameKey) { given[Self.masterUsernameKey] = masterUsername ?? "" }
            if method == .clone, declared.contains(Self.pointInTimeKey) { given[Self.pointInTimeKey] = String(pointInTime) }
        }
        var parameters = given.keys.sorted().map { CloudFormation.Parameter(key: $0, value: given[$0]!) }
        for key in (declared ?? []).sorted() where given[key] == nil {
            parameters.append(.init(keepingPreviousValueOf: key))
        }
        self.parameters = parameters
    }

    /// 12 hex digits of SHA-256 of the snapshot's reference: the same snapshot gives the same name
    /// (a forced refresh of it changes nothing), another one a new name; a collision between two
    /// snapshots of one source is a 1 in 2^48 chance.
    static func generation(of snapshot: String) -> String {
        let hex = Array("0123456789abcdef")
        return String(SHA256.hash(Array(snapshot.utf8)).prefix(6).flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 15)]] })
    }
}
