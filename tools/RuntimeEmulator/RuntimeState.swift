#if canImport(Glibc)
import Glibc
#endif

/// The Runtime API's state machine for one runtime, with RIE's rules (aws-lambda-runtime-interface-
/// emulator, lambda/rapi): one invocation in flight; a second GET next while it runs delivers it
/// again; a response or error for any other id is 400 InvalidRequestID; init/error is allowed only
/// before the first GET next, and a GET next after it is 403 InvalidStateTransition.
final class RuntimeState: @unchecked Sendable {
    enum Phase: String {
        case started = "Started"
        case ready = "Ready"
        case running = "Running"
        case initError = "InitError"
    }

    enum NextResult {
        case invocation(PendingInvocation)
        case injected(status: Int)
        case notAllowed(from: Phase)
        /// The bench restarted the runtime: this connection belongs to a process that is gone.
        case stale
    }

    /// RIE's `interop.MaxPayloadSize`: 6 MiB + 100 bytes.
    static let maxPayloadSize = 6 * 1024 * 1024 + 100

    let monitor = Monitor()
    private var phase = Phase.started
    private var queue: [PendingInvocation] = []
    private var queueHead = 0
    private var current: PendingInvocation?
    private var injectedNextStatus: Int?
    private var initErrorBody: [UInt8]?
    private var generation = 0
    private(set) var firstNextAt: UInt64?
    private var calls: [Call] = []
    /// Time spent between reading a runtime request and writing its reply, summed, and the number
    /// of such requests, excluding waits for an invocation: the emulator's own cost.
    private var serviceNanoseconds: UInt64 = 0
    private var servedRequests = 0

    struct Call {
        let method: String
        let path: String
        var status: Int
        /// The `Lambda-Runtime-Function-Error-Type` header as sent.
        let errorTypeHeader: String?
        /// For error posts, the type RIE records after its rewrite rule.
        let errorType: String?
    }

    // MARK: invoker side

    /// Queues an invocation and waits for its outcome, or for the function timeout.
    func invoke(_ invocation: PendingInvocation, timeoutSeconds: Int) -> PendingInvocation.Outcome {
        monitor.locked {
            if let initErrorBody { return .initError(body: initErrorBody) }
            queue.append(invocation)
            monitor.broadcast()
            let limit = monotonicNanoseconds() + UInt64(timeoutSeconds) * 1_000_000_000
            while invocation.outcome == nil {
                if !monitor.wait(until: limit) && invocation.outcome == nil {
                    // Released like RIE does: a late response for this id is 400.
                    if current === invocation { current = nil; phase = .ready }
                    queue.removeAll { $0 === invocation }
                    invocation.outcome = .timedOut(seconds: timeoutSeconds)
                }
            }
            return invocation.outcome!
        }
    }

    /// Queues invocations without waiting (the bench's way of keeping the runtime busy).
    func enqueue(_ invocations: [PendingInvocation]) {
        monitor.locked {
            queue.append(contentsOf: invocations)
            monitor.broadcast()
        }
    }

    /// Waits until every one of `invocations` has an outcome. Polls instead of waiting on the
    /// condition: a waiter woken by every answer would cost the runtime's thread a hand-off per
    /// invocation and distort what the bench measures.
    func waitForOutcomes(_ invocations: [PendingInvocation], timeoutSeconds: Int) -> Bool {
        let limit = monotonicNanoseconds() + UInt64(timeoutSeconds) * 1_000_000_000
        var answered = 0
        while monotonicNanoseconds() < limit {
            answered = monitor.locked {
                var index = answered
                while index < invocations.count, invocations[index].outcome != nil { index += 1 }
                return index
            }
            if answered == invocations.count { return true }
            usleep(5_000)
        }
        return false
    }

    // MARK: runtime side

