import Digests

/// A request as the signer sees it: the path exactly as it goes on the wire (encoded once), the
/// query as plain pairs (the signer and the URL builder encode them the same way).
public struct SigningRequest: Sendable {
    public var method: String
    /// The Host header's value: the host, and the port when it is not the scheme's default.
    public var host: String
    public var path: String
    public var query: [(String, String)]
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(method: String, host: String, path: String, query: [(String, String)] = [],
                headers: [(String, String)] = [], body: [UInt8] = []) {
        self.method = method
        self.host = host
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

/// Everything a signature is made of, kept so a mismatch can be explained.
public struct Signature: Sendable {
    public let authorization: String
    public let amzDate: String
    public let securityToken: String?
    public let signedHeaders: String
    public let canonicalRequest: String
    public let stringToSign: String

    /// The headers to add to the request.
    public var headers: [(String, String)] {
        var headers = [("X-Amz-Date", amzDate)]
        if let securityToken { headers.append(("X-Amz-Security-Token", securityToken)) }
        headers.append(("Authorization", authorization))
        return headers
    }
}

/// AWS Signature Version 4 for every service but S3, byte for byte as botocore's `SigV4Auth`
/// (the differential test in Tests/integration/test_sigv4.py holds it to that).
public struct SigV4Signer: Sendable {
    public let service: String
    public let region: String

    /// Headers botocore leaves unsigned: hop-by-hop headers, and ones proxies and SDKs rewrite.
    static let unsignedHeaders: Set<String> = [
        "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    public init(service: String, region: String) {
        self.service = service
        self.region = region
    }

    public func sign(_ request: SigningRequest, credentials: Credentials, at time: SigningTime) -> Signature {
        var headers = request.headers
        headers.append(("X-Amz-Date", time.amzDate))
        if let token = credentials.sessionToken { headers.append(("X-Amz-Security-Token", token)) }

        var byName: [String: [String]] = [:]
        for (name, value) in headers {
            let lower = name.lowercased()
            // The host always comes from the URL, as botocore does: a Host header would be ignored.
            guard !Self.unsignedHeaders.contains(lower), lower != "host" else { continue }
            byName[lower, default: []].append(Self.collapsingWhitespace(value))
        }
        byName["host"] = [request.host.lowercased()]
        let names = byName.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let signedHeaders = names.joined(separator: ";")
        var canonicalHeaders = ""
        for name in names {
            canonicalHeaders += name + ":" + byName[name]!.joined(separator: ",") + "\n"
        }

        let payloadHash = headers.first { $0.0.lowercased() == "x-amz-content-sha256" }?.1
            ?? SHA256.hash(request.body).hexString
        let canonicalRequest = [
            request.method.uppercased(),
            URIEncoding.encode(Self.removingDotSegments(request.path), keepingSlash: true),
            Self.canonicalQuery(request.query),
            canonicalHeaders,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")

        let scope = "\(time.date)/\(region)/\(service)/aws4_request"
        let stringToSign = "AWS4-HMAC-SHA256\n\(time.amzDate)\n\(scope)\n" + SHA256.hash(Array(canonicalRequest.utf8)).hexString
        let key = signingKey(secret: credentials.secretAccessKey, date: time.date)
        let signature = HMAC.sha256(key: key, message: Array(stringToSign.utf8)).hexString
        return Signature(
            authorization: "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)",
            amzDate: time.amzDate,
            securityToken: credentials.sessionToken,
            signedHeaders: signedHeaders,
            canonicalRequest: canonicalRequest,
            stringToSign: stringToSign)
    }

    func signingKey(secret: String, date: String) -> [UInt8] {
        var key = HMAC.sha256(key: Array(("AWS4" + secret).utf8), message: Array(date.utf8))
        for part in [region, service, "aws4_request"] {
            key = HMAC.sha256(key: key, message: Array(part.utf8))
        }
        return key
    }

    /// Pairs encoded, then sorted by key and value as bytes; repeated and empty keys kept.
    static func canonicalQuery(_ pairs: [(String, String)]) -> String {
        pairs.map { (URIEncoding.encode($0.0), URIEncoding.encode($0.1)) }
            .sorted { a, b in
                a.0 == b.0 ? Array(a.1.utf8).lexicographicallyPrecedes(Array(b.1.utf8))
                           : Array(a.0.utf8).lexicographicallyPrecedes(Array(b.0.utf8))
            }
            .map { $0.0 + "=" + $0.1 }
            .joined(separator: "&")
    }

    /// Trimmed, with every run of whitespace made one space (botocore: `' '.join(value.split())`).
    static func collapsingWhitespace(_ value: String) -> String {
        value.utf8.split(whereSeparator: isPythonWhitespace).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
    }

    private static func isPythonWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte) || (0x1C...0x1F).contains(byte)
    }

    /// RFC 3986 §5.2.4 dot-segment removal, which also drops empty segments (AWS wants `//`
    /// collapsed); an empty path is `/`. Ported from botocore.utils.remove_dot_segments.
    static func removingDotSegments(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        var output: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                if !output.isEmpty { output.removeLast() }
            } else {
                output.append(segment)
            }
        }
        let first = path.hasPrefix("/") ? "/" : ""
        let last = path.hasSuffix("/") && !output.isEmpty ? "/" : ""
        return first + output.joined(separator: "/") + last
    }
}
