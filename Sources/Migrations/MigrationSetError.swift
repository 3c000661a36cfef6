/// Why a directory is not a usable migration set. Nothing runs until the set is fixed.
public enum MigrationSetError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadableDirectory(path: String, reason: String)
    case unreadableFile(path: String, reason: String)
    case badName(file: String)
    case duplicateVersion(version: String, files: [String])
    case notUTF8(file: String)
    case nameTooLong(file: String, limit: Int)
    /// `${name}` in a file with no value for `name`.
    case unknownPlaceholder(file: String, line: Int, name: String, known: [String])
    case badPlaceholderName(String)

    public var description: String {
        switch self {
        case let .unreadableDirectory(path, reason):
            return "cannot read the migrations directory \(path): \(reason); set MIGRATIONS_DIR to the folder that holds the V<version>__<description>.sql files"
        case let .unreadableFile(path, reason):
            return "cannot read \(path): \(reason)"
        case let .badName(file):
            return "\(file) is not a migration name: expected V<version>__<description>.sql, e.g. V1__create_users.sql or V2.1__add_email_index.sql, or R__<description>.sql for a repeatable one (or set MIGRATION_NAMING=plain to run every .sql file once in name order)"
        case let .duplicateVersion(version, files):
            return "version \(version) is used by more than one file (\(files.joined(separator: ", "))); give each file its own version"
        case let .notUTF8(file):
            return "\(file) is not UTF-8 text; save it as UTF-8"
        case let .nameTooLong(file, limit):
            return "\(file) is too long a name: the history table keeps at most \(limit) characters per migration; shorten it"
        case let .unknownPlaceholder(file, line, name, known):
            let values = known.isEmpty ? "no placeholders are set" : "the placeholders set are \(known.joined(separator: ", "))"
            return "\(file):\(line): ${\(name)} has no value (\(values)); set it in the custom resource's Placeholders (or MIGRATIONS_PLACEHOLDER_\(name))"
        case let .badPlaceholderName(name):
            return "placeholder name '\(name)' is not letters, digits and _ starting with a letter or _"
        }
    }
}
