import LambdaRuntime

/// Refuses any configuration in which a write could land on production: a stack, parameter path,
/// pipeline or staging identifier named like the source database. RDS identifiers ignore case.
enum ProductionGuard {
    static func check(_ settings: Settings) throws(RefreshError) {
        let source = settings.source.identifier.lowercased()
        let sourceName = settings.source.identifier
        var targets: [(String, String?)] = [
            ("STACK_NAME", settings.stackName),
            ("STAGING_DB_IDENTIFIER", settings.stagingDBIdentifier),
            ("PIPELINE_NAME", settings.pipelineName),
        ]
        for segment in settings.parameterPrefix.split(separator: "/") {
            targets.append(("PARAMETER_PREFIX", String(segment)))
        }
        for (name, value) in targets where value?.lowercased() == source {
            // The suggestion must itself be valid: a prefix keeps its other segments and its slashes.
            let suggestion = name == "PARAMETER_PREFIX"
                ? "/" + settings.parameterPrefix.split(separator: "/").map { $0.lowercased() == source ? "staging-\($0)" : String($0) }.joined(separator: "/")
                : "staging-\(sourceName)"
            throw .productionGuard(setting: name, source: sourceName, suggestion: suggestion)
        }
    }
}
