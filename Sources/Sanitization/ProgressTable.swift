import FoundationEssentials
import Migrations

/// `staging_refresh_masking`: one row per masked table, written in the same transaction as each
/// chunk, so a run that stops anywhere (deadline, crash, kill) continues after the last committed
/// chunk. Sampled values are kept only as keyed digests, and dropped once the table is verified.
struct ProgressTable {
    static let name = "staging_refresh_masking"

    struct Row: Sendable, Equatable {
        var table: String
        var checksum: String
        var state: String
        var lastKey: String?
        var rowsBefore: Int64
        var chunks: Int64
        var milliseconds: Int64
        /// column → verification digests.
        var samples: [String: [String]]
    }

    let dialect: SQLDialect
    var quoted: String { MaskingSQL.quote(Self.name, dialect) }

    var create: String {
        let big = dialect == .postgres ? "text" : "mediumtext"
        return "CREATE TABLE IF NOT EXISTS \(quoted) (table_name varchar(128) NOT NULL PRIMARY KEY, checksum varchar(64) NOT NULL, "
            + "state varchar(16) NOT NULL, last_key text, rows_before bigint NOT NULL, chunks bigint NOT NULL, "
            + "milliseconds bigint NOT NULL, samples \(big))"
    }

    var selectAll: String {
        "SELECT table_name, checksum, state, last_key, rows_before, chunks, milliseconds, samples FROM \(quoted)"
    }

    /// The row, locked until the transaction ends: two runs never mask the same chunk.
    var selectForUpdate: String { selectAll + " WHERE table_name = :table FOR UPDATE" }

    var delete: String { "DELETE FROM \(quoted) WHERE table_name = :table" }

    var insert: String {
        "INSERT INTO \(quoted) (table_name, checksum, state, last_key, rows_before, chunks, milliseconds, samples) "
            + "VALUES (:table, :checksum, 'masking', NULL, :rows, 0, 0, :samples)"
    }

    var advance: String {
        "UPDATE \(quoted) SET last_key = :upper, chunks = chunks + 1, milliseconds = milliseconds + :ms WHERE table_name = :table"
    }

    var finish: String {
        "UPDATE \(quoted) SET state = 'done', samples = NULL WHERE table_name = :table"
    }

    static func row(_ values: [SQLValue]) -> Row? {
        guard values.count == 8, let table = values[0].text, let checksum = values[1].text, let state = values[2].text else { return nil }
        var samples: [String: [String]] = [:]
        if let text = values[7].text, let decoded = try? JSONDecoder().decode([String: [String]].self, from: Data(text.utf8)) {
            samples = decoded
        }
        return Row(table: table, checksum: checksum, state: state, lastKey: values[3].text,
                   rowsBefore: CatalogReader.integer(values[4]) ?? 0, chunks: CatalogReader.integer(values[5]) ?? 0,
                   milliseconds: CatalogReader.integer(values[6]) ?? 0, samples: samples)
    }

    static func encode(_ samples: [String: [String]]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(samples)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
