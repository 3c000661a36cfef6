import Testing
@testable import AWSClient

@Suite struct XMLReaderTests {
    /// The shape of AWS's documented DescribeDBClusterSnapshots reply (RDS API Reference, Examples).
    static let describeSnapshots = """
        <?xml version="1.0" encoding="UTF-8"?>
        <DescribeDBClusterSnapshotsResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
          <DescribeDBClusterSnapshotsResult>
            <Marker>AAB&amp;CD==</Marker>
            <DBClusterSnapshots>
              <DBClusterSnapshot>
                <Port>0</Port>
                <Status>available</Status>
                <Engine>aurora-postgresql</Engine>
                <SnapshotCreateTime>2026-11-01T02:00:07.123Z</SnapshotCreateTime>
                <DBClusterSnapshotIdentifier>rds:prod-2026-11-01-02-00</DBClusterSnapshotIdentifier>
                <AvailabilityZones>
                  <AvailabilityZone>us-east-1a</AvailabilityZone>
                  <AvailabilityZone>us-east-1b</AvailabilityZone>
                </AvailabilityZones>
                <TagList/>
                <KmsKeyId></KmsKeyId>
              </DBClusterSnapshot>
              <DBClusterSnapshot>
                <Status>creating</Status>
                <DBClusterSnapshotIdentifier>manual-1</DBClusterSnapshotIdentifier>
              </DBClusterSnapshot>
            </DBClusterSnapshots>
          </DescribeDBClusterSnapshotsResult>
          <ResponseMetadata>
            <RequestId>f8f8e3a6-0000-4000-8000-000000000001</RequestId>
          </ResponseMetadata>
        </DescribeDBClusterSnapshotsResponse>
        """

    @Test func documentedReplyWithNestedListsAndEmptyElements() throws {
        let root = try XMLReader.parse(Array(Self.describeSnapshots.utf8))
        #expect(root.name == "DescribeDBClusterSnapshotsResponse")
        let result = try #require(root.child("DescribeDBClusterSnapshotsResult"))
        #expect(result["Marker"] == "AAB&CD==")
        let snapshots = result.child("DBClusterSnapshots")?.children("DBClusterSnapshot") ?? []
        #expect(snapshots.count == 2)
        #expect(snapshots[0]["Status"] == "available")
        #expect(snapshots[0].child("AvailabilityZones")?.children("AvailabilityZone").map(\.text) == ["us-east-1a", "us-east-1b"])
        #expect(snapshots[0].child("TagList")?.children.isEmpty == true)
        #expect(snapshots[0]["KmsKeyId"] == "")
        #expect(snapshots[1]["Engine"] == nil)
        #expect(root["ResponseMetadata", "RequestId"] == "f8f8e3a6-0000-4000-8000-000000000001")
    }

    @Test func entitiesAndCharacterReferences() throws {
        let root = try XMLReader.parse(Array("<a>&lt;x&gt; &quot;q&quot; &apos;s&apos; &#65;&#x42;&#x1F600; &amp;amp;</a>".utf8))
        #expect(root.text == "<x> \"q\" 's' AB😀 &amp;")
    }

    @Test func cdataCommentsAttributesAndPrefixes() throws {
        let xml = #"<?xml version="1.0"?><!-- c --><ns:Root xmlns:ns="u" a='1'><B x="&gt;"><![CDATA[<raw> & ]]></B><C/></ns:Root>"#
        let root = try XMLReader.parse(Array(xml.utf8))
        #expect(root.name == "Root")
        #expect(root["B"] == "<raw> & ")
        #expect(root.child("C") != nil)
    }

    @Test(arguments: ["<a><b></a>", "<a>", "text", "<a>&bogus;</a>", "<a></a><b></b>", "<a x=1></a>"])
    func malformedIsAnError(xml: String) {
        #expect(throws: XMLError.self) { try XMLReader.parse(Array(xml.utf8)) }
    }
}

@Suite struct ErrorParserTests {
    func parse(_ status: Int, _ body: String, headers: [(String, String)] = []) -> ServiceError {
        ErrorParser.parse(HTTPResponse(status: status, headers: headers, body: Array(body.utf8)), service: .ssm, operation: "GetParameter")
    }

    @Test func jsonTypeWithNamespace() {
        let error = parse(400, #"{"__type":"com.amazonaws.ssm#ParameterNotFound","message":"not here"}"#, headers: [("x-amzn-RequestId", "r-1")])
        #expect(error == ServiceError(service: "SSM", operation: "GetParameter", code: "ParameterNotFound", message: "not here", requestID: "r-1", status: 400))
    }

    @Test func errorTypeHeaderWhenTheBodyHasNone() {
        let error = parse(400, #"{"Message":"x"}"#, headers: [("X-Amzn-Errortype", "BadRequestException:http://internal.amazon.com/")])
        #expect(error.code == "BadRequestException")
        #expect(error.message == "x")
    }

    @Test func xmlErrorEvenForAJSONService() {
        let error = parse(403, """
            <ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>no match</Message></Error><RequestId>r-2</RequestId></ErrorResponse>
            """)
        #expect((error.code, error.message, error.requestID) == ("SignatureDoesNotMatch", "no match", "r-2"))
        #expect(error.description.contains("Check that AWS_SECRET_ACCESS_KEY belongs to the access key"))
    }

    @Test func unreadableBodyFallsBackToTheStatus() {
        #expect(parse(502, "<html>bad gateway").code == "HTTP502")
    }
}

@Suite struct ConfigurationTests {
    @Test func endpointOrder() throws {
        let region = Region("eu-west-1")
        let specific = Environment(["AWS_ENDPOINT_URL_SSM": "http://127.0.0.1:5000/", "AWS_ENDPOINT_URL": "https://all.example"])
        #expect(try Endpoint.resolve(.ssm, region: region, environment: specific).description == "http://127.0.0.1:5000")
        #expect(try Endpoint.resolve(.rds, region: region, environment: specific).host == "all.example")
        #expect(try Endpoint.resolve(.rdsData, region: region, environment: Environment([:])).description == "https://rds-data.eu-west-1.amazonaws.com")
        #expect(try Endpoint.resolve(.sts, region: Region("cn-north-1"), environment: Environment([:])).host == "sts.cn-north-1.amazonaws.com.cn")
        #expect(try Endpoint.parse("https://h:443", source: "x").host == "h")
        #expect(throws: AWSError.self) { try Endpoint.parse("ftp://h", source: "AWS_ENDPOINT_URL") }
    }

    @Test func regionIsRequiredAndChecked() {
        #expect(throws: AWSError.self) { try Region.resolve(from: Environment([:])) }
        #expect(throws: AWSError.self) { try Region.resolve(from: Environment(["AWS_REGION": "US East"])) }
        #expect((try? Region.resolve(from: Environment(["AWS_DEFAULT_REGION": "ap-south-1"])))?.name == "ap-south-1")
    }

    @Test func halfSetEnvironmentCredentialsAreRefused() {
        #expect(throws: AWSError.self) {
            try CredentialChain(environment: Environment(["AWS_ACCESS_KEY_ID": "A"])).fromEnvironment()
        }
    }

    @Test func formEncodingUsesPlusForSpaces() {
        #expect(URIEncoding.form([("Template Body", "a b+c~/")]) == "Template+Body=a+b%2Bc~%2F")
    }
}
