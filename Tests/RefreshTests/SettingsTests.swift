import Testing
@testable import Refresh
import LambdaRuntime

@Suite struct SettingsTests {
    private func settings(_ values: [String: String]) throws(RefreshError) -> Settings {
        try Settings(SettingsSource(environment: ["SOURCE_DB_CLUSTER_IDENTIFIER": "prod-db", "STACK_NAME": "staging-db"].merging(values) { $1 }))
    }

    private func refusal(_ values: [String: String]) -> String {
        do {
            _ = try settings(values)
            return ""
        } catch {
            return error.errorMessage
        }
    }

    @Test func restoreModeDefaultsToStackAsTheTemplatesDo() throws {
        #expect(try settings([:]).restoreMode == .stack)
        #expect(Settings.defaultRestoreMode == .stack)
    }

    // SSM: names may not begin with aws or ssm (case-insensitive) nor hold an empty segment.
    @Test(arguments: ["/a//b", "/aws/x", "/AWS-things", "/ssm", "/SSMx/y", "/awsome"])
    func prefixesSSMWouldRefuseAreRefusedFirst(_ prefix: String) {
        #expect(refusal(["PARAMETER_PREFIX": prefix]).hasPrefix("PARAMETER_PREFIX (from the environment) "))
    }

    @Test(arguments: ["/staging-refresh", "/team/staging", "/a.b_c-d/e", "/x-aws/ssm"])
    func ordinaryPrefixesPass(_ prefix: String) throws {
        #expect(try settings(["PARAMETER_PREFIX": prefix]).parameterPrefix == prefix)
    }

    @Test func theProductionGuardsSuggestionIsItselfAValidSetting() throws {
        let message = refusal(["PARAMETER_PREFIX": "/apps/prod-db/refresh"])
        #expect(message.contains("PARAMETER_PREFIX=/apps/staging-prod-db/refresh"), "\(message)")
        let suggested = try #require(message.split(separator: "=").last.map(String.init))
        #expect(try settings(["PARAMETER_PREFIX": suggested]).parameterPrefix == suggested)
        let stack = refusal(["STACK_NAME": "PROD-DB"])
        #expect(stack.hasSuffix("STACK_NAME=staging-prod-db"))
    }

    @Test func migrationsEnabledIsABoolean() throws {
        #expect(try settings(["MIGRATIONS_ENABLED": "true"]).migrationsEnabled)
        #expect(try !settings([:]).migrationsEnabled)
        #expect(refusal(["MIGRATIONS_ENABLED": "yes"]).contains("must be true or false"))
    }
}

