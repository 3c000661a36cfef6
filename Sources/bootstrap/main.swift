#if canImport(Glibc)
import Glibc
#endif
import LambdaRuntime

// Lambda starts the bootstrap with no arguments and AWS_LAMBDA_RUNTIME_API set; anything else is
// a person or a script using the CLI.
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.isEmpty, let api = FunctionEnvironment.variable("AWS_LAMBDA_RUNTIME_API") {
    InvokeLoop.run(apiAddress: api) {
        try HandlerTable.make(named: FunctionEnvironment.variable("_HANDLER"))
    }
}
exit(CLI.run(arguments))
