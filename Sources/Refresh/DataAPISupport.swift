/// Whether a snapshot's engine version can serve the RDS Data API, which schema-migration runs
/// through. A cluster restored from an older version comes up without it, and the migration (and so
/// the whole refresh) fails after the restore; refusing the snapshot first changes nothing.
///
/// AWS, "Supported Regions and Aurora DB engines for RDS Data API" (Aurora PostgreSQL and Aurora
/// MySQL, Serverless v2 and provisioned):
/// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.Aurora_Fea_Regions_DB-eng.Feature.Data_API.html
enum DataAPISupport {
    struct Minimum {
        let parts: [Int]
        let text: String
    }

    /// Aurora PostgreSQL: the first version of each major version with the Data API.
    static let postgres: [Int: Minimum] = [
        13: Minimum(parts: [13, 11], text: "13.11"), 14: Minimum(parts: [14, 8], text: "14.8"),
        15: Minimum(parts: [15, 3], text: "15.3"), 16: Minimum(parts: [16, 1], text: "16.1"),
        17: Minimum(parts: [17, 4], text: "17.4"), 18: Minimum(parts: [18, 3], text: "18.3"),
    ]
    /// Aurora MySQL: the Aurora version, 3.07 in "8.0.mysql_aurora.3.07.1".
    static let mysql = Minimum(parts: [3, 7], text: "8.0.mysql_aurora.3.07.0")

    /// nil when `version` of `engine` has the Data API, else why not and what would.
    static func problem(engine: String, version: String) -> String? {
        switch engine {
        case "aurora-postgresql":
            let parts = numbers(version)
            guard let major = parts.first else { return "its engine version '\(version)' is not a version number" }
            let oldest = postgres.keys.min()!
            guard let minimum = postgres[major] else {
                // A major version newer than this table came with the Data API.
                return major < oldest ? "Aurora PostgreSQL \(version) has no RDS Data API; it needs \(postgres[oldest]!.text) or later" : nil
            }
            return parts.lexicographicallyPrecedes(minimum.parts)
                ? "Aurora PostgreSQL \(version) has no RDS Data API; it needs \(minimum.text) or later" : nil
        case "aurora-mysql":
            guard let marker = version.firstRange(of: "mysql_aurora.") else {
                return "Aurora MySQL \(version) has no RDS Data API; it needs \(mysql.text) or later"
            }
            return numbers(String(version[marker.upperBound...])).lexicographicallyPrecedes(mysql.parts)
                ? "Aurora MySQL \(version) has no RDS Data API; it needs \(mysql.text) or later" : nil
        default:
            return "\(engine) has no RDS Data API: only Aurora clusters have it"
        }
    }

    private static func numbers(_ version: String) -> [Int] {
        var parts: [Int] = []
        for piece in version.split(separator: ".") {
            guard let number = Int(piece) else { break }
            parts.append(number)
        }
        return parts
    }
}
