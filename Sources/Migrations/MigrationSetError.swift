/// Why a directory is not a usable migration set. Nothing runs until the set is fixed.
public enum MigrationSetError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadableDirectory(path: String, reason: String)
    case unreadableFile(path: String, reason: String)
    case badName(file: String)
    case duplicateVersion(version: String, files: [String])
    case notUTF8(file: String)

    public var description: String {
        switch self {
        case let .unreadableDirectory(path, reason):
            return "cannot read the migrations directory \(path): \(reason); set MIGRATIONS_DIR to the folder that holds the V<version>__<description>.sql files"
        case let .unreadableFile(path, reason):
            return "cannot read \(path): \(reason)"
        case let .badName(file):
            return "\(file) is not a migration name: expected V<version>__<description>.sql, e.g. V1__create_users.sql or V2.1__add_email_index.sql"
        case let .duplicateVersion(version, files):
            return "version \(version) is used by more than one file (\(files.joined(separator: ", "))); give each file its own version"
        case let .notUTF8(file):
            return "\(file) is not UTF-8 text; save it as UTF-8"
        }
    }
}
