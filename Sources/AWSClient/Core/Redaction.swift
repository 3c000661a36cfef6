/// Text that may hold a credential, made safe to log. Every log line and error message that quotes
/// a URL or an AWS answer goes through here.
public enum Redaction {
    /// A URL without its userinfo (`user:password@`) and its query (a pre-signed URL's query is a
    /// signature): `https://host/path?…`.
    public static func url(_ url: String) -> String {
        var text = Substring(url)
        var query = ""
        if let question = text.firstIndex(of: "?") {
            text = text[..<question]
            query = "?…"
        }
        if let schemeEnd = text.firstRange(of: "://") {
            let authorityStart = schemeEnd.upperBound
            let authorityEnd = text[authorityStart...].firstIndex(of: "/") ?? text.endIndex
            if let at = text[authorityStart..<authorityEnd].lastIndex(of: "@") {
                text = text[..<authorityStart] + "…@" + text[text.index(after: at)...]
            }
        }
        return String(text) + query
    }

    /// Names whose value is a credential wherever they appear in an echoed request: as a header
    /// (`Name: value`), a query parameter (`Name=value`) or a JSON field (`"Name":"value"`).
    static let secretNames = ["x-amz-security-token", "x-amz-signature", "signature", "x-amz-credential", "credential"]

    /// An AWS error message with echoed credentials removed: the signature and credential inside an
    /// `Authorization` header, and session tokens. Some services quote the request's headers (e.g.
    /// the canonical request of a SignatureDoesNotMatch), and the message is logged.
    public static func message(_ message: String) -> String {
        guard message.utf8.contains(where: { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: ":") }) else { return message }
        let bytes = Array(message.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if let valueStart = secretValueStart(in: bytes, at: index) {
                out.append(contentsOf: bytes[index..<valueStart])
                out.append(contentsOf: "<redacted>".utf8)
                index = valueEnd(in: bytes, from: valueStart)
                continue
            }
            out.append(bytes[index])
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Where the value starts when a secret name begins at `index` (at a word boundary) and is
    /// followed by `=`, `:` or `":"`.
    private static func secretValueStart(in bytes: [UInt8], at index: Int) -> Int? {
        if index > 0, isNameByte(bytes[index - 1]) { return nil }
        for name in secretNames {
            let end = index + name.utf8.count
            guard end < bytes.count else { continue }
            var matches = true
            for (offset, expected) in name.utf8.enumerated() {
                let byte = bytes[index + offset]
                if (byte &- 0x41 < 26 ? byte | 0x20 : byte) != expected {
                    matches = false
                    break
                }
            }
            guard matches, !isNameByte(bytes[end]) else { continue }
            var valueStart = end
            while valueStart < bytes.count, bytes[valueStart] == 0x22 || bytes[valueStart] == 0x27 { valueStart += 1 }  // " '

            guard valueStart < bytes.count, bytes[valueStart] == UInt8(ascii: "=") || bytes[valueStart] == UInt8(ascii: ":") else { continue }
            valueStart += 1
            while valueStart < bytes.count, [0x20, 0x22, 0x27].contains(bytes[valueStart]) { valueStart += 1 }
            return valueStart
        }
        return nil
    }

    /// A value ends at whitespace, a separator of headers or parameters, a quote or a tag.
    private static func valueEnd(in bytes: [UInt8], from start: Int) -> Int {
        var index = start
        while index < bytes.count, ![0x20, 0x09, 0x0A, 0x0D, 0x2C, 0x26, 0x3B, 0x22, 0x27, 0x3C].contains(bytes[index]) { index += 1 }
        return index
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2D || byte == 0x5F
    }
}
