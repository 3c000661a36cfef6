import Digests
import Testing
@testable import AWSClient

@Suite struct SigV4SignerTests {
    /// AWS's documented signing-key example (IAM User Guide, "Examples of how to derive a signing
    /// key for Signature Version 4").
    @Test func documentedSigningKey() {
        let signer = SigV4Signer(service: "iam", region: "us-east-1")
        #expect(signer.signingKey(secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", date: "20120215").hexString
                == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
    }

    /// AWS's documented GET example (IAM ListUsers, Signature Version 4 "Create a signed AWS API
    /// request", with the example key).
    @Test func documentedListUsersRequest() {
        let signer = SigV4Signer(service: "iam", region: "us-east-1")
        let request = SigningRequest(
            method: "GET", host: "iam.amazonaws.com", path: "/",
            query: [("Action", "ListUsers"), ("Version", "2010-05-08")],
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")])
        let signature = signer.sign(request, credentials: Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                                    at: SigningTime(amzDate: "20150830T123600Z"))
        #expect(signature.canonicalRequest == """
            GET
            /
            Action=ListUsers&Version=2010-05-08
            content-type:application/x-www-form-urlencoded; charset=utf-8
            host:iam.amazonaws.com
            x-amz-date:20150830T123600Z

            content-type;host;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        #expect(signature.authorization.hasSuffix("Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"))
    }

    @Test(arguments: [
        ("/a/./b/../c", "/a/c"), ("//double//slash/", "/double/slash/"), ("", "/"), ("/..", "/"), ("/a/b/..", "/a"),
    ])
    func dotSegments(path: String, expected: String) {
        #expect(SigV4Signer.removingDotSegments(path) == expected)
    }

    @Test func queryIsEncodedThenSortedWithRepeats() {
        #expect(SigV4Signer.canonicalQuery([("b", "2"), ("a", "x y"), ("a", "+"), ("", ""), ("~", "=")])
                == "=&a=%2B&a=x%20y&b=2&~=%3D")
    }

    @Test func whitespaceCollapses() {
        #expect(SigV4Signer.collapsingWhitespace("  a   b\t\tc  ") == "a b c")
    }

    @Test func descriptionNeverShowsTheSecret() {
        let text = String(describing: Credentials(accessKeyID: "AKID", secretAccessKey: "SECRET", sessionToken: "TOKEN"))
        #expect(!text.contains("SECRET") && !text.contains("TOKEN") && text.contains("AKID"))
    }
}
