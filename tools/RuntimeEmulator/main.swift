#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import HTTP1

/// A Lambda Runtime API emulator faithful to AWS's RIE, for tests, `make run` and `make bench`.
let usage = """
usage:
  runtime-emulator serve [--port N] [--timeout SECONDS] [--function-name NAME]
      Serves the Runtime API and POST /2015-03-31/functions/function/invocations on 127.0.0.1.
      Prints "listening on 127.0.0.1:PORT" once ready (port 0, the default, picks a free one).
      Control endpoints: POST /_emulator/fail-next (body: status, default 500) makes the next
      GET next fail; GET /_emulator/calls lists the runtime's calls as JSON.
  runtime-emulator bench --label NAME [--cold-starts 30] [--invocations 20000] [--event-bytes 1024]
                         [--unique-trace-ids yes] [--env NAME=VALUE]... -- COMMAND [ARGS...]
      Starts COMMAND as the runtime and prints a JSON report: init median (exec → first GET next),
      first-invoke latency, warm invokes/s with p50/p99, peak RSS. --unique-trace-ids gives each
      warm invocation its own X-Ray trace header, as Lambda does.
"""

var arguments = Array(CommandLine.arguments.dropFirst())
guard let mode = arguments.first, mode == "serve" || mode == "bench" else {
    print(usage)
    exit(2)
}
arguments.removeFirst()
var options: [String: String] = [:]
var environment: [String: String] = [:]
var command: [String] = []
while let argument = arguments.first {
    arguments.removeFirst()
    if argument == "--" {
        command = arguments
        break
    }
    guard argument.hasPrefix("--"), let value = arguments.first else {
        print("runtime-emulator: \(argument) needs a value\n\(usage)")
        exit(2)
    }
    arguments.removeFirst()
    if argument == "--env" {
        let name = String(value.prefix { $0 != "=" })
        environment[name] = String(value.dropFirst(name.count + 1))
    } else {
        options[String(argument.dropFirst(2))] = value
    }
}

let functionName = options["function-name"] ?? "test_function"
let timeout = options["timeout"].flatMap { Int($0) } ?? 300
let state = RuntimeState()
let listener: Listener
do {
    listener = try Listener(host: "127.0.0.1", port: options["port"].flatMap { UInt16($0) } ?? 0)
} catch {
    print("runtime-emulator: \(error)")
    exit(1)
}
let server = Server(router: Router(state: state, functionName: functionName, timeoutSeconds: timeout, records: mode == "serve"))

if mode == "serve" {
    print("listening on 127.0.0.1:\(listener.port)")
    fflush(nil)
    server.serve(listener)
}

guard !command.isEmpty, let label = options["label"] else {
    print("runtime-emulator: bench needs --label and a command after --\n\(usage)")
    exit(2)
}
startThread { server.serve(listener) }
let bench = Bench(
    state: state, address: "127.0.0.1:\(listener.port)", command: command, environment: environment,
    coldStarts: options["cold-starts"].flatMap { Int($0) } ?? 30,
    invocations: options["invocations"].flatMap { Int($0) } ?? 20_000,
    eventBytes: options["event-bytes"].flatMap { Int($0) } ?? 1024,
    uniqueTraceIDs: options["unique-trace-ids"] == "yes")
guard let report = bench.run(label: label) else { exit(1) }
let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys]
print(String(decoding: try encoder.encode(report), as: UTF8.self))
