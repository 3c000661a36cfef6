/// AWS's URI encoding: every byte of the UTF-8 form except the RFC 3986 unreserved characters
/// (A–Z a–z 0–9 - _ . ~) becomes %XY with upper-case hex. `/` is kept only where asked (paths).
public enum URIEncoding {
    public static func encode(_ text: String, keepingSlash: Bool = false) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepingSlash && byte == UInt8(ascii: "/")) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
             UInt8(ascii: "."), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// An `application/x-www-form-urlencoded` body, as botocore writes awsQuery requests: like a
    /// query string, but a space is `+`. (moto checks signatures against a body rebuilt this way.)
    public static func form(_ pairs: [(String, String)]) -> String {
        pairs.map { formComponent($0.0) + "=" + formComponent($0.1) }.joined(separator: "&")
    }

    private static func formComponent(_ text: String) -> String {
        String(encode(text).split(separator: "%20", omittingEmptySubsequences: false).joined(separator: "+"))
    }

    /// `k=v&k2=v2` with each key and value encoded, in the given order.
    public static func query(_ pairs: [(String, String)]) -> String {
        pairs.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
    }
}
