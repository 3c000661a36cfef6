import CCurl

/// HTTPS through libcurl with one reused easy handle, so connections are kept alive between
/// calls. TLS verification stays on, against the CA bundle found at init (`CABundle`). Options
/// follow aws-lambda-cpp: no signals, Nagle off, HTTP/1.1, explicit Content-Length, no
/// `Expect: 100-continue`. Only http and https URLs are sent, and redirects are not followed.
public final class CurlTransport: HTTPTransport {
    private let handle: UnsafeMutableRawPointer
    public let caBundle: CABundle
    /// libcurl gives up connecting after this long even when the call has more time: a peer that
    /// does not accept within it is down, and the retry policy decides what happens next.
    public var connectTimeoutMilliseconds = 3_000

    public init(caBundle: CABundle) throws(TransportError) {
        try Self.load()
        guard let handle = ccurl_easy_init() else { throw TransportError(.unavailable, "curl_easy_init failed") }
        self.handle = handle
        self.caBundle = caBundle
    }

    /// Which libcurl the process uses: the file it was loaded from and `curl_version()`.
    public static func library() throws(TransportError) -> (path: String, version: String) {
        try load()
        return (String(cString: ccurl_loaded_from()), String(cString: ccurl_version()))
    }

    private static func load() throws(TransportError) {
        var error = [CChar](repeating: 0, count: 1024)
        guard ccurl_load(&error, error.count) == 0 else {
            throw TransportError(.unavailable, String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
    }

    deinit {
        ccurl_easy_cleanup(handle)
    }

    private final class Collector {
        var body: [UInt8] = []
        var headerLines: [String] = []
    }

    public func send(_ request: HTTPRequest, timeoutMilliseconds: Int) throws(TransportError) -> HTTPResponse {
        guard timeoutMilliseconds > 0 else { throw TransportError(.timeout, "no time left for \(request.method) \(Redaction.url(request.url))") }
        let scheme = request.url.prefix { $0 != ":" }.lowercased()
        guard scheme == "https" || scheme == "http", request.url.dropFirst(scheme.count).hasPrefix("://") else {
            throw TransportError(.invalidRequest, "refusing to send to \(Redaction.url(String(request.url.prefix(200)))): only http:// and https:// URLs are sent")
        }
        // Reset clears the options but keeps the connection cache: the next call reuses the socket.
        ccurl_easy_reset(handle)
        let collector = Collector()
        let context = Unmanaged.passUnretained(collector).toOpaque()
        var errorBuffer = [CChar](repeating: 0, count: CCURL_ERROR_SIZE)

        var list: OpaquePointer?
        var headers = request.headers
        headers.append(("Expect", ""))
        if !request.body.isEmpty || request.method != "GET" {
            headers.append(("Content-Length", String(request.body.count)))
        }
        for (name, value) in headers {
            // "Name:" removes a header libcurl would add; "Name;" sends it empty.
            let line = value.isEmpty ? (name == "Expect" ? "Expect:" : name + ";") : name + ": " + value
            list = ccurl_slist_append(list, line)
        }
        defer { ccurl_slist_free_all(list) }

        let status: Int32 = request.body.withUnsafeBytes { body in
            errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
                ccurl_setopt_pointer(handle, Int32(CCURLOPT_URL), request.url)
                ccurl_setopt_long(handle, Int32(CCURLOPT_PROTOCOLS), CCURLPROTO_HTTP_HTTPS)
                ccurl_setopt_long(handle, Int32(CCURLOPT_REDIR_PROTOCOLS), CCURLPROTO_HTTP_HTTPS)
                ccurl_setopt_pointer(handle, Int32(CCURLOPT_CAINFO), caBundle.path)
                ccurl_setopt_long(handle, Int32(CCURLOPT_NOSIGNAL), 1)
                ccurl_setopt_long(handle, Int32(CCURLOPT_TCP_NODELAY), 1)
                ccurl_setopt_long(handle, Int32(CCURLOPT_HTTP_VERSION), CCURL_HTTP_VERSION_1_1)
                ccurl_setopt_long(handle, Int32(CCURLOPT_CONNECTTIMEOUT_MS), min(connectTimeoutMilliseconds, timeoutMilliseconds))
                ccurl_setopt_long(handle, Int32(CCURLOPT_TIMEOUT_MS), timeoutMilliseconds)
                ccurl_setopt_pointer(handle, Int32(CCURLOPT_ERRORBUFFER), errorPointer.baseAddress)
                ccurl_setopt_pointer(handle, Int32(CCURLOPT_HTTPHEADER), UnsafeRawPointer(list))
                ccurl_setopt_callback(handle, Int32(CCURLOPT_WRITEFUNCTION)) { data, size, count, context in
                    let collector = Unmanaged<Collector>.fromOpaque(context!).takeUnretainedValue()
                    let total = size * count
                    collector.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: total))
                    return total
                }
                ccurl_setopt_pointer(handle, Int32(CCURLOPT_WRITEDATA), context)
                ccurl_setopt_callback(handle, Int32(CCURLOPT_HEADERFUNCTION)) { data, size, count, context in
                    let collector = Unmanaged<Collector>.fromOpaque(context!).takeUnretainedValue()
                    let total = size * count
                    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: total), as: UTF8.self)
                    // A new status line (after a 100 Continue or a redirect) starts a new header set.
                    if line.hasPrefix("HTTP/") { collector.headerLines.removeAll() }
                    collector.headerLines.append(line)
                    return total
                }
                ccurl_setopt_pointer(handle, Int32(CCURLOPT_HEADERDATA), context)
                switch request.method {
                case "GET":
                    ccurl_setopt_long(handle, Int32(CCURLOPT_HTTPGET), 1)
                case "HEAD":
                    ccurl_setopt_long(handle, Int32(CCURLOPT_NOBODY), 1)
                default:
                    if request.method != "POST" {
                        ccurl_setopt_pointer(handle, Int32(CCURLOPT_CUSTOMREQUEST), request.method)
                    }
                    ccurl_setopt_long(handle, Int32(CCURLOPT_POST), 1)
                    ccurl_setopt_pointer(handle, Int32(CCURLOPT_POSTFIELDS), body.baseAddress ?? UnsafeRawPointer(bitPattern: 1))
                    ccurl_setopt_size(handle, Int32(CCURLOPT_POSTFIELDSIZE_LARGE), Int64(body.count))
                }
                return ccurl_easy_perform(handle)
            }
        }
        guard status == 0 else {
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let reason = detail.isEmpty ? String(cString: ccurl_easy_strerror(status)) : detail
            throw TransportError(Self.kind(of: status), "\(request.method) \(Redaction.url(request.url)): \(reason)")
        }
        var code = 0
        ccurl_getinfo_long(handle, Int32(CCURLINFO_RESPONSE_CODE), &code)
        return HTTPResponse(status: code, headers: Self.parse(collector.headerLines), body: collector.body)
    }

    /// libcurl's error codes, grouped by what a caller can do about them.
    private static func kind(of code: Int32) -> TransportError.Kind {
        switch code {
        case 5, 6, 7, 35, 52, 55, 56: .connection  // resolve, connect, TLS handshake, empty reply, send, receive
        case 28: .timeout
        case 1, 3: .invalidRequest  // unsupported protocol, malformed URL
        default: .other
        }
    }

    private static func parse(_ lines: [String]) -> [(String, String)] {
        lines.dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t\r\n")
            return (name, value)
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var slice = self
        while let first = slice.first, characters.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, characters.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
