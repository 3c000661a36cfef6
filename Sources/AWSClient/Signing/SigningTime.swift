#if canImport(Glibc)
import Glibc
#endif

/// The instant a request is signed, in SigV4's two spellings.
public struct SigningTime: Sendable, Equatable {
    /// `YYYYMMDDTHHMMSSZ`, the `X-Amz-Date` header.
    public let amzDate: String
    /// `YYYYMMDD`, the credential scope's date.
    public var date: String { String(amzDate.prefix(8)) }

    public init(amzDate: String) {
        self.amzDate = amzDate
    }

    public init(epochSeconds: Int) {
        var seconds = time_t(epochSeconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        amzDate = pad(parts.tm_year + 1900, 4) + pad(parts.tm_mon + 1, 2) + pad(parts.tm_mday, 2) + "T"
            + pad(parts.tm_hour, 2) + pad(parts.tm_min, 2) + pad(parts.tm_sec, 2) + "Z"
    }

    public static func now() -> SigningTime {
        SigningTime(epochSeconds: Int(time(nil)))
    }
}
