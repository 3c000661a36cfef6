import AWSClient

/// Which of the source's snapshots may be restored, and the newest of them.
struct SnapshotSelection {
    let chosen: RDS.Snapshot?
    let seen: Int
    /// Why the others were set aside, most common first: each counted once, under the first check
    /// it fails (status, then account, engine, engine version).
    let reasons: [(reason: String, count: Int)]

    init(_ snapshots: [RDS.Snapshot], settings: Settings) {
        var counts: [String: Int] = [:]
        var usable: [RDS.Snapshot] = []
        for snapshot in snapshots {
            if let reason = Self.rejection(of: snapshot, settings) {
                counts[reason, default: 0] += 1
            } else {
                usable.append(snapshot)
            }
        }
        seen = snapshots.count
        reasons = counts.sorted { $0.value == $1.value ? $0.key < $1.key : $0.value > $1.value }.map { ($0.key, $0.value) }
        chosen = usable.max { a, b in
            let (ta, tb) = (a.createTimeEpochMilliseconds ?? 0, b.createTimeEpochMilliseconds ?? 0)
            return ta == tb ? a.identifier < b.identifier : ta < tb
        }
    }

    static func rejection(of snapshot: RDS.Snapshot, _ settings: Settings) -> String? {
        if snapshot.status != "available" { return snapshot.status.isEmpty ? "no status" : snapshot.status }
        if let account = settings.sourceAccountID, snapshot.ownerAccount != account { return "other account" }
        if let engine = settings.engine, snapshot.engine != engine { return "other engine" }
        if let version = settings.engineVersion, !Self.version(snapshot.engineVersion, isWithin: version) { return "other engine version" }
        return nil
    }

    /// ENGINE_VERSION is a prefix of whole parts: 15 holds 15.4, and 15.1 holds 15.1.2 but not 15.10.
    static func version(_ version: String, isWithin prefix: String) -> Bool {
        version == prefix || version.hasPrefix(prefix.hasSuffix(".") ? prefix : prefix + ".")
    }

    /// How the snapshot is named in SSM and to CloudFormation: shared snapshots belong to another
    /// account and can only be named by ARN.
    static func reference(to snapshot: RDS.Snapshot) -> String {
        snapshot.type == "shared" ? snapshot.arn : snapshot.identifier
    }

    /// "41 snapshots seen: 30 other engine, 9 creating, 2 other account".
    func explanation(for settings: Settings) -> String {
        let kind = settings.source.isCluster ? "cluster" : "instance"
        var text: String
        if seen == 0 {
            text = "No snapshots of \(kind) '\(settings.source.identifier)' found (types: \(settings.snapshotTypes.joined(separator: ", ")))"
        } else {
            text = "No usable snapshot of \(kind) '\(settings.source.identifier)': \(seen) snapshot\(seen == 1 ? "" : "s") seen: "
                + reasons.map { "\($0.count) \($0.reason)" }.joined(separator: ", ")
        }
        text += ". Snapshots shared from another account appear only once shared with this one; encrypted snapshots must use a customer-managed KMS key (the default aws/rds key cannot be shared), and automated snapshots must be copied to a manual one before sharing."
        return text
    }
}

extension Settings.Source {
    var isCluster: Bool {
        if case .cluster = self { return true }
        return false
    }
}
