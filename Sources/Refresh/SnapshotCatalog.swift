import AWSClient

/// Lists the source's snapshots of the configured types, every page. Automated and manual ones are
/// asked for by the source's identifier; shared ones (another account's) are listed and kept when
/// they were taken from a database of the source's name.
struct SnapshotCatalog {
    let rds: RDS

    func snapshots(for settings: Settings) throws(AWSError) -> [RDS.Snapshot] {
        let source = settings.source
        var all: [RDS.Snapshot] = []
        for type in settings.snapshotTypes {
            if type == "shared" {
                let shared = source.isCluster
                    ? try rds.describeDBClusterSnapshots(snapshotType: "shared")
                    : try rds.describeDBSnapshots(snapshotType: "shared")
                all += shared.filter { $0.sourceIdentifier.lowercased() == source.identifier.lowercased() }
                continue
            }
            do {
                all += source.isCluster
                    ? try rds.describeDBClusterSnapshots(clusterIdentifier: source.identifier, snapshotType: type)
                    : try rds.describeDBSnapshots(instanceIdentifier: source.identifier, snapshotType: type)
            } catch where ["DBClusterNotFoundFault", "DBInstanceNotFound", "DBInstanceNotFoundFault"].contains(error.code ?? "") {
                // The source lives in another account: only its shared snapshots are visible here.
                continue
            }
        }
        return all
    }
}
