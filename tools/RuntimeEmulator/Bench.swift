#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials

/// Measures a runtime the way issue 2 asks: cold init (exec → first GET next), first-invoke
/// latency, warm throughput with per-invoke latency, and peak RSS, all on this emulator.
struct Bench {
    let state: RuntimeState
    let address: String
    let command: [String]
    let environment: [String: String]
    let coldStarts: Int
    let invocations: Int
    let eventBytes: Int
    let uniqueTraceIDs: Bool

    struct Report: Encodable {
        var label: String
        var coldStarts: Int
        var initMedianMs: Double
        var initP90Ms: Double
        /// Median over the cold starts of the first invocation's latency.
        var firstInvokeMedianUs: Double
        var invocations: Int
        var invokesPerSecond: Double
        var p50Us: Double
        var p99Us: Double
        var peakRssKiB: Int
        /// The emulator's own time per warm invocation (reading GET next and the response, writing
        /// both replies): far below the per-invoke time means the runtime, not the emulator, sets
        /// the pace.
        var emulatorServiceUs: Double
        var wrongAnswers: Int
    }

    func run(label: String) -> Report? {
        var environment = self.environment
        environment["AWS_LAMBDA_RUNTIME_API"] = address
        // A JSON string literal: every runtime decodes and re-encodes it to the same bytes.
        let event = [UInt8(ascii: "\"")] + (0..<max(0, eventBytes - 2)).map { UInt8(ascii: "a") + UInt8($0 % 26) } + [UInt8(ascii: "\"")]
        var initTimes: [Double] = []
        var firstInvokeTimes: [Double] = []
        for _ in 0..<coldStarts {
            state.resetRuntime()
            let started = monotonicNanoseconds()
            guard let child = ChildProcess.spawn(command, extraEnvironment: environment) else { return nil }
            guard let firstNext = state.waitForFirstNext(timeoutSeconds: 20) else {
                child.stop()
                print("runtime-emulator: \(label) never called GET next")
                return nil
            }
            initTimes.append(Double(firstNext - started) / 1e6)
            let first = PendingInvocation(id: UUID().uuidString.lowercased(), event: event, deadlineMilliseconds: epochMilliseconds() + 300_000)
            state.enqueue([first])
            guard state.waitForOutcomes([first], timeoutSeconds: 20) else {
                child.stop()
                print("runtime-emulator: \(label) did not answer its first invocation")
                return nil
            }
            firstInvokeTimes.append(Double(first.answeredAt - first.handedOutAt) / 1e3)
            child.stop()
        }

        state.resetRuntime()
        guard let child = ChildProcess.spawn(command, extraEnvironment: environment) else { return nil }
        let deadline = epochMilliseconds() + 300_000
        let all = (0...invocations).map { index in
            PendingInvocation(id: UUID().uuidString.lowercased(), event: event, deadlineMilliseconds: deadline,
                              traceID: uniqueTraceIDs ? Self.traceHeader(index) : nil)
        }
        state.enqueue(all)
        // The warm run starts once the first invocation is answered.
        guard state.waitForOutcomes([all[0]], timeoutSeconds: 60) else {
            child.stop()
            print("runtime-emulator: \(label) did not answer its first invocation")
            return nil
        }
        let serviceBefore = state.serviceTotals()
        guard state.waitForOutcomes(all, timeoutSeconds: 300) else {
            child.stop()
            print("runtime-emulator: \(label) did not answer every invocation")
            return nil
        }
        let serviceAfter = state.serviceTotals()
        let peakRss = child.stop(signal: SIGTERM)

        let warm = all.dropFirst()
        let latencies = warm.map { Double($0.answeredAt - $0.handedOutAt) / 1e3 }.sorted()
        let wall = Double(warm.last!.answeredAt - warm.first!.handedOutAt) / 1e9
        let wrong = all.filter {
            if case .response(let body)? = $0.outcome { return body != event }
            return true
        }.count
        let sortedInit = initTimes.sorted()
        return Report(
            label: label,
            coldStarts: coldStarts,
            initMedianMs: percentile(sortedInit, 0.5),
            initP90Ms: percentile(sortedInit, 0.9),
            firstInvokeMedianUs: percentile(firstInvokeTimes.sorted(), 0.5),
            invocations: invocations,
            invokesPerSecond: Double(invocations) / wall,
            p50Us: percentile(latencies, 0.5),
            p99Us: percentile(latencies, 0.99),
            peakRssKiB: peakRss,
            emulatorServiceUs: Double(serviceAfter.nanoseconds - serviceBefore.nanoseconds) / 1e3 / Double(invocations),
            wrongAnswers: wrong)
    }

    /// An X-Ray trace header of the shape Lambda sends, different for each `index`.
    static func traceHeader(_ index: Int) -> String {
        let hex = String(index, radix: 16)
        let root = String(repeating: "0", count: max(0, 24 - hex.count)) + hex
        let parent = String(repeating: "0", count: max(0, 16 - hex.count)) + hex
        return "Root=1-67a1b2c3-\(root);Parent=\(parent);Sampled=1;Lineage=1:8f6e0b2d:0"
    }

    private func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
}
