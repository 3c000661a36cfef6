/// How many rows the next chunk takes: sized so that a chunk takes about `targetMilliseconds`, far
/// inside the Data API's 45-second statement limit, growing at most 4x and shrinking at least to half
/// per chunk, so one slow chunk cannot run into the limit.
public struct ChunkSizer: Sendable, Equatable {
    public private(set) var rows: Int
    public let targetMilliseconds: Int64
    public static let maximumRows = 1_000_000

    public init(rows: Int, targetMilliseconds: Int64 = 5_000) {
        self.rows = max(1, min(rows, Self.maximumRows))
        self.targetMilliseconds = targetMilliseconds
    }

    public mutating func record(milliseconds: Int64) {
        let ideal = Double(rows) * Double(targetMilliseconds) / Double(max(milliseconds, 1))
        let bounded = min(max(ideal, Double(rows) / 2), Double(rows) * 4)
        rows = max(1, min(Int(bounded), Self.maximumRows))
    }
}
