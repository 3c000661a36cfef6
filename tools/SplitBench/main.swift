import Basics
import FoundationEssentials
import Migrations

#if canImport(Glibc)
import Glibc
#endif

/// `split-bench DIALECT FILE SECONDS`: splits FILE with DIALECT's splitter in a loop for SECONDS and
/// prints one JSON line: bytes, statements, iterations, megabytes per second. For `make bench`.
func complain(_ message: String) {
    let line = Array((message + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

let arguments = CommandLine.arguments

/// `split-bench --statements DIALECT FILE`: the statements as JSON lines {"line", "text"}, for the
/// differential test against psql and the mariadb client; a refusal is {"error"}.
if arguments.count == 4, arguments[1] == "--statements", let dialect = SQLDialect(rawValue: arguments[2]),
   let data = try? FileContents.read(arguments[3]) {
    let encoder = JSONEncoder()
    struct Line: Encodable {
        let line: Int
        let text: String
    }
    do {
        for statement in try dialect.split(String(decoding: data, as: UTF8.self), file: arguments[3]) {
            print(String(decoding: try encoder.encode(Line(line: statement.line, text: statement.text)), as: UTF8.self))
        }
    } catch {
        print(String(decoding: try encoder.encode(["error": "\(error)"]), as: UTF8.self))
    }
    exit(0)
}
guard arguments.count == 4, let dialect = SQLDialect(rawValue: arguments[1]), let seconds = Double(arguments[3]), seconds > 0,
      let data = try? FileContents.read(arguments[2]) else {
    complain("usage: split-bench postgres|mysql FILE SECONDS")
    exit(2)
}
let text = String(decoding: data, as: UTF8.self)

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

do {
    let statements = try dialect.split(text, file: arguments[2]).count
    var iterations = 0
    let started = now()
    var elapsed = 0.0
    while elapsed < seconds {
        // The count keeps the work observable, so the optimizer cannot drop a split.
        iterations += try dialect.split(text, file: arguments[2]).count == statements ? 1 : 0
        elapsed = now() - started
    }
    let megabytes = Double(data.count * iterations) / 1e6
    print("{\"bytes\": \(data.count), \"statements\": \(statements), \"iterations\": \(iterations), \"megabytesPerSecond\": \(megabytes / elapsed)}")
} catch {
    complain("\(error)")
    exit(1)
}
