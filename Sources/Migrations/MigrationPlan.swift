/// What a run would do, derived from the files and the history table alone: the state of every
/// migration (Flyway's `info`), what stops a run (`validate`), and what to apply, in order. The
/// same value drives info, validate and migrate; the runner only carries it out.
public struct MigrationPlan: Sendable {
    public enum State: String, Sendable {
        case pending = "Pending"
        case success = "Success"
        /// The baseline's own version: recorded as applied without running.
        case baseline = "Baseline"
        case belowBaseline = "Below Baseline"
        /// A repeatable whose file changed since it last ran: it runs again.
        case outdated = "Outdated"
        /// Started and did not finish (MySQL): needs a person, then `repair`.
        case failed = "Failed"
        /// Applied, and its file changed since: refused until restored or repaired.
        case changed = "Checksum Changed"
        /// Applied, and its file is gone.
        case missing = "Missing"
    }

    public struct Entry: Sendable, Equatable {
        public let name: String
        public let description: String
        public let type: String
        public let state: State
        public let checksum: String
    }

    public let entries: [Entry]
    /// In the order they run: versioned ones by version, then repeatables by name (plain: by name).
    public let pending: [Migration]
    /// Validation failures: a run stops on the first before anything runs.
    public let problems: [MigrationError]
    public let warnings: [String]
    /// The version a baseline row is written for before anything runs (a database without history).
    public let baselineToRecord: MigrationVersion?
    /// The highest version applied (the baseline's included).
    public let currentVersion: String?

    /// `baseline`: BaselineVersion; honoured only where `historyExists` is false, as Flyway's
    /// baselineOnMigrate honours it only where there is no history yet.
    init(set: MigrationSet, rows: [HistoryTable.Row], table: String, baseline: MigrationVersion?, historyExists: Bool) {
        let byKey = Dictionary(rows.map { ($0.version, $0) }, uniquingKeysWith: { first, _ in first })
        let baselineRow = rows.first(where: \.isBaseline)
        let recorded = historyExists ? nil : baseline
        let below = baselineRow.flatMap { MigrationVersion(Substring($0.version)) } ?? recorded
        var entries: [Entry] = []
        var pending: [Migration] = []
        var problems: [MigrationError] = []
        var warnings: [String] = []
        if historyExists, let baseline, baselineRow == nil {
            warnings.append("BaselineVersion \(baseline) is ignored: \(table) already exists (a baseline is recorded only on a database without history)")
        }
        if let baselineRow, !set.migrations.contains(where: { $0.key == baselineRow.version }) {
            entries.append(Entry(name: "V" + baselineRow.version, description: HistoryTable.baselineDescription, type: "Baseline",
                                 state: .baseline, checksum: ""))
        } else if let recorded, !set.migrations.contains(where: { $0.version == recorded }) {
            entries.append(Entry(name: "V\(recorded)", description: HistoryTable.baselineDescription, type: "Baseline", state: .baseline, checksum: ""))
        }
        for migration in set.migrations {
            let row = byKey[migration.key]
            let type = switch migration.kind { case .versioned: "Versioned"; case .repeatable: "Repeatable"; case .plain: "Plain" }
            let state: State
            if let version = migration.version, let below, version <= below {
                state = version == below ? .baseline : .belowBaseline
            } else if let row {
                if !row.success {
                    state = .failed
                    problems.append(.dirty(version: row.version, table: table))
                } else if row.checksum == migration.checksum {
                    state = .success
                } else if migration.kind == .repeatable {
                    state = .outdated
                    pending.append(migration)
                } else {
                    state = .changed
                    problems.append(.checksumChanged(file: migration.fileName, version: row.version))
                }
            } else {
                state = .pending
                pending.append(migration)
            }
            entries.append(Entry(name: migration.displayName, description: migration.description, type: type, state: state,
                                 checksum: migration.checksum))
        }
        let known = Set(set.migrations.map(\.key))
        for row in rows.sorted(by: { $0.version < $1.version }) where !known.contains(row.version) && !row.isBaseline {
            entries.append(Entry(name: Migration.displayName(key: row.version), description: row.description, type: "",
                                 state: row.success ? .missing : .failed, checksum: row.checksum))
            if row.success {
                warnings.append("\(Migration.displayName(key: row.version)) is applied but its file is missing from the migrations directory")
            } else {
                problems.append(.dirty(version: row.version, table: table))
            }
        }
        self.entries = entries
        self.pending = pending
        self.problems = problems
        self.warnings = warnings
        baselineToRecord = recorded
        let versions = rows.filter(\.success).compactMap { MigrationVersion(Substring($0.version)) } + (recorded.map { [$0] } ?? [])
        currentVersion = versions.max()?.description
    }

    /// Flyway's `info` table.
    public var table: String {
        let header = ["Version", "Description", "Type", "State", "Checksum"]
        let rows = entries.map { [$0.name, $0.description, $0.type, $0.state.rawValue, String($0.checksum.prefix(12))] }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            "| " + zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: " | ") + " |"
        }
        let rule = "+" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+") + "+"
        return ([rule, line(header), rule] + rows.map(line) + [rule]).joined(separator: "\n")
    }
}

extension MigrationPlan {
    func adding(warning: String) -> MigrationPlan {
        MigrationPlan(entries: entries, pending: pending, problems: problems, warnings: [warning] + warnings,
                      baselineToRecord: baselineToRecord, currentVersion: currentVersion)
    }

    private init(entries: [Entry], pending: [Migration], problems: [MigrationError], warnings: [String],
                 baselineToRecord: MigrationVersion?, currentVersion: String?) {
        self.entries = entries
        self.pending = pending
        self.problems = problems
        self.warnings = warnings
        self.baselineToRecord = baselineToRecord
        self.currentVersion = currentVersion
    }
}
