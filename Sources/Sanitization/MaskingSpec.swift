import Digests
import FoundationEssentials

/// `masking.json`, beside the migrations: per table, per column, a strategy; and what counts as a
/// personal-looking column that the spec must mention.
///
///     {"tables": {"customer": {"email": "email", "first_name": "name", "active": "keep"}},
///      "chunkRows": 5000, "sampleSize": 64, "schema": "public", "personalPatterns": ["(^|_)e?mail"]}
public struct MaskingSpec: Sendable, Equatable {
    /// table → column → strategy.
    public var tables: [String: [String: MaskingStrategy]]
    /// nil: PostgreSQL's current_schema(), MySQL's database.
    public var schema: String?
    /// Rows in the first chunk; later chunks are sized from how long the last one took.
    public var chunkRows: Int
    /// Values sampled (and kept only as keyed hashes) per masked column, for verification.
    public var sampleSize: Int
    public var detector: PersonalColumns
    /// "table.trigger" names of triggers allowed to fire while masking (what they write is masked too).
    public var allowTriggers: Set<String> = []

    public static let defaultChunkRows = 5_000
    public static let defaultSampleSize = 64

    public init(tables: [String: [String: MaskingStrategy]], schema: String? = nil, chunkRows: Int = defaultChunkRows,
                sampleSize: Int = defaultSampleSize, detector: PersonalColumns = PersonalColumns()) {
        self.tables = tables
        self.schema = schema
        self.chunkRows = chunkRows
        self.sampleSize = sampleSize
        self.detector = detector
    }

    private struct File: Decodable {
        let tables: [String: [String: String]]
        let schema: String?
        let chunkRows: Int?
        let sampleSize: Int?
        let personalPatterns: [String]?
        let allowTriggers: [String]?
    }

    private struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private struct Keys: Decodable {
        let names: [String]
        init(from decoder: any Decoder) throws {
            names = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        }
    }

    static let knownKeys: Set<String> = ["tables", "schema", "chunkRows", "sampleSize", "personalPatterns", "allowTriggers"]

    public init(json bytes: [UInt8]) throws(SanitizeError) {
        let file: File
        do {
            let keys = try JSONDecoder().decode(Keys.self, from: Data(bytes)).names
            if let unknown = keys.filter({ !Self.knownKeys.contains($0) }).sorted().first {
                throw SanitizeError.spec("unknown key \"\(unknown)\"; the keys are \(Self.knownKeys.sorted().joined(separator: ", "))")
            }
            file = try JSONDecoder().decode(File.self, from: Data(bytes))
        } catch let error as SanitizeError {
            throw error
        } catch {
            throw .spec("not the expected JSON: {\"tables\": {\"<table>\": {\"<column>\": \"<strategy>\"}}} (\(error))")
        }
        var tables: [String: [String: MaskingStrategy]] = [:]
        for (table, columns) in file.tables {
            for (column, text) in columns {
                do {
                    tables[table, default: [:]][column] = try MaskingStrategy(text)
                } catch {
                    guard case .spec(let problem) = error else { throw error }
                    throw .spec("\(table).\(column): \(problem)")
                }
            }
            if columns.isEmpty { throw .spec("table \(table) lists no columns; remove it or give its columns strategies") }
        }
        let chunkRows = file.chunkRows ?? Self.defaultChunkRows
        guard (1...1_000_000).contains(chunkRows) else { throw .spec("chunkRows is \(chunkRows); use 1 to 1000000") }
        let sampleSize = file.sampleSize ?? Self.defaultSampleSize
        guard (1...500).contains(sampleSize) else { throw .spec("sampleSize is \(sampleSize); use 1 to 500") }
        self.init(tables: tables, schema: file.schema, chunkRows: chunkRows, sampleSize: sampleSize,
                  detector: try file.personalPatterns.map { patterns throws(SanitizeError) in try PersonalColumns(patterns: patterns) } ?? PersonalColumns())
        allowTriggers = Set(file.allowTriggers ?? [])
    }

    /// Changes when anything about how `table` is masked changes: a table masked under another
    /// checksum is masked again from its first row.
    public func checksum(of table: String) -> String {
        let lines = (tables[table] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)\n" }.joined()
        return SHA256.hash(Array(lines.utf8)).hexString
    }
}
