#if canImport(Glibc)
import Glibc
#endif

extension Array where Element == UInt8 {
    /// The first index of `byte` within `range`, found with memchr: heads are scanned per request,
    /// and a Swift byte loop with bounds checks cost several times more.
    func firstIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
        guard !range.isEmpty else { return nil }
        return withUnsafeBufferPointer { buffer in
            guard let found = memchr(buffer.baseAddress! + range.lowerBound, Int32(byte), range.count) else { return nil }
            return buffer.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }
}
