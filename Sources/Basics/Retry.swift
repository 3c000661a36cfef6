#if canImport(Glibc)
import Glibc
#endif

/// The project's one retry loop: the AWS client's calls, the Data API while Aurora wakes, the
/// custom resource's answer and the Runtime API's connection each bring their own schedule and
/// their own idea of what is worth another try; how trying again works is the same for all.
public struct Retry: Sendable {
    public let maxAttempts: Int
    /// The wait before attempt n + 1, after attempt n failed.
    public let delayMilliseconds: @Sendable (_ afterAttempt: Int) -> Int

    public init(maxAttempts: Int, delayMilliseconds: @escaping @Sendable (_ afterAttempt: Int) -> Int) {
        self.maxAttempts = maxAttempts
        self.delayMilliseconds = delayMilliseconds
    }

    /// Doubling waits from `firstMilliseconds`, at most `capMilliseconds` each.
    public static func doubling(from firstMilliseconds: Int, cap capMilliseconds: Int = .max, maxAttempts: Int = .max) -> Retry {
        Retry(maxAttempts: maxAttempts) { attempt in min(capMilliseconds, firstMilliseconds << min(attempt - 1, 30)) }
    }

    /// Calls `body` with the attempt's number (from 1) until it returns, `shouldRetry` says no, the
    /// attempts run out, or `mayWait` refuses the next wait (the deadline is too near); then the
    /// last error is thrown. `onRetry` hears each failure that is tried again.
    @inlinable
    public func run<Value, Failure: Error>(
        shouldRetry: (Failure) -> Bool, mayWait: (_ milliseconds: Int) -> Bool = { _ in true },
        onRetry: (Failure, _ attempt: Int) -> Void = { _, _ in }, sleep: (_ milliseconds: Int) -> Void = Retry.sleep,
        _ body: (_ attempt: Int) throws(Failure) -> Value
    ) throws(Failure) -> Value {
        var attempt = 1
        while true {
            do {
                return try body(attempt)
            } catch {
                guard attempt < maxAttempts, shouldRetry(error) else { throw error }
                let delay = delayMilliseconds(attempt)
                guard mayWait(delay) else { throw error }
                onRetry(error, attempt)
                if delay > 0 { sleep(delay) }
                attempt += 1
            }
        }
    }

    public static func sleep(_ milliseconds: Int) {
        usleep(UInt32(clamping: milliseconds * 1_000))
    }
}
