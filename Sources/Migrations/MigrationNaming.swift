/// How migration files are named, and so how they are ordered and tracked.
public enum MigrationNaming: String, Sendable, CaseIterable {
    /// `V<version>__<description>.sql` once each, in version order, then `R__<description>.sql`
    /// whenever changed, in name order (Flyway's names).
    case flyway
    /// Every `*.sql` once, in name order, tracked by file name: a folder of scripts that a plain
    /// "run every file" custom resource used to run.
    case plain
}
