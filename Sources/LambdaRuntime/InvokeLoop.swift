#if canImport(Glibc)
import Glibc
#endif

/// The runtime: init, then next → handle → response/error, forever (README: How the runtime behaves).
public struct InvokeLoop {
    let client: any RuntimeAPI
    let handler: any Handler
    let function: FunctionEnvironment
    let logger: Logger

    /// Runs the function behind `AWS_LAMBDA_RUNTIME_API`. An init failure is reported on
    /// `/runtime/init/error` and ends the process with status 1, as Lambda expects.
    public static func run(apiAddress: String, makeHandler: () throws -> any Handler) -> Never {
        let logger = Logger.fromEnvironment()
        ShutdownSignal.install(logger: logger)
        let client: RuntimeAPIClient
        do {
            client = try RuntimeAPIClient(address: apiAddress)
        } catch {
            logger.fatal(error.description)
            exit(1)
        }
        let handler: any Handler
        do {
            handler = try makeHandler()
        } catch {
            let report = ErrorReport(error)
            logger.fatal("init failed: \(report.errorType): \(report.errorMessage)")
            do {
                if case .rejected(let status, let body) = try client.postInitError(report: report) {
                    logger.error("Runtime API refused the init error (\(status)): \(body)")
                }
            } catch {
                logger.error(error.description)
            }
            exit(1)
        }
        InvokeLoop(client: client, handler: handler, function: .current(), logger: logger).serve()
    }

    func serve() -> Never {
        let trace = TraceEnvironment()
        while true {
            do {
                try invokeOnce(trace: trace)
            } catch {
                // Only Runtime API failures get here: a handler's error is the invocation's.
                logger.fatal(error.description)
                fflush(nil)
                exit(1)
            }
        }
    }

    func invokeOnce(trace: TraceEnvironment) throws(RuntimeAPIError) {
        let invocation = try client.next()
        trace.set(invocation.traceID)
        let context = invocation.context(function: function, logger: logger)
        let output: [UInt8]
        do {
            output = try handler.handle(invocation.event, context: context)
        } catch {
            try report(error, for: invocation, context: context)
            return
        }
        switch try client.postResponse(requestID: invocation.requestID, body: output) {
        case .accepted:
            break
        case .tooLarge:
            // The Runtime API has already failed the invocation with this type on its side, and
            // answers 400 to a later /error, so the log line is the only report left to make.
            context.logger.error(
                "response of \(output.count) bytes is over Lambda's 6,291,556-byte limit; return less, or store the result (e.g. in S3) and return its location",
                ["errorType": "Function.ResponseSizeTooLarge"])
        case .rejected(let status, let body):
            context.logger.error("Runtime API refused the response (\(status)): \(body)")
        }
    }

    private func report(_ error: any Error, for invocation: Invocation, context: Context) throws(RuntimeAPIError) {
        let report = ErrorReport(error)
        context.logger.error(report.errorMessage, ["errorType": .string(report.errorType)])
        if case .rejected(let status, let body) = try client.postError(requestID: invocation.requestID, report: report) {
            context.logger.error("Runtime API refused the error report (\(status)): \(body)")
        }
    }
}
