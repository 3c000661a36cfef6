#if canImport(Glibc)
import Glibc
#endif

/// Keeps `_X_AMZN_TRACE_ID` equal to the current invocation's trace header without growing memory.
///
/// X-Ray SDKs read the trace header from this variable; a stale value would attach this
/// invocation's segments to the previous trace. `setenv` copies each value into a fresh allocation
/// that glibc never frees (145 bytes per invocation, measured), so instead one buffer of ours is
/// handed to `putenv` once and rewritten in place; it is replaced only by a larger one, for a trace
/// header longer than any before it.
final class TraceEnvironment {
    static let name = "_X_AMZN_TRACE_ID"
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity = 0
    /// Whether the variable is set now (by us or, before the first invocation, by the parent).
    private var isSet: Bool

    init() {
        isSet = getenv(Self.name) != nil
    }

    func set(_ trace: String?) {
        guard let trace else {
            // unsetenv rewrites environ even for an absent name: skip it when nothing is set.
            if isSet {
                unsetenv(Self.name)
                isSet = false
            }
            return
        }
        let needed = Self.prefix.count + trace.utf8.count + 1
        guard let buffer, needed <= capacity else {
            // environ points at the replacement before the previous buffer is freed, so a reader
            // of the environment never sees freed memory.
            let previous = self.buffer
            capacity = max(256, needed.nextPowerOfTwo)
            let replacement = UnsafeMutablePointer<CChar>.allocate(capacity: capacity)
            for (offset, byte) in Self.prefix.enumerated() { replacement[offset] = CChar(bitPattern: byte) }
            write(trace, into: replacement)
            putenv(replacement)
            self.buffer = replacement
            previous?.deallocate()
            isSet = true
            return
        }
        write(trace, into: buffer)
        if !isSet {
            // After an unset the buffer is still ours but no longer in environ.
            putenv(buffer)
            isSet = true
        }
    }

    /// `_X_AMZN_TRACE_ID=`, written once per buffer; only the value after it changes.
    private static let prefix = Array((name + "=").utf8)

    private func write(_ trace: String, into buffer: UnsafeMutablePointer<CChar>) {
        var offset = Self.prefix.count
        for byte in trace.utf8 {
            buffer[offset] = CChar(bitPattern: byte)
            offset += 1
        }
        buffer[offset] = 0
    }
}

extension Int {
    fileprivate var nextPowerOfTwo: Int {
        var value = 1
        while value < self { value <<= 1 }
        return value
    }
}
