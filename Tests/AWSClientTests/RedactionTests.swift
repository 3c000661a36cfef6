import Testing
@testable import AWSClient

@Suite struct RedactionTests {
    @Test func urlsLoseUserinfoAndQuery() {
        #expect(Redaction.url("https://user:pw@example.com/path?X-Amz-Signature=abc") == "https://…@example.com/path?…")
        #expect(Redaction.url("http://127.0.0.1:9/a") == "http://127.0.0.1:9/a")
        #expect(Redaction.url("https://host/p@th?q") == "https://host/p@th?…")
    }

    @Test func echoedAuthorizationAndTokensAreRedacted() {
        let message = """
        The request signature we calculated does not match. The Canonical String was 'POST / host:rds.amazonaws.com \
        x-amz-security-token:FwoGZXIvYXdzEJr//////////wEaDM x-amz-date:20261203T000000Z' and \
        Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261203/us-east-1/rds/aws4_request, \
        SignedHeaders=host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7 \
        X-Amz-Security-Token=IQoJb3JpZ2luX2VjEAo%2F&X-Amz-Signature=deadbeef
        """
        let redacted = Redaction.message(message)
        for secret in ["FwoGZXIvYXdzEJr", "AKIDEXAMPLE", "5d672d79c15b", "IQoJb3JpZ2lu", "deadbeef"] {
            #expect(!redacted.contains(secret), "\(secret) left in \(redacted)")
        }
        #expect(redacted.contains("The request signature we calculated does not match"))
        #expect(redacted.contains("SignedHeaders=host;x-amz-date"))
        #expect(redacted.contains("x-amz-date:20261203T000000Z"))
    }

    @Test func plainMessagesAreUnchanged() {
        let message = "Signature expired: 20261203T000000Z is now earlier than 20261203T001000Z"
        #expect(Redaction.message(message) == message)
        #expect(Redaction.message("DBClusterSnapshot snap-1 not found") == "DBClusterSnapshot snap-1 not found")
    }

    @Test func jsonEchoesAreRedacted() {
        #expect(Redaction.message(#"{"X-Amz-Security-Token":"tok123","a":1}"#) == #"{"X-Amz-Security-Token":"<redacted>","a":1}"#)
    }
}

@Suite struct CABundleTests {
    @Test func sslCertFileComesFirstAndMustExist() throws {
        let found = try CABundle.locate(environment: Environment(["SSL_CERT_FILE": "/custom.pem"]), isFile: { _ in true })
        #expect(found == CABundle(path: "/custom.pem", source: "SSL_CERT_FILE"))
        #expect(throws: TransportError.self) {
            try CABundle.locate(environment: Environment(["SSL_CERT_FILE": "/missing.pem"]), isFile: { $0 != "/missing.pem" })
        }
    }

    @Test func amazonLinuxsPathIsTriedBeforeDebians() throws {
        let both = try CABundle.locate(environment: Environment([:]), isFile: { _ in true })
        #expect(both.path == "/etc/pki/tls/certs/ca-bundle.crt")
        let debian = try CABundle.locate(environment: Environment([:]), isFile: { $0 == "/etc/ssl/certs/ca-certificates.crt" })
        #expect(debian.path == "/etc/ssl/certs/ca-certificates.crt")
        let last = try CABundle.locate(environment: Environment([:]), isFile: { $0 == "/etc/ssl/cert.pem" })
        #expect(last.path == "/etc/ssl/cert.pem")
    }

    @Test func noneFoundNamesEveryPathAndTheVariable() {
        do {
            _ = try CABundle.locate(environment: Environment([:]), isFile: { _ in false })
            Issue.record("expected an error")
        } catch {
            for path in CABundle.wellKnownPaths + ["SSL_CERT_FILE"] {
                #expect(error.message.contains(path))
            }
        }
    }
}