    func next(generation connectionGeneration: Int) -> NextResult {
        monitor.locked {
            if firstNextAt == nil { firstNextAt = monotonicNanoseconds(); monitor.broadcast() }
            if let status = injectedNextStatus {
                injectedNextStatus = nil
                return .injected(status: status)
            }
            if phase == .initError { return .notAllowed(from: phase) }
            if let current { return .invocation(current) }
            phase = .ready
            while queueHead >= queue.count {
                monitor.wait()
                if generation != connectionGeneration { return .stale }
            }
            let invocation = queue[queueHead]
            queueHead += 1
            if queueHead > 1024 && queueHead * 2 > queue.count {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
            invocation.handedOutAt = monotonicNanoseconds()
            current = invocation
            phase = .running
            return .invocation(invocation)
        }
    }

    enum PostResult {
        case accepted
        case invalidRequestID
        case tooLarge
        case notAllowed(from: Phase)
    }

    /// `call`, when given, is recorded with the answer's status before the invoker is woken, so
    /// whoever reads the calls after the invocation's answer finds this post among them.
    func respond(id: String, body: [UInt8], recording call: Call? = nil) -> PostResult {
        monitor.locked {
            guard let invocation = current, invocation.id == id else { return keep(call, .invalidRequestID) }
            if body.count > Self.maxPayloadSize {
                let message = "Response payload size (\(body.count) bytes) exceeded maximum allowed payload size (\(Self.maxPayloadSize) bytes)."
                finish(invocation, .functionError(
                    type: "Function.ResponseSizeTooLarge",
                    body: Array(#"{"errorType":"Function.ResponseSizeTooLarge","errorMessage":"\#(message)"}"#.utf8)),
                    after: call, status: 413)
                return .tooLarge
            }
            finish(invocation, .response(body), after: call, status: 202)
            return .accepted
        }
    }

    func fail(id: String, errorType: String?, body: [UInt8], recording call: Call? = nil) -> PostResult {
        monitor.locked {
            guard let invocation = current, invocation.id == id else { return keep(call, .invalidRequestID) }
            finish(invocation, .functionError(type: Self.validErrorType(errorType), body: body), after: call, status: 202)
            return .accepted
        }
    }

    /// Records a refused post (the caller holds the lock).
    private func keep(_ call: Call?, _ result: PostResult) -> PostResult {
        if var call {
            call.status = 400
            calls.append(call)
        }
        return result
    }

    func initError(errorType: String?, body: [UInt8]) -> PostResult {
        monitor.locked {
            guard phase == .started else { return .notAllowed(from: phase) }
            phase = .initError
            initErrorBody = body
            for invocation in queue[queueHead...] where invocation.outcome == nil {
                invocation.outcome = .initError(body: body)
            }
            monitor.broadcast()
            return .accepted
        }
    }

    private func finish(_ invocation: PendingInvocation, _ outcome: PendingInvocation.Outcome, after call: Call? = nil, status: Int = 202) {
        if var call {
            call.status = status
            calls.append(call)
        }
        invocation.answeredAt = monotonicNanoseconds()
        invocation.outcome = outcome
        current = nil
        phase = .ready
        monitor.broadcast()
    }

    /// RIE's rule: a type not matching `(Runtime|Function)\.[A-Z][a-zA-Z]+` (unanchored) becomes
    /// Function.Unknown or Runtime.Unknown.
    static func validErrorType(_ type: String?) -> String {
        guard let type else { return "Runtime.Unknown" }
        let bytes = Array(type.utf8)
        for prefix in ["Runtime.", "Function."] {
            var searchFrom = 0
            while let range = find(Array(prefix.utf8), in: bytes, from: searchFrom) {
                let rest = bytes[range.upperBound...]
                if let first = rest.first, (0x41...0x5A).contains(first),
                   rest.dropFirst().first.map(isASCIILetter) == true {
                    return type
                }
                searchFrom = range.lowerBound + 1
            }
        }
        return type.hasPrefix("Function.") ? "Function.Unknown" : "Runtime.Unknown"
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Range<Int>? {
        guard needle.count <= haystack.count else { return nil }
        var i = from
        while i + needle.count <= haystack.count {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i..<(i + needle.count) }
            i += 1
        }
        return nil
    }

    // MARK: control

    func currentGeneration() -> Int {
        monitor.locked { generation }
    }

    func injectNextStatus(_ status: Int) {
        monitor.locked { injectedNextStatus = status }
    }

    func record(_ call: Call) {
        monitor.locked { calls.append(call) }
    }

    func addService(nanoseconds: UInt64) {
        monitor.locked {
            serviceNanoseconds += nanoseconds
            servedRequests += 1
        }
    }

    func serviceTotals() -> (nanoseconds: UInt64, requests: Int) {
        monitor.locked { (serviceNanoseconds, servedRequests) }
    }

    func recordedCalls() -> [Call] {
        monitor.locked { calls }
    }

    /// Forgets the runtime, as when its process is replaced: waiting GET nexts of the old process
    /// give up instead of taking invocations meant for the new one.
    func resetRuntime() {
        monitor.locked {
            generation += 1
            phase = .started
            current = nil
            initErrorBody = nil
            firstNextAt = nil
            monitor.broadcast()
        }
    }

    func waitForFirstNext(timeoutSeconds: Int) -> UInt64? {
        monitor.locked {
            let limit = monotonicNanoseconds() + UInt64(timeoutSeconds) * 1_000_000_000
            while firstNextAt == nil {
                if !monitor.wait(until: limit) { break }
            }
            return firstNextAt
        }
    }
}
