#if canImport(Glibc)
import Glibc
#endif
import Basics

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
        amzDate = UTCTime(epochMilliseconds: Int64(epochSeconds) * 1000).basic
    }

    public static func now() -> SigningTime {
        SigningTime(epochSeconds: Int(time(nil)))
    }
}
