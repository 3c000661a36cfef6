import Digests

/// The per-environment HMAC key, in the form the database needs to compute HMAC-SHA256 with its own
/// sha256 (RFC 2104): the key block XORed with ipad and opad, as hex. PostgreSQL needs no pgcrypto and
/// MySQL no plugin, and the key never appears in a statement's text, only in its parameters.
public struct MaskingKey: Sendable, Equatable {
    public let innerPad: String
    public let outerPad: String

    /// Shorter keys are refused: the pseudonyms of guessable values (emails, names) are only as
    /// safe as the key is long.
    public static let minimumBytes = 16

    public init(secret: [UInt8]) throws(SanitizeError) {
        guard secret.count >= Self.minimumBytes else {
            throw .spec("the masking key has \(secret.count) bytes; use a secret of \(Self.minimumBytes) or more (the template generates 48)")
        }
        var block = secret.count > 64 ? SHA256.hash(secret) : secret
        block.append(contentsOf: repeatElement(0, count: 64 - block.count))
        innerPad = block.map { $0 ^ 0x36 }.hexString
        outerPad = block.map { $0 ^ 0x5c }.hexString
        derivationSource = secret
    }

    private let derivationSource: [UInt8]

    /// A key of its own for `purpose`, so that verification digests never equal a `hash` column's values.
    public func derived(_ purpose: String) -> MaskingKey {
        // 32 bytes, always long enough.
        try! MaskingKey(secret: HMAC.sha256(key: derivationSource, message: Array(purpose.utf8)))
    }

    /// What the database computes for `value` (the unit tests hold the SQL form to it).
    public func digest(_ value: String) -> String {
        HMAC.sha256(key: derivationSource, message: Array(value.utf8)).hexString
    }

    public static func == (lhs: MaskingKey, rhs: MaskingKey) -> Bool { lhs.innerPad == rhs.innerPad }
}

extension MaskingKey: CustomStringConvertible {
    /// Never the key.
    public var description: String { "MaskingKey(redacted)" }
}
