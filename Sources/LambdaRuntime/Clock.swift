#if canImport(Glibc)
import Glibc
#endif

/// Wall and monotonic time without Foundation's Date, which costs start-up time for no gain here.
public enum Clock {
    /// Milliseconds since the Unix epoch: the unit of `Lambda-Runtime-Deadline-Ms`.
    public static func epochMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    public static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
