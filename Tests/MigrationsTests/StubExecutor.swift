@testable import Migrations

/// A database for the runner's unit tests: it keeps the history table in memory and answers the
/// runner's own statements by their shape (HistoryTable's SQL); every other statement is a
/// migration's, recorded in `ran`. Transactions buffer their changes until commit, as PostgreSQL's
/// do; outside one (MySQL) a change is immediate. Hooks let a test fail a statement, or act as
/// another runner at the moment this one claims a file.
final class StubExecutor: SQLExecutor {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    var history: [String: HistoryTable.Row]?
    var ran: [String] = []
    var failWhen: (String) -> Bool = { _ in false }
    /// Called with the key just before an INSERT of a claim or row; may change `history` (a rival runner).
    var beforeInsert: (String) -> Void = { _ in }
    private var pending: [String: [String: HistoryTable.Row?]] = [:]
    private var transactions = 0

    init(history: [HistoryTable.Row]? = nil) {
        self.history = history.map { Dictionary($0.map { ($0.version, $0) }, uniquingKeysWith: { a, _ in a }) }
    }

    func execute(_ sql: String, _ parameters: [(name: String, value: SQLValue)], transaction: String?, ddl: Bool) throws -> [[SQLValue]] {
        let value = { (name: String) in parameters.first { $0.name == name }?.value.text ?? "" }
        let rows = { () -> [HistoryTable.Row] in
            var all = self.history ?? [:]
            for (key, row) in self.pending[transaction ?? ""] ?? [:] { all[key] = row }
            return all.values.sorted { $0.version < $1.version }
        }
        let change = { (key: String, row: HistoryTable.Row?) in
            if let transaction { self.pending[transaction, default: [:]][key] = .some(row) } else { self.history?[key] = row }
        }
        let record = { (row: HistoryTable.Row) -> [SQLValue] in
            [.text(row.version), .text(row.checksum), .boolean(row.success), .text(row.description)]
        }
        switch sql {
        case "SELECT current_schema()", "SELECT DATABASE()":
            return [[.text("app")]]
        case _ where sql.hasPrefix("SELECT column_name FROM information_schema.columns"):
            guard history != nil, value("name") == HistoryTable.defaultName else { return [] }
            return HistoryTable.columns.sorted().map { [.text($0)] }
        case _ where sql.hasPrefix("CREATE TABLE IF NOT EXISTS"):
            if history == nil { history = [:] }
            return []
        case _ where sql.hasPrefix("SELECT pg_advisory_xact_lock"):
            return []
        case _ where sql.hasPrefix("SELECT version, checksum, success, description FROM") && sql.hasSuffix("WHERE version = :version"):
            return rows().filter { $0.version == value("version") }.map(record)
        case _ where sql.hasPrefix("SELECT version, checksum, success, description FROM"):
            return rows().map(record)
        case _ where sql.hasPrefix("INSERT INTO"):
            beforeInsert(value("version"))
            if rows().contains(where: { $0.version == value("version") }) { throw Failure(description: "Duplicate entry '\(value("version"))' for key 'PRIMARY'") }
            change(value("version"), HistoryTable.Row(version: value("version"), description: value("description"), checksum: value("checksum"),
                                                      success: sql.hasSuffix("true)")))
            return []
        case _ where sql.hasPrefix("UPDATE") && sql.contains("SET success = true"):
            if let row = rows().first(where: { $0.version == value("version") }) {
                change(row.version, HistoryTable.Row(version: row.version, description: row.description, checksum: row.checksum, success: true))
            }
            return []
        case _ where sql.hasPrefix("UPDATE") && sql.contains("SET checksum = :checksum"):
            if let row = rows().first(where: { $0.version == value("version") }) {
                change(row.version, HistoryTable.Row(version: row.version, description: row.description, checksum: value("checksum"), success: row.success))
            }
            return []
        case _ where sql.hasPrefix("DELETE FROM"):
            if let row = rows().first(where: { $0.version == value("version") }),
               sql.hasSuffix("AND checksum = :previous") ? row.checksum == value("previous") : !row.success {
                change(row.version, nil)
            }
            return []
        default:
            if failWhen(sql) { throw Failure(description: "ERROR: \(sql) failed") }
            ran.append(sql)
            return []
        }
    }

    func begin() throws -> String {
        transactions += 1
        return "t\(transactions)"
    }

    func commit(_ transaction: String) throws {
        for (key, row) in pending.removeValue(forKey: transaction) ?? [:] { history?[key] = row ?? nil }
    }

    func rollback(_ transaction: String) throws {
        pending.removeValue(forKey: transaction)
    }
}
