#if canImport(Glibc)
import Glibc
#endif

/// The project's one way to read a file (whole, as bytes, with the reason when it cannot) and to
/// write bytes to a descriptor (all of them, across partial writes).
public enum FileContents {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let path: String
        /// strerror's words, e.g. "No such file or directory".
        public let reason: String
        /// ENOENT: for the callers to which an absent file is no error.
        public let isMissing: Bool

        public var description: String { "cannot read \(path): \(reason)" }
    }

    public static func read(_ path: String) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(path: path, reason: String(cString: strerror(errno)), isMissing: errno == ENOENT) }
        defer { close(descriptor) }
        return try read(descriptor: descriptor, path: path)
    }

    /// Everything left on an open descriptor (standard input: 0), to its end.
    public static func read(descriptor: Int32, path: String = "standard input") throws(Failure) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, reason: String(cString: strerror(errno)), isMissing: false)
            }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }

    /// All of `bytes` to `descriptor` in as few write(2) calls as the kernel allows (one, for a log
    /// line, so lines of concurrent writers never interleave). Gives up silently on an error: the
    /// callers write to standard error, where there is no one left to tell.
    public static func write(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let count = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { return }
                offset += count
            }
        }
    }
}
