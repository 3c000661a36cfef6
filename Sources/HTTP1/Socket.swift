#if canImport(Glibc)
import Glibc
#endif

/// A failed socket call, with the errno that explains it.
public struct SocketError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let code: Int32

    public init(_ operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
    }

    /// True when the peer is not there or went away: worth reconnecting for.
    public var isConnectionLost: Bool {
        [ECONNREFUSED, ECONNRESET, EPIPE, ECONNABORTED, ENOTCONN, ETIMEDOUT].contains(code)
    }

    public var description: String {
        "\(operation): \(String(cString: strerror(code)))"
    }
}

/// A connected TCP socket. It owns the descriptor and closes it exactly once.
public final class Socket {
    public let descriptor: Int32
    private var isOpen = true

    public init(adopting descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close() }

    public func close() {
        if isOpen {
            isOpen = false
            _ = Glibc.close(descriptor)
        }
    }

    /// Connects to an IPv4 or IPv6 literal or a host name, with Nagle off: every request here is
    /// one small write that must not wait for an ACK.
    public static func connect(host: String, port: UInt16) throws(SocketError) -> Socket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw SocketError("resolve \(host)", code: status == EAI_SYSTEM ? errno : EHOSTUNREACH)
        }
        defer { freeaddrinfo(list) }
        var lastError = SocketError("connect \(host):\(port)", code: ECONNREFUSED)
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            let fd = socket(address.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd >= 0 {
                if Glibc.connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 {
                    let socket = Socket(adopting: fd)
                    socket.setNoDelay()
                    return socket
                }
                lastError = SocketError("connect \(host):\(port)")
                _ = Glibc.close(fd)
            }
            entry = address.pointee.ai_next
        }
        throw lastError
    }

    public func setNoDelay() {
        var on: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Reads what is there, at most `count` bytes. Zero means the peer closed.
    ///
    /// With `spinNanoseconds`, polls without blocking for that long first. A blocked thread on a
    /// virtual machine takes ~100 µs to wake (measured here: 121 µs per blocking loopback round trip,
    /// 30 µs when one side spins), which would make a local peer, not the code under test, set the
    /// pace. Only test peers spin; the runtime never does, since Lambda bills its CPU.
    public func read(into buffer: UnsafeMutableRawBufferPointer, spinNanoseconds: UInt64 = 0) throws(SocketError) -> Int {
        if spinNanoseconds > 0 {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let limit = UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec) + spinNanoseconds
            while true {
                let n = Glibc.recv(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
                if n >= 0 { return n }
                guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { throw SocketError("read") }
                clock_gettime(CLOCK_MONOTONIC, &now)
                if UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec) >= limit { break }
            }
        }
        while true {
            let n = Glibc.recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if n >= 0 { return n }
            if errno != EINTR { throw SocketError("read") }
        }
    }

    /// Writes every byte of both parts with as few system calls as the kernel allows.
    public func write(_ head: [UInt8], _ body: [UInt8] = []) throws(SocketError) {
        var headSent = 0
        var bodySent = 0
        while headSent < head.count || bodySent < body.count {
            let sent: Int = head.withUnsafeBytes { h in
                body.withUnsafeBytes { b in
                    var parts = [
                        iovec(iov_base: UnsafeMutableRawPointer(mutating: h.baseAddress.map { $0 + headSent }),
                              iov_len: head.count - headSent),
                        iovec(iov_base: UnsafeMutableRawPointer(mutating: b.baseAddress.map { $0 + bodySent }),
                              iov_len: body.count - bodySent),
                    ]
                    var message = msghdr()
                    return parts.withUnsafeMutableBufferPointer { iov in
                        message.msg_iov = iov.baseAddress
                        message.msg_iovlen = 2
                        // MSG_NOSIGNAL: a closed peer is an error to handle, not a SIGPIPE that kills us.
                        return sendmsg(descriptor, &message, Int32(MSG_NOSIGNAL))
                    }
                }
            }
            if sent < 0 {
                if errno == EINTR { continue }
                throw SocketError("write")
            }
            let fromHead = min(sent, head.count - headSent)
            headSent += fromHead
            bodySent += sent - fromHead
        }
    }
}

/// A listening TCP socket on a loopback or given address.
public final class Listener {
    public let socket: Socket
    public let port: UInt16

    public init(host: String, port: UInt16) throws(SocketError) {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket") }
        let socket = Socket(adopting: fd)
        var on: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw SocketError("parse IPv4 address \(host)", code: EINVAL)
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw SocketError("bind \(host):\(port)") }
        guard listen(fd, 128) == 0 else { throw SocketError("listen") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.socket = socket
        self.port = UInt16(bigEndian: address.sin_port)
    }

    public func accept() throws(SocketError) -> Socket {
        while true {
            let fd = Glibc.accept(socket.descriptor, nil, nil)
            if fd >= 0 {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                let connection = Socket(adopting: fd)
                connection.setNoDelay()
                return connection
            }
            if errno != EINTR && errno != ECONNABORTED { throw SocketError("accept") }
        }
    }
}
