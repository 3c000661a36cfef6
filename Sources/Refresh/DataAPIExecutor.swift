import AWSClient
import Migrations
import Retry

/// The migration runner's SQLExecutor over the RDS Data API. Aurora Serverless answers
/// DatabaseResumingException while it wakes up, and the Data API may be briefly unavailable: those
/// are retried with backoff, but never past the deadline.
public struct DataAPIExecutor: SQLExecutor {
    let data: RDSData
    let deadline: Deadline
    static let transient: Set<String> = ["DatabaseResumingException", "DatabaseUnavailableException", "ServiceUnavailableError"]

    public init(data: RDSData, deadline: Deadline) {
        self.data = data
        self.deadline = deadline
    }

    public func execute(_ sql: String, _ parameters: [(name: String, value: SQLValue)], transaction: String?, ddl: Bool) throws -> [[SQLValue]] {
        let fields = parameters.map { RDSData.Parameter(name: $0.name, value: Self.field($0.value)) }
        let result = try retrying { () throws(AWSError) -> RDSData.Result in
            try data.executeStatement(sql, parameters: fields, transactionID: transaction, continueAfterTimeout: ddl)
        }
        let records: [[RDSData.Field]] = result.records ?? []
        return records.map { row in row.map(Self.value) }
    }

    public func begin() throws -> String { try retrying { () throws(AWSError) -> String in try data.beginTransaction() } }
    public func commit(_ transaction: String) throws { _ = try data.commitTransaction(transaction) }
    public func rollback(_ transaction: String) throws { _ = try data.rollbackTransaction(transaction) }

    private func retrying<T>(_ call: () throws(AWSError) -> T) throws(AWSError) -> T {
        try Self.wakeUp.run(shouldRetry: { $0.code.map(Self.transient.contains) ?? false },
                            mayWait: { deadline.remainingMilliseconds > Int64($0) + 1_000 }) { _ throws(AWSError) in try call() }
    }

    /// 1 s, 2 s, 4 s … at most 10 s apart, for as long as the deadline allows.
    static let wakeUp = Retry.doubling(from: 1_000, cap: 10_000)

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
