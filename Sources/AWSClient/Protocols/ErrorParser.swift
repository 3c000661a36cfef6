import FoundationEssentials

/// Reads AWS's error answers, whatever the protocol: JSON with `__type` (or the
/// `X-Amzn-Errortype` header), or XML `<Error><Code>` — which moto also sends for JSON services
/// when a signature fails.
enum ErrorParser {
    private struct JSONError: Decodable {
        let type: String?
        let code: String?
        let Code: String?
        let message: String?
        let Message: String?

        enum CodingKeys: String, CodingKey {
            case type = "__type", code, Code, message, Message
        }
    }

    static func parse(_ response: HTTPResponse, service: ServiceDescriptor, operation: String) -> ServiceError {
        var code: String?
        var message = ""
        var requestID = response.header("x-amzn-requestid") ?? response.header("x-amz-request-id")
        let body = response.body
        let firstByte = body.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        if firstByte == UInt8(ascii: "<"), let root = try? XMLReader.parse(body) {
            let error = root.name == "Error" ? root : root.descendant("Error")
            code = error?["Code"]
            message = error?["Message"] ?? ""
            requestID = requestID ?? root["RequestId"] ?? root["RequestID"]
        } else if firstByte == UInt8(ascii: "{"), let json = try? JSONDecoder().decode(JSONError.self, from: Data(body)) {
            code = json.type ?? json.code ?? json.Code
            message = json.message ?? json.Message ?? ""
        }
        if let header = response.header("x-amzn-errortype") { code = code ?? header }
        return ServiceError(service: service.name, operation: operation,
                            code: code.map(clean) ?? "HTTP\(response.status)",
                            message: Redaction.message(message), requestID: requestID, status: response.status)
    }

    /// `com.amazonaws.ssm#ParameterNotFound` and `ParameterNotFound:http://…` → `ParameterNotFound`.
    static func clean(_ code: String) -> String {
        var text = Substring(code)
        if let hash = text.lastIndex(of: "#") { text = text[text.index(after: hash)...] }
        if let colon = text.firstIndex(of: ":") { text = text[..<colon] }
        return String(text)
    }
}
