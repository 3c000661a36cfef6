import AWSClient
import Basics
import LambdaRuntime

/// Self-service clones: a developer's own copy-on-write clone of the source cluster, in a stack of
/// its own named `<base>-clone-<name>` (base: CLONE_NAME_PREFIX, by default the parameter prefix
/// without its slashes, `/staging-refresh` → `staging-refresh`), tagged with who made it, of what, and when it expires. These are the
/// decisions; the CLI and the expire-clones handler carry them out.
struct DeveloperClones {
    static let baseTag = "staging-refresh:clones-of"
    static let ownerTag = "staging-refresh:owner"
    static let sourceTag = "staging-refresh:source"
    static let expiresTag = "staging-refresh:expires"
    /// A clone lives at most a week: a forgotten one costs its instance's hours.
    static let longestTTLMilliseconds: Int64 = 7 * 24 * 3_600_000

    let base: String

    init(settings: Settings) {
        base = settings.cloneNamePrefix
    }

    /// One clone as its stack shows it.
    struct Clone: Sendable, Equatable {
        let name: String
        let stack: String
        let owner: String
        let source: String
        let created: String
        let expires: String
        let status: String
        let endpoint: String?
    }

    /// `<base>-clone-<name>`, also the cluster's identifier, so it must be one: RDS's 63 characters,
    /// letters, digits and single hyphens.
    func stackName(for name: String) throws(RefreshError) -> String {
        let valid = name.first.map { $0.isASCII && $0.isLowercase } == true && name.count <= 20 && !name.hasSuffix("-") && !name.contains("--")
            && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        let stack = "\(base)-clone-\(name)"
        guard valid, stack.count <= 63 else {
            throw .invalidConfiguration("clone name \(QuotedInput.quote(name)) must be up to 20 lowercase letters, digits and single hyphens, starting with a letter (it becomes part of the cluster's name \(base)-clone-<name>), e.g. alice-bugfix")
        }
        return stack
    }

    /// `30m`, `8h`, `2d`: how long the clone lives; at most 7 days.
    static func ttlMilliseconds(_ text: String) throws(RefreshError) -> Int64 {
        let unit: Int64? = switch text.last { case "m": 60_000; case "h": 3_600_000; case "d": 86_400_000; default: nil }
        guard let unit, let count = Int64(text.dropLast()), count > 0, count <= longestTTLMilliseconds / unit else {
            throw .invalidConfiguration("--ttl \(QuotedInput.quote(text)) must be minutes, hours or days up to 7d, e.g. 30m, 8h or 2d")
        }
        return count * unit
    }

    func tags(owner: String, source: String, expiresAt: Int64) -> [(String, String)] {
        [(Self.baseTag, base), (Self.ownerTag, owner), (Self.sourceTag, source),
         (Self.expiresTag, UTCTime(epochMilliseconds: expiresAt).rfc3339Seconds), ("managed-by", "staging-refresh")]
    }

    /// This base's clones among the account's stacks, oldest first.
    func clones(in stacks: [CloudFormation.Stack]) -> [Clone] {
        let prefix = "\(base)-clone-"
        return stacks.filter { $0.tags[Self.baseTag] == base && $0.name.hasPrefix(prefix) }
            .map { stack in
                Clone(name: String(stack.name.dropFirst(prefix.count)), stack: stack.name, owner: stack.tags[Self.ownerTag] ?? "",
                      source: stack.tags[Self.sourceTag] ?? "", created: stack.creationTime ?? "", expires: stack.tags[Self.expiresTag] ?? "",
                      status: stack.status, endpoint: stack.outputs["Endpoint"])
            }
            .sorted { ($0.created, $0.name) < ($1.created, $1.name) }
    }

    /// Clones past their expiry that are not already being deleted. A clone whose expiry cannot be
    /// read is kept and named, never guessed at.
    static func expired(_ clones: [Clone], now: Int64) -> [Clone] {
        clones.filter { clone in
            // DELETE_FAILED is tried again; one being deleted (or gone) is left alone.
            guard clone.status != "DELETE_IN_PROGRESS", clone.status != "DELETE_COMPLETE", let expires = UTCTime(iso8601: clone.expires) else { return false }
            return expires.epochMilliseconds <= now
        }
    }

    /// `bootstrap clone list`'s table.
    static func table(_ clones: [Clone], now: Int64) -> String {
        let header = ["NAME", "OWNER", "SOURCE", "AGE", "EXPIRES", "STATUS", "ENDPOINT"]
        let rows = clones.map { clone in
            [clone.name, clone.owner.split(separator: "/").last.map(String.init) ?? clone.owner, clone.source,
             UTCTime(iso8601: clone.created).map { age(now - $0.epochMilliseconds) } ?? "?", clone.expires, clone.status, clone.endpoint ?? "-"]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            zip(row, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ").trimmingSuffixSpaces
        }.joined(separator: "\n")
    }

    static func age(_ milliseconds: Int64) -> String {
        let minutes = max(0, milliseconds) / 60_000
        if minutes < 60 { return "\(minutes)m" }
        if minutes < 48 * 60 { return "\(minutes / 60)h\(minutes % 60 == 0 ? "" : "\(minutes % 60)m")" }
        return "\(minutes / 1440)d"
    }
}

private extension String {
    var trimmingSuffixSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
