/// The tables of one schema as the database describes them: what a plan is checked against.
public struct Catalog: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        public var name: String
        /// information_schema's data_type (PostgreSQL: the udt name for user-defined and array types).
        public var type: String
        /// Characters; nil when unbounded.
        public var maxLength: Int?
        public var nullable: Bool
        /// Part of a unique constraint or unique index (the primary key included).
        public var unique: Bool = false

        public init(name: String, type: String, maxLength: Int? = nil, nullable: Bool = true, unique: Bool = false) {
            self.name = name
            self.type = type
            self.maxLength = maxLength
            self.nullable = nullable
            self.unique = unique
        }

        public var isString: Bool {
            ["character varying", "varchar", "character", "char", "text", "citext", "tinytext", "mediumtext", "longtext", "bpchar"]
                .contains(type.lowercased())
        }

        /// The type to CAST a key's text to: a bare `character` is character(1) in PostgreSQL, which would cut the value.
        public var castType: String {
            if type.lowercased() == "character", let maxLength { return "character(\(maxLength))" }
            return type
        }

        public var isInteger: Bool {
            ["integer", "bigint", "smallint", "int", "mediumint", "tinyint"].contains(type.lowercased())
        }
    }

    public struct Table: Sendable, Equatable {
        public var name: String
        public var columns: [Column]
        /// The primary key's columns, in key order.
        public var primaryKey: [String]

        public init(name: String, columns: [Column], primaryKey: [String]) {
            self.name = name
            self.columns = columns
            self.primaryKey = primaryKey
        }

        public func column(_ name: String) -> Column? { columns.first { $0.name == name } }
    }

    public struct ForeignKey: Sendable, Equatable {
        public var name: String
        public var table: String
        public var columns: [String]
        public var referencedTable: String
        public var referencedColumns: [String]

        public init(name: String, table: String, columns: [String], referencedTable: String, referencedColumns: [String]) {
            self.name = name
            self.table = table
            self.columns = columns
            self.referencedTable = referencedTable
            self.referencedColumns = referencedColumns
        }
    }

    /// A trigger that fires on the UPDATEs of masking: on MySQL every UPDATE trigger (it has no
    /// switch), on PostgreSQL one enabled ALWAYS or REPLICA (session_replication_role = replica stops the rest).
    public struct Trigger: Sendable, Equatable {
        public var table: String
        public var name: String

        public init(table: String, name: String) {
            self.table = table
            self.name = name
        }
    }

    public var schema: String
    public var tables: [Table]
    public var foreignKeys: [ForeignKey]
    public var triggers: [Trigger]

    public init(schema: String, tables: [Table], foreignKeys: [ForeignKey], triggers: [Trigger] = []) {
        self.schema = schema
        self.tables = tables
        self.foreignKeys = foreignKeys
        self.triggers = triggers
    }

    public func table(_ name: String) -> Table? { tables.first { $0.name == name } }
}
