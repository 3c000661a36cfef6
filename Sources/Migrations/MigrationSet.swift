import Basics
import Glibc

/// The migrations of one directory, in the order they apply (golang-migrate's "source" side: it
/// knows files, not databases). Only `.sql` files count. With Flyway naming each must be named
/// `V<version>__<description>.sql` or `R__<description>.sql`; versioned ones come first, in version
/// order, then the repeatable ones in name order. With plain naming every file counts, in name order.
public struct MigrationSet: Sendable {
    public let migrations: [Migration]
    public let naming: MigrationNaming

    /// The history table's key column holds 64 characters (MySQL's varchar(64)).
    static let maximumKeyLength = 64

    /// Refuses the whole set on the first bad name, duplicate version or unreadable file, so a
    /// typo never lets a run go ahead with a file silently left out.
    public init(files: [(name: String, bytes: [UInt8])], naming: MigrationNaming = .flyway) throws(MigrationSetError) {
        var parsed: [Migration] = []
        for file in files where file.name.hasSuffix(".sql") {
            let migration: Migration
            switch naming {
            case .flyway:
                guard let (kind, description) = Migration.parseName(file.name) else { throw .badName(file: file.name) }
                migration = Migration(kind: kind, description: description, fileName: file.name, bytes: file.bytes)
            case .plain:
                migration = Migration(kind: .plain, description: String(file.name.dropLast(4)), fileName: file.name, bytes: file.bytes)
            }
            guard String(validating: file.bytes, as: UTF8.self) != nil else { throw .notUTF8(file: file.name) }
            guard migration.key.utf8.count <= Self.maximumKeyLength else { throw .nameTooLong(file: file.name, limit: Self.maximumKeyLength) }
            parsed.append(migration)
        }
        parsed.sort { a, b in
            switch (a.version, b.version) {
            case let (x?, y?): return x == y ? a.fileName < b.fileName : x < y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return Array(a.fileName.utf8).lexicographicallyPrecedes(Array(b.fileName.utf8))
            }
        }
        for (a, b) in zip(parsed, parsed.dropFirst()) where a.version != nil && a.version == b.version {
            throw .duplicateVersion(version: a.version!.description, files: [a.fileName, b.fileName])
        }
        migrations = parsed
        self.naming = naming
    }

    /// Reads `directory`'s regular files (not its subdirectories).
    public init(directory: String, naming: MigrationNaming = .flyway) throws(MigrationSetError) {
        guard let stream = opendir(directory) else {
            throw .unreadableDirectory(path: directory, reason: String(cString: strerror(errno)))
        }
        defer { closedir(stream) }
        var files: [(name: String, bytes: [UInt8])] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasSuffix(".sql") else { continue }
            let path = directory + "/" + name
            var status = stat()
            guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { continue }
            do {
                files.append((name, try FileContents.read(path)))
            } catch {
                throw .unreadableFile(path: path, reason: error.reason)
            }
        }
        try self.init(files: files, naming: naming)
    }
}
