#if canImport(Glibc)
import Glibc
#endif
import Basics

/// The INI files of the AWS CLI and SDKs (`~/.aws/credentials`, `~/.aws/config`): sections of
/// `key = value`, `#` and `;` comments. In the config file, sections other than `default` are
/// named `[profile NAME]`.
struct SharedConfigFile {
    let path: String
    let sections: [String: [String: String]]

    static func load(path: String, isConfigFile: Bool) -> SharedConfigFile? {
        guard let text = readFile(path) else { return nil }
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.trimmingSpaces()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                var name = String(line.dropFirst().dropLast()).trimmingSpaces()
                if isConfigFile && name.hasPrefix("profile ") { name = String(name.dropFirst(8)).trimmingSpaces() }
                current = name
                continue
            }
            guard let section = current, let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals]).trimmingSpaces().lowercased()
            let value = String(line[line.index(after: equals)...]).trimmingSpaces()
            sections[section, default: [:]][key] = value
        }
        return SharedConfigFile(path: path, sections: sections)
    }

    private static func readFile(_ path: String) -> String? {
        (try? FileContents.read(path)).map { String(decoding: $0, as: UTF8.self) }
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice = slice.dropLast() }
        return String(slice)
    }
}
