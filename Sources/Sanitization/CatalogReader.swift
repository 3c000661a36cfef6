import Migrations

/// Reads a `Catalog` through any SQLExecutor: information_schema for columns, the system catalogs
/// for keys (information_schema does not say which unique index a column is in on PostgreSQL).
struct CatalogReader {
    let executor: any SQLExecutor
    let dialect: SQLDialect

    func read(schema requested: String?, excluding ours: Set<String>) throws -> Catalog {
        let schema: String
        if let requested {
            schema = requested
        } else {
            let current = dialect == .postgres ? "SELECT current_schema()" : "SELECT DATABASE()"
            guard let name = try executor.execute(current, [], transaction: nil, ddl: false).first?.first?.text else {
                throw SanitizeError.database(context: "reading the catalog", message: "the connection has no current schema; set \"schema\" in masking.json")
            }
            schema = name
        }
        let parameters: [(name: String, value: SQLValue)] = [("schema", .text(schema))]
        var tables: [String: Catalog.Table] = [:]
        var order: [String] = []
        for row in try executor.execute(columnsQuery, parameters, transaction: nil, ddl: false) {
            guard row.count == 5, let table = row[0].text, let column = row[1].text, let type = row[2].text else { continue }
            if ours.contains(table.lowercased()) { continue }
            if tables[table] == nil {
                tables[table] = Catalog.Table(name: table, columns: [], primaryKey: [])
                order.append(table)
            }
            tables[table]!.columns.append(Catalog.Column(name: column, type: type, maxLength: Self.integer(row[3]).map(Int.init),
                                                         nullable: row[4].text?.uppercased() == "YES"))
        }
        var primary: [String: [(Int, String)]] = [:]
        for row in try executor.execute(uniqueQuery, parameters, transaction: nil, ddl: false) {
            guard row.count == 4, let table = row[0].text, let column = row[1].text, tables[table] != nil else { continue }
            if let index = tables[table]!.columns.firstIndex(where: { $0.name == column }) {
                tables[table]!.columns[index].unique = true
            }
            if row[2].isTrue { primary[table, default: []].append((Int(Self.integer(row[3]) ?? 0), column)) }
        }
        for (table, columns) in primary { tables[table]!.primaryKey = columns.sorted { $0.0 < $1.0 }.map(\.1) }
        var keys: [Catalog.ForeignKey] = []
        for row in try executor.execute(foreignKeyQuery, parameters, transaction: nil, ddl: false) {
            guard row.count == 5, let name = row[0].text, let table = row[1].text, let column = row[2].text,
                  let parent = row[3].text, let parentColumn = row[4].text else { continue }
            if let last = keys.last, last.name == name, last.table == table {
                keys[keys.count - 1].columns.append(column)
                keys[keys.count - 1].referencedColumns.append(parentColumn)
            } else {
                keys.append(Catalog.ForeignKey(name: name, table: table, columns: [column], referencedTable: parent, referencedColumns: [parentColumn]))
            }
        }
        let triggers = try executor.execute(triggerQuery, parameters, transaction: nil, ddl: false).compactMap { row -> Catalog.Trigger? in
            guard row.count == 2, let table = row[0].text, let name = row[1].text else { return nil }
            return Catalog.Trigger(table: table, name: name)
        }
        return Catalog(schema: schema, tables: order.compactMap { tables[$0] }, foreignKeys: keys, triggers: triggers)
    }

    static func integer(_ value: SQLValue) -> Int64? {
        switch value {
        case .integer(let number): number
        case .text(let text): Int64(text)
        case .real(let number): Int64(number)
        default: nil
        }
    }

    private var columnsQuery: String {
        switch dialect {
        case .postgres:
            """
            SELECT c.table_name::text, c.column_name::text, CASE WHEN c.data_type IN ('USER-DEFINED', 'ARRAY') THEN c.udt_name::text ELSE c.data_type::text END, \
            c.character_maximum_length::bigint, c.is_nullable::text FROM information_schema.columns c JOIN information_schema.tables t \
            ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
            WHERE c.table_schema = :schema AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position
            """
        case .mysql:
            """
            SELECT c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE, c.CHARACTER_MAXIMUM_LENGTH, c.IS_NULLABLE FROM information_schema.COLUMNS c \
            JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME \
            WHERE c.TABLE_SCHEMA = :schema AND t.TABLE_TYPE = 'BASE TABLE' ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION
            """
        }
    }

    /// Columns of unique indexes: (table, column, whether the index is the primary key, position in it).
    private var uniqueQuery: String {
        switch dialect {
        case .postgres:
            """
            SELECT cl.relname::text, a.attname::text, i.indisprimary, array_position(i.indkey::int2[], a.attnum)::bigint \
            FROM pg_index i JOIN pg_class cl ON cl.oid = i.indrelid JOIN pg_namespace n ON n.oid = cl.relnamespace \
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
            WHERE n.nspname = :schema AND i.indisunique
            """
        case .mysql:
            """
            SELECT TABLE_NAME, COLUMN_NAME, INDEX_NAME = 'PRIMARY', SEQ_IN_INDEX FROM information_schema.STATISTICS \
            WHERE TABLE_SCHEMA = :schema AND NON_UNIQUE = 0
            """
        }
    }

    /// Triggers that would fire on masking's UPDATEs: (table, trigger).
    private var triggerQuery: String {
        switch dialect {
        case .postgres:
            """
            SELECT c.relname::text, t.tgname::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid \
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :schema AND NOT t.tgisinternal AND t.tgenabled IN ('A', 'R')
            """
        case .mysql:
            """
            SELECT EVENT_OBJECT_TABLE, TRIGGER_NAME FROM information_schema.TRIGGERS \
            WHERE TRIGGER_SCHEMA = :schema AND EVENT_MANIPULATION = 'UPDATE'
            """
        }
    }

    /// Foreign keys column by column, in key order: (constraint, table, column, referenced table, referenced column).
    private var foreignKeyQuery: String {
        switch dialect {
        case .postgres:
            """
            SELECT c.conname::text, cl.relname::text, a.attname::text, pcl.relname::text, pa.attname::text \
            FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace \
            JOIN pg_class pcl ON pcl.oid = c.confrelid \
            CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(child, parent, position) \
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.child \
            JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = k.parent \
            WHERE c.contype = 'f' AND n.nspname = :schema ORDER BY cl.relname, c.conname, k.position
            """
        case .mysql:
            """
            SELECT CONSTRAINT_NAME, TABLE_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME \
            FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = :schema AND REFERENCED_TABLE_NAME IS NOT NULL \
            ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION
            """
        }
    }
}
