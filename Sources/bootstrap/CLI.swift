#if canImport(Glibc)
import Glibc
#endif
import Basics
import LambdaRuntime

/// `bootstrap` outside Lambda: a tool that runs the same handlers in-process.
enum CLI {
    /// Process exit statuses: 0 success, 1 the invocation failed, 2 the command line is wrong.
    static func run(_ arguments: [String]) -> Int32 {
        guard let command = arguments.first else {
            print(help)
            return 0
        }
        switch command {
        case "-h", "--help", "help":
            print(help)
            return 0
        case "invoke":
            return invoke(Array(arguments.dropFirst()))
        case "doctor":
            return Doctor.run()
        case "iam-policy":
            return IAMPolicyCommand.run(Array(arguments.dropFirst()))
        case "migrate":
            return MigrateCommand.run(Array(arguments.dropFirst()))
        case "clone":
            return CloneCommand.run(Array(arguments.dropFirst()))
        default:
            return usageError("unknown command \(QuotedInput.quote(command)); run 'bootstrap --help'")
        }
    }

    static func invoke(_ arguments: [String]) -> Int32 {
        if arguments.isEmpty || arguments.contains("--help") || arguments.contains("-h") {
            print(invokeHelp)
            return arguments.isEmpty ? 2 : 0
        }
        let name = arguments[0]
        var eventSource: String?
        var rest = arguments.dropFirst()
        while let option = rest.popFirst() {
            switch option {
            case "--event":
                guard let value = rest.popFirst() else { return usageError("--event needs a file name, or - for standard input") }
                eventSource = value
            default:
                return usageError("unknown option \(QuotedInput.quote(option)) for invoke; run 'bootstrap invoke --help'")
            }
        }
        let event: [UInt8]
        switch eventSource {
        case nil: event = Array("{}".utf8)
        case "-":
            guard let input = try? FileContents.read(descriptor: 0) else { return usageError("cannot read the event from standard input") }
            event = input
        case let path?:
            do {
                event = try FileContents.read(path)
            } catch {
                return usageError("cannot read event file '\(path)': \(error.reason)")
            }
        }
        let logger = Logger.fromEnvironment()
        let result: Result<[UInt8], ErrorReport>
        do {
            result = LocalInvocation.run(try HandlerTable.make(named: name), event: event, functionName: name, logger: logger)
        } catch {
            result = .failure(ErrorReport(error))
        }
        switch result {
        case .success(let output):
            write(output + [0x0A], to: 1)
            return 0
        case .failure(let report):
            write(report.json + [0x0A], to: 2)
            return 1
        }
    }

    static var help: String {
        var text = """
        bootstrap: the StagingRefresh Lambda function (runtime provided.al2023).

        In Lambda (AWS_LAMBDA_RUNTIME_API set, no arguments) it runs the handler that _HANDLER names.
        Elsewhere it is a tool:

          bootstrap invoke HANDLER [--event FILE|-]   run one invocation here and print the result JSON
          bootstrap invoke --help                     handlers and the settings each reads
          bootstrap doctor                            region, credentials, libcurl, CA bundle, endpoints, caller
          bootstrap iam-policy [HANDLER]              the least-privilege IAM policy for the current settings
                                                      (stack-update-role: CloudFormation's role in stack mode)
          bootstrap migrate info|validate|migrate|repair
                                                      the migrations against a cluster through the Data API
          bootstrap clone create|list|delete          your own copy-on-write clone of the source cluster
          bootstrap --help                            this text

        Handlers:

        """
        for entry in HandlerTable.entries {
            text += "  \(entry.name.padding(18))\(entry.summary)\n"
        }
        text += """

        Logging (every handler): AWS_LAMBDA_LOG_FORMAT=TEXT|JSON, AWS_LAMBDA_LOG_LEVEL=TRACE|DEBUG|INFO|WARN|ERROR|FATAL.
        """
        return text
    }

    static var invokeHelp: String {
        var text = """
        bootstrap invoke HANDLER [--event FILE|-]

        Runs one invocation of HANDLER in this process, with a context like Lambda's and a 15-minute
        deadline. The event is read from FILE, from standard input with -, or is {} when omitted.
        Prints the result JSON on standard output and exits 0; on failure prints the error JSON
        ({"errorMessage","errorType","stackTrace"}) on standard error and exits 1.

        """
        for entry in HandlerTable.entries {
            text += "\n\(entry.name)\n  \(entry.summary)\n"
            if entry.settings.isEmpty {
                text += "  Settings: none.\n"
            } else {
                text += "  Settings:\n"
                for setting in entry.settings {
                    text += "    \(setting.name.padding(32))\(setting.meaning)\n"
                }
            }
        }
        return text
    }

    private static func usageError(_ message: String) -> Int32 {
        write(Array(("bootstrap: " + message + "\n").utf8), to: 2)
        return 2
    }

    static func write(_ bytes: [UInt8], to fd: Int32) {
        FileContents.write(bytes, to: fd)
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
