/// Where a service's requests go: `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, then the
/// regional default.
public struct Endpoint: Sendable, Equatable, CustomStringConvertible {
    public let scheme: String
    /// The Host header: host, plus the port when it is not the scheme's default.
    public let host: String
    /// A path prefix from the configured URL, without a trailing slash ("" for none).
    public let basePath: String
    /// Which setting chose it, for `bootstrap doctor`.
    public let source: String

    public static func resolve(_ service: ServiceDescriptor, region: Region, environment: Environment) throws(AWSError) -> Endpoint {
        let specific = "AWS_ENDPOINT_URL_" + service.environmentID
        if let url = environment[specific] { return try parse(url, source: specific) }
        if let url = environment["AWS_ENDPOINT_URL"] { return try parse(url, source: "AWS_ENDPOINT_URL") }
        return Endpoint(scheme: "https", host: "\(service.endpointPrefix).\(region.name).\(region.dnsSuffix)", basePath: "", source: "regional default")
    }

    static func parse(_ url: String, source: String) throws(AWSError) -> Endpoint {
        let parts = url.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == "http" || parts[0] == "https", !parts[1].isEmpty else {
            throw .configuration("\(source) is '\(url)', expected a URL such as https://ssm.us-east-1.amazonaws.com or http://127.0.0.1:5000")
        }
        let scheme = String(parts[0])
        let rest = parts[1]
        let authority = rest.prefix { $0 != "/" }
        var path = String(rest.dropFirst(authority.count))
        while path.hasSuffix("/") { path.removeLast() }
        var host = String(authority)
        if (scheme == "https" && host.hasSuffix(":443")) || (scheme == "http" && host.hasSuffix(":80")) {
            host = String(host.prefix { $0 != ":" })
        }
        return Endpoint(scheme: scheme, host: host, basePath: path, source: source)
    }

    public func url(path: String, query: String = "") -> String {
        scheme + "://" + host + basePath + path + (query.isEmpty ? "" : "?" + query)
    }

    public var description: String { scheme + "://" + host + basePath }
}
