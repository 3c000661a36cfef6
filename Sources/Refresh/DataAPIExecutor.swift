import AWSClient
import Migrations

/// The migration runner's SQLExecutor over the RDS Data API. Aurora Serverless's wake-up
/// (DatabaseResumingException) is retried by the AWS client itself (ServiceDescriptor.rdsData).
public struct DataAPIExecutor: SQLExecutor {
    let data: RDSData
    /// The same client with a later deadline: a rollback after a statement cut off by `data`'s deadline
    /// must still be sent, or the transaction (and its locks) stays open until the Data API drops it.
    let cleanup: RDSData

    public init(data: RDSData, cleanup: RDSData? = nil) {
        self.data = data
        self.cleanup = cleanup ?? data
    }

    public func execute(_ sql: String, _ parameters: [(name: String, value: SQLValue)], transaction: String?, ddl: Bool) throws -> [[SQLValue]] {
        let fields = parameters.map { RDSData.Parameter(name: $0.name, value: Self.field($0.value)) }
        let result = try data.executeStatement(sql, parameters: fields, transactionID: transaction, continueAfterTimeout: ddl)
        let records: [[RDSData.Field]] = result.records ?? []
        return records.map { row in row.map(Self.value) }
    }

    public func begin() throws -> String { try data.beginTransaction() }
    public func commit(_ transaction: String) throws { _ = try data.commitTransaction(transaction) }
    public func rollback(_ transaction: String) throws { _ = try cleanup.rollbackTransaction(transaction) }

    static func field(_ value: SQLValue) -> RDSData.Field {
        switch value {
        case .null: return .null
        case .integer(let number): return .long(number)
        case .text(let text): return .string(text)
        case .boolean(let flag): return .bool(flag)
        case .real(let number): return .double(number)
        }
    }

    static func value(_ field: RDSData.Field) -> SQLValue {
        switch field {
        case .null: return .null
        case .bool(let flag): return .boolean(flag)
        case .long(let number): return .integer(number)
        case .double(let number): return .real(number)
        case .string(let text): return .text(text)
        case .blob(let bytes): return .text(String(decoding: bytes, as: UTF8.self))
        case .array: return .null
        }
    }
}
