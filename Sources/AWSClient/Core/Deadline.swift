#if canImport(Glibc)
import Glibc
#endif

/// When a call must be finished by: the invocation's deadline, in milliseconds since the epoch.
/// Every attempt and every backoff fits before it.
public struct Deadline: Sendable, Comparable {
    public let epochMilliseconds: Int64

    public init(epochMilliseconds: Int64) {
        self.epochMilliseconds = epochMilliseconds
    }

    public static func now() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    public static func after(milliseconds: Int64) -> Deadline {
        Deadline(epochMilliseconds: now() + milliseconds)
    }

    public var remainingMilliseconds: Int64 { epochMilliseconds - Self.now() }

    public static func < (a: Deadline, b: Deadline) -> Bool { a.epochMilliseconds < b.epochMilliseconds }
}
