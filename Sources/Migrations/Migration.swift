import Digests

/// One migration file: versioned (`V3__add_index.sql`), repeatable (`R__views.sql`) or, with
/// plain naming, any `.sql` file.
public struct Migration: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case versioned(MigrationVersion)
        /// Applied after the versioned ones, in name order, whenever its checksum changed.
        case repeatable
        /// Plain naming: runs once, in name order, tracked by its file name.
        case plain
    }

    public let kind: Kind
    /// From the name, `_` shown as a space: `V3__add_rental_index.sql` is "add rental index".
    public let description: String
    public let fileName: String
    /// The file as written: placeholders are replaced when it is split, so changing a value does
    /// not change the checksum (as in Flyway).
    public let sql: String
    /// Hex SHA-256 of the file's bytes: any edit after it was applied is caught.
    public let checksum: String

    public init(kind: Kind, description: String, fileName: String, bytes: [UInt8]) {
        self.kind = kind
        self.description = description
        self.fileName = fileName
        sql = String(decoding: bytes, as: UTF8.self)
        checksum = SHA256.hash(bytes).hexString
    }

    public var version: MigrationVersion? {
        if case .versioned(let version) = kind { return version }
        return nil
    }

    /// Its row's key in the history table (the `version` column): the version, `R__<description>`
    /// for a repeatable, the file name for a plain file.
    public var key: String {
        switch kind {
        case .versioned(let version): return version.description
        case .repeatable: return String(fileName.dropLast(4))
        case .plain: return fileName
        }
    }

    /// How a person names it: V3, R__views, 001_init.sql.
    public var displayName: String { Self.displayName(key: key) }

    static func displayName(key: String) -> String {
        MigrationVersion(Substring(key)) != nil ? "V" + key : key
    }

    /// `V<version>__<description>.sql` or `R__<description>.sql`; nil for any other name.
    public static func parseName(_ name: String) -> (kind: Kind, description: String)? {
        guard name.hasSuffix(".sql"), name.count > 5 else { return nil }
        let stem = name.dropLast(4)
        let parts = stem.split(separator: "__", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty else { return nil }
        let description = String(parts[1].map { $0 == "_" ? " " : $0 })
        if parts[0] == "R" { return (.repeatable, description) }
        guard parts[0].hasPrefix("V"), let version = MigrationVersion(parts[0].dropFirst()) else { return nil }
        return (.versioned(version), description)
    }
}
