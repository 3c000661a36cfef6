#if canImport(Glibc)
import Glibc
#endif

/// The PEM file of trusted certificate authorities that TLS verification uses. libcurl's compiled-in
/// default is one distribution's path (Debian's is absent on Amazon Linux), so the bundle is looked
/// up here and always set explicitly (`CURLOPT_CAINFO`).
public struct CABundle: Sendable, Equatable {
    public let path: String
    /// `SSL_CERT_FILE`, or the well-known location it was found at.
    public let source: String

    /// Where each system family keeps its bundle, in the order they are tried.
    public static let wellKnownPaths = [
        "/etc/pki/tls/certs/ca-bundle.crt",  // Amazon Linux, RHEL (provided.al2023)
        "/etc/ssl/certs/ca-certificates.crt",  // Debian, Ubuntu
        "/etc/ssl/cert.pem",  // Alpine, macOS
    ]

    /// `SSL_CERT_FILE` if set (it must then exist: a typo is not silently replaced by another bundle),
    /// else the first well-known path holding a regular file.
    public static func locate(environment: Environment, isFile: (String) -> Bool = CABundle.isRegularFile) throws(TransportError) -> CABundle {
        if let configured = environment["SSL_CERT_FILE"] {
            guard isFile(configured) else {
                throw TransportError(.unavailable, "SSL_CERT_FILE is \(configured), which is not a readable file: point it at a PEM bundle of CA certificates, or unset it to use the system's")
            }
            return CABundle(path: configured, source: "SSL_CERT_FILE")
        }
        for path in wellKnownPaths where isFile(path) {
            return CABundle(path: path, source: "system")
        }
        throw TransportError(.unavailable, "no CA bundle to verify TLS with: tried SSL_CERT_FILE (unset), \(wellKnownPaths.joined(separator: ", ")); set SSL_CERT_FILE to a PEM bundle of CA certificates")
    }

    public static func isRegularFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG && access(path, R_OK) == 0
    }
}
