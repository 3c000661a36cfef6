/// An element of an AWS XML reply: its local name, child elements and text. AWS replies use no
/// mixed content worth keeping, so text is the element's own character data, entities decoded.
public struct XMLElement: Sendable, Equatable {
    public let name: String
    public var children: [XMLElement] = []
    public var text: String = ""

    public func child(_ name: String) -> XMLElement? {
        children.first { $0.name == name }
    }

    public func children(_ name: String) -> [XMLElement] {
        children.filter { $0.name == name }
    }

    /// The text at a path of child names, e.g. `snapshot["Endpoint", "Address"]`.
    public subscript(path: String...) -> String? {
        var element = self
        for name in path {
            guard let next = element.child(name) else { return nil }
            element = next
        }
        return element.text
    }

    /// The first element with this name anywhere below, depth first.
    public func descendant(_ name: String) -> XMLElement? {
        for child in children {
            if child.name == name { return child }
            if let found = child.descendant(name) { return found }
        }
        return nil
    }
}

public struct XMLError: Error, Sendable, CustomStringConvertible {
    public let offset: Int
    public let reason: String
    public var description: String { "XML at byte \(offset): \(reason)" }
}

/// A small XML reader for AWS's replies (FoundationXML would bring all of Foundation): elements,
/// attributes (skipped), text, CDATA, comments, processing instructions, the five named entities
/// and numeric character references.
public enum XMLReader {
    public static func parse(_ bytes: [UInt8]) throws(XMLError) -> XMLElement {
        var parser = Parser(bytes: bytes)
        return try parser.document()
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        func fail(_ reason: String) -> XMLError { XMLError(offset: index, reason: reason) }

        mutating func document() throws(XMLError) -> XMLElement {
            var stack: [XMLElement] = []
            var root: XMLElement?
            while index < bytes.count {
                if bytes[index] != UInt8(ascii: "<") {
                    let text = try characterData()
                    if !stack.isEmpty {
                        stack[stack.count - 1].text += text
                    } else if !text.allSatisfy({ $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }) {
                        throw fail("text outside the root element")
                    }
                    continue
                }
                if starts(with: "<?") { try skip(past: "?>"); continue }
                if starts(with: "<!--") { try skip(past: "-->"); continue }
                if starts(with: "<![CDATA[") {
                    index += 9
                    let start = index
                    try skip(past: "]]>")
                    guard !stack.isEmpty else { throw fail("CDATA outside the root element") }
                    stack[stack.count - 1].text += String(decoding: bytes[start..<(index - 3)], as: UTF8.self)
                    continue
                }
                if starts(with: "<!") { try skip(past: ">"); continue }
                if starts(with: "</") {
                    index += 2
                    let name = localName(try nameToken())
                    skipSpaces()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else { throw fail("unterminated end tag") }
                    index += 1
                    guard let open = stack.popLast() else { throw fail("end tag </\(name)> without a start tag") }
                    guard open.name == name else { throw fail("end tag </\(name)> closes <\(open.name)>") }
                    if stack.isEmpty {
                        guard root == nil else { throw fail("a second root element") }
                        root = open
                    } else {
                        stack[stack.count - 1].children.append(open)
                    }
                    continue
                }
                index += 1
                let element = XMLElement(name: localName(try nameToken()))
                let selfClosing = try attributes()
                if selfClosing {
                    if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
                } else {
                    stack.append(element)
                }
            }
            guard stack.isEmpty else { throw fail("<\(stack.last!.name)> is never closed") }
            guard let root else { throw fail("no element") }
            return root
        }

        func starts(with text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            return text.withUTF8Buffer { bytes[index..<(index + count)].elementsEqual($0) }
        }

        mutating func skip(past terminator: StaticString) throws(XMLError) {
            while index < bytes.count {
                if starts(with: terminator) {
                    index += terminator.utf8CodeUnitCount
                    return
                }
                index += 1
            }
            throw fail("missing \(terminator)")
        }

        mutating func skipSpaces() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func nameToken() throws(XMLError) -> String {
            let start = index
            while index < bytes.count, !([0x20, 0x09, 0x0A, 0x0D, 0x2F, 0x3E, 0x3D].contains(bytes[index])) { index += 1 }
            guard index > start else { throw fail("expected a name") }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        func localName(_ qualified: String) -> String {
            guard let colon = qualified.lastIndex(of: ":") else { return qualified }
            return String(qualified[qualified.index(after: colon)...])
        }

        /// Skips attributes; true when the tag closes itself.
        mutating func attributes() throws(XMLError) -> Bool {
            while true {
                skipSpaces()
                guard index < bytes.count else { throw fail("unterminated start tag") }
                if bytes[index] == UInt8(ascii: ">") { index += 1; return false }
                if starts(with: "/>") { index += 2; return true }
                _ = try nameToken()
                skipSpaces()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw fail("attribute without a value") }
                index += 1
                skipSpaces()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                    throw fail("attribute value without quotes")
                }
                let quote = bytes[index]
                index += 1
                while index < bytes.count, bytes[index] != quote { index += 1 }
                guard index < bytes.count else { throw fail("unterminated attribute value") }
                index += 1
            }
        }

        mutating func characterData() throws(XMLError) -> String {
            var out: [UInt8] = []
            while index < bytes.count, bytes[index] != UInt8(ascii: "<") {
                if bytes[index] == UInt8(ascii: "&") {
                    out.append(contentsOf: try entity())
                } else {
                    out.append(bytes[index])
                    index += 1
                }
            }
            return String(decoding: out, as: UTF8.self)
        }

        mutating func entity() throws(XMLError) -> [UInt8] {
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: ";") {
                index += 1
                if index - start > 12 { throw XMLError(offset: start, reason: "unterminated entity") }
            }
            guard index < bytes.count else { throw XMLError(offset: start, reason: "unterminated entity") }
            let name = String(decoding: bytes[(start + 1)..<index], as: UTF8.self)
            index += 1
            switch name {
            case "lt": return [UInt8(ascii: "<")]
            case "gt": return [UInt8(ascii: ">")]
            case "amp": return [UInt8(ascii: "&")]
            case "quot": return [UInt8(ascii: "\"")]
            case "apos": return [UInt8(ascii: "'")]
            default:
                let scalar: UInt32?
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    scalar = UInt32(name.dropFirst(2), radix: 16)
                } else if name.hasPrefix("#") {
                    scalar = UInt32(name.dropFirst())
                } else {
                    scalar = nil
                }
                guard let value = scalar, let unicode = Unicode.Scalar(value) else {
                    throw XMLError(offset: start, reason: "unknown entity &\(name);")
                }
                return Array(String(Character(unicode)).utf8)
            }
        }
    }
}
