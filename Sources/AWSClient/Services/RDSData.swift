import FoundationEssentials

/// The RDS Data API: SQL over HTTPS, one statement per call.
public struct RDSData {
    let wire: RestJSONProtocol
    public let resourceARN: String
    public let secretARN: String
    public let database: String?

    public init(session: AWSSession, deadline: Deadline, resourceARN: String, secretARN: String, database: String?) {
        wire = RestJSONProtocol(session: session, service: .rdsData, deadline: deadline)
        self.resourceARN = resourceARN
        self.secretARN = secretARN
        self.database = database
    }

    /// A value as the Data API types it: exactly one member of botocore's `Field` union.
    public enum Field: Codable, Sendable, Equatable {
        case null
        case bool(Bool)
        case long(Int64)
        case double(Double)
        case string(String)
        case blob([UInt8])
        case array([Field])

        private enum Key: String, CodingKey {
            case isNull, booleanValue, longValue, doubleValue, stringValue, blobValue, arrayValue
        }
        private enum ArrayKey: String, CodingKey {
            case booleanValues, longValues, doubleValues, stringValues, arrayValues
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            switch self {
            case .null: try container.encode(true, forKey: .isNull)
            case .bool(let value): try container.encode(value, forKey: .booleanValue)
            case .long(let value): try container.encode(value, forKey: .longValue)
            case .double(let value): try container.encode(value, forKey: .doubleValue)
            case .string(let value): try container.encode(value, forKey: .stringValue)
            case .blob(let value): try container.encode(Data(value).base64EncodedString(), forKey: .blobValue)
            case .array(let values):
                var array = container.nestedContainer(keyedBy: ArrayKey.self, forKey: .arrayValue)
                if values.allSatisfy({ if case .string = $0 { true } else { false } }) {
                    try array.encode(values.compactMap { if case .string(let v) = $0 { v } else { nil } }, forKey: .stringValues)
                } else if values.allSatisfy({ if case .long = $0 { true } else { false } }) {
                    try array.encode(values.compactMap { if case .long(let v) = $0 { v } else { nil } }, forKey: .longValues)
                } else {
                    throw EncodingError.invalidValue(values, .init(codingPath: encoder.codingPath,
                                                                   debugDescription: "only string and long arrays are sent"))
                }
            }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            if try container.decodeIfPresent(Bool.self, forKey: .isNull) == true { self = .null }
            else if let value = try container.decodeIfPresent(Bool.self, forKey: .booleanValue) { self = .bool(value) }
            else if let value = try container.decodeIfPresent(Int64.self, forKey: .longValue) { self = .long(value) }
            else if let value = try container.decodeIfPresent(Double.self, forKey: .doubleValue) { self = .double(value) }
            else if let value = try container.decodeIfPresent(String.self, forKey: .stringValue) { self = .string(value) }
            else if let value = try container.decodeIfPresent(String.self, forKey: .blobValue) { self = .blob(Array(Data(base64Encoded: value) ?? Data())) }
            else if container.contains(.arrayValue) {
                let array = try container.nestedContainer(keyedBy: ArrayKey.self, forKey: .arrayValue)
                if let values = try array.decodeIfPresent([String].self, forKey: .stringValues) { self = .array(values.map(Field.string)) }
                else if let values = try array.decodeIfPresent([Int64].self, forKey: .longValues) { self = .array(values.map(Field.long)) }
                else if let values = try array.decodeIfPresent([Double].self, forKey: .doubleValues) { self = .array(values.map(Field.double)) }
                else if let values = try array.decodeIfPresent([Bool].self, forKey: .booleanValues) { self = .array(values.map(Field.bool)) }
                else { self = .array(try array.decodeIfPresent([Field].self, forKey: .arrayValues) ?? []) }
            } else {
                self = .null
            }
        }
    }

    public struct Parameter: Encodable, Sendable, Equatable {
        public let name: String
        public let value: Field
        /// DATE, DECIMAL, JSON, TIME, TIMESTAMP or UUID, when the string is one of those.
        public let typeHint: String?

        public init(name: String, value: Field, typeHint: String? = nil) {
            self.name = name
            self.value = value
            self.typeHint = typeHint
        }
    }

    public struct Column: Codable, Sendable, Equatable {
        public let name: String?
        public let typeName: String?
    }

    public struct Result: Codable, Sendable {
        public let records: [[Field]]?
        public let columnMetadata: [Column]?
        public let numberOfRecordsUpdated: Int64?
        public let formattedRecords: String?
    }

    public func executeStatement(_ sql: String, parameters: [Parameter] = [], transactionID: String? = nil,
                                 includeResultMetadata: Bool = false, continueAfterTimeout: Bool = false,
                                 formatRecordsAsJSON: Bool = false) throws(AWSError) -> Result {
        struct Input: Encodable {
            let resourceArn: String
            let secretArn: String
            let sql: String
            let database: String?
            let parameters: [Parameter]?
            let transactionId: String?
            let includeResultMetadata: Bool?
            let continueAfterTimeout: Bool?
            let formatRecordsAs: String?
        }
        return try wire.call("ExecuteStatement", path: "/Execute", Input(
            resourceArn: resourceARN, secretArn: secretARN, sql: sql, database: database,
            parameters: parameters.isEmpty ? nil : parameters, transactionId: transactionID,
            includeResultMetadata: includeResultMetadata ? true : nil, continueAfterTimeout: continueAfterTimeout ? true : nil,
            formatRecordsAs: formatRecordsAsJSON ? "JSON" : nil))
    }

    public func batchExecuteStatement(_ sql: String, parameterSets: [[Parameter]], transactionID: String? = nil) throws(AWSError) -> Int {
        struct Input: Encodable {
            let resourceArn: String
            let secretArn: String
            let sql: String
            let database: String?
            let parameterSets: [[Parameter]]
            let transactionId: String?
        }
        struct Output: Decodable { let updateResults: [Empty]? }
        return try wire.call("BatchExecuteStatement", path: "/BatchExecute", Input(
            resourceArn: resourceARN, secretArn: secretARN, sql: sql, database: database,
            parameterSets: parameterSets, transactionId: transactionID), as: Output.self).updateResults?.count ?? 0
    }

    public func beginTransaction() throws(AWSError) -> String {
        struct Input: Encodable { let resourceArn: String; let secretArn: String; let database: String? }
        struct Output: Decodable { let transactionId: String }
        return try wire.call("BeginTransaction", path: "/BeginTransaction",
                             Input(resourceArn: resourceARN, secretArn: secretARN, database: database), as: Output.self).transactionId
    }

    /// Returns the transaction status, e.g. "Transaction Committed".
    @discardableResult
    public func commitTransaction(_ id: String) throws(AWSError) -> String {
        try finish("CommitTransaction", path: "/CommitTransaction", id)
    }

    @discardableResult
    public func rollbackTransaction(_ id: String) throws(AWSError) -> String {
        try finish("RollbackTransaction", path: "/RollbackTransaction", id)
    }

    private func finish(_ operation: String, path: String, _ id: String) throws(AWSError) -> String {
        struct Input: Encodable { let resourceArn: String; let secretArn: String; let transactionId: String }
        struct Output: Decodable { let transactionStatus: String? }
        return try wire.call(operation, path: path, Input(resourceArn: resourceARN, secretArn: secretARN, transactionId: id),
                             as: Output.self).transactionStatus ?? ""
    }
}
