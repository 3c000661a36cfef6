import Digests

/// One versioned migration file.
public struct Migration: Sendable, Equatable {
    public let version: MigrationVersion
    /// From the name, `_` shown as a space: `V3__add_rental_index.sql` is "add rental index".
    public let description: String
    public let fileName: String
    public let sql: String
    /// Hex SHA-256 of the file's bytes: any edit after it was applied is caught.
    public let checksum: String

    public init(version: MigrationVersion, description: String, fileName: String, bytes: [UInt8]) {
        self.version = version
        self.description = description
        self.fileName = fileName
        sql = String(decoding: bytes, as: UTF8.self)
        checksum = SHA256.hash(bytes).hexString
    }

    /// `V<version>__<description>.sql`, or nil for any other name.
    public static func parseName(_ name: String) -> (version: MigrationVersion, description: String)? {
        guard name.hasPrefix("V"), name.hasSuffix(".sql"), name.count > 5 else { return nil }
        let stem = name.dropFirst().dropLast(4)
        let parts = stem.split(separator: "__", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let version = MigrationVersion(parts[0]), !parts[1].isEmpty else { return nil }
        return (version, String(parts[1].map { $0 == "_" ? " " : $0 }))
    }
}
