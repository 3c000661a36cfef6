import Basics
import Testing

@Suite struct RetryTests {
    struct Failure: Error, Equatable {
        let retryable: Bool
        let attempt: Int
    }

    @Test func triesAgainUntilItWorksWaitingAsScheduled() throws {
        var waits: [Int] = []
        var heard: [Int] = []
        let value = try Retry.doubling(from: 100, cap: 300).run(
            shouldRetry: { (_: Failure) in true }, onRetry: { _, attempt in heard.append(attempt) }, sleep: { waits.append($0) }
        ) { attempt throws(Failure) in
            guard attempt == 4 else { throw Failure(retryable: true, attempt: attempt) }
            return "done"
        }
        #expect(value == "done" && waits == [100, 200, 300] && heard == [1, 2, 3])
    }

    @Test func stopsAtTheLastAttemptAtANonRetryableErrorAndWhenTheWaitIsRefused() {
        var calls = 0
        #expect(throws: Failure(retryable: true, attempt: 3)) {
            try Retry(maxAttempts: 3) { _ in 0 }.run(shouldRetry: { (_: Failure) in true }, sleep: { _ in }) { attempt throws(Failure) -> Int in
                calls += 1
                throw Failure(retryable: true, attempt: attempt)
            }
        }
        #expect(calls == 3)
        #expect(throws: Failure(retryable: false, attempt: 2)) {
            try Retry(maxAttempts: 9) { _ in 0 }.run(shouldRetry: { (f: Failure) in f.retryable }, sleep: { _ in }) { attempt throws(Failure) -> Int in
                throw Failure(retryable: attempt < 2, attempt: attempt)
            }
        }
        #expect(throws: Failure(retryable: true, attempt: 2)) {
            try Retry.doubling(from: 1_000).run(shouldRetry: { (_: Failure) in true }, mayWait: { $0 < 2_000 }, sleep: { _ in }) { attempt throws(Failure) -> Int in
                throw Failure(retryable: true, attempt: attempt)
            }
        }
    }
}
