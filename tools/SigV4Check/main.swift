import AWSClient
import FoundationEssentials

#if canImport(Glibc)
import Glibc
#endif

/// Signs requests given as JSON lines (the format of tools/harness/sigv4_vectors.py) and prints our
/// signature parts, one JSON line each, for the differential test against botocore.
/// With `--bench SECONDS`, signs them in a loop for that long and prints signatures per second.
struct Vector: Decodable {
    let id: Int
    let service: String
    let region: String
    let method: String
    let host: String
    let path: String
    let query: [[String]]
    let headers: [[String]]
    let body_b64: String
    let access_key: String
    let secret_key: String
    let session_token: String?
    let amz_date: String

    /// The vectors give the URL's authority; like Endpoint, drop https's default port.
    var request: SigningRequest {
        SigningRequest(method: method, host: host.hasSuffix(":443") ? String(host.dropLast(4)) : host, path: path,
                       query: query.map { ($0[0], $0[1]) }, headers: headers.map { ($0[0], $0[1]) },
                       body: Array(Data(base64Encoded: body_b64) ?? Data()))
    }

    var credentials: Credentials {
        Credentials(accessKeyID: access_key, secretAccessKey: secret_key, sessionToken: session_token)
    }
}

struct Output: Encodable {
    let id: Int
    let authorization: String
    let canonical_request: String
    let string_to_sign: String
}

var input: [UInt8] = []
var chunk = [UInt8](repeating: 0, count: 1 << 16)
while true {
    let n = read(0, &chunk, chunk.count)
    if n <= 0 { break }
    input.append(contentsOf: chunk[0..<n])
}
let decoder = JSONDecoder()
let vectors = try input.split(separator: UInt8(ascii: "\n")).map { try decoder.decode(Vector.self, from: Data($0)) }
let prepared = vectors.map { (SigV4Signer(service: $0.service, region: $0.region), $0.request, $0.credentials, SigningTime(amzDate: $0.amz_date)) }

let arguments = CommandLine.arguments
if let flag = arguments.firstIndex(of: "--bench"), flag + 1 < arguments.count, let seconds = Double(arguments[flag + 1]) {
    var timespec0 = timespec()
    clock_gettime(CLOCK_MONOTONIC, &timespec0)
    func elapsed() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec - timespec0.tv_sec) + Double(now.tv_nsec - timespec0.tv_nsec) / 1e9
    }
    var count = 0
    var sink = 0
    while elapsed() < seconds {
        for (signer, request, credentials, time) in prepared {
            sink &+= signer.sign(request, credentials: credentials, at: time).authorization.utf8.count
            count += 1
        }
    }
    print(#"{"signatures": \#(count), "seconds": \#(elapsed()), "perSecond": \#(Double(count) / elapsed()), "checksum": \#(sink)}"#)
} else {
    let encoder = JSONEncoder()
    for ((signer, request, credentials, time), vector) in zip(prepared, vectors) {
        let signature = signer.sign(request, credentials: credentials, at: time)
        let line = try encoder.encode(Output(id: vector.id, authorization: signature.authorization,
                                             canonical_request: signature.canonicalRequest,
                                             string_to_sign: signature.stringToSign))
        print(String(decoding: line, as: UTF8.self))
    }
}
