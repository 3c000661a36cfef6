import Basics
import FoundationEssentials
import LambdaRuntime
import Testing
@testable import AWSClient
@testable import Refresh

/// The refresh's decisions as plain values: which snapshot, what the event says, which token, what the
/// answer holds. The wire (paging, signatures, shared snapshots) is the integration tests' part.
@Suite struct SnapshotSelectionTests {
    private func snapshot(_ id: String, _ status: String = "available", at minute: Int64, engine: String = "aurora-postgresql",
                          version: String = "15.4", account: String = "111122223333", type: String = "automated") -> RDS.Snapshot {
        RDS.Snapshot(identifier: id, arn: "arn:aws:rds:us-east-1:\(account):cluster-snapshot:\(id)", sourceIdentifier: "prod",
                     isCluster: true, status: status, type: type, engine: engine, engineVersion: version, createTime: "",
                     createTimeEpochMilliseconds: minute * 60_000, encrypted: false, kmsKeyID: nil)
    }

    private func settings(_ values: [String: String] = [:]) throws -> Settings {
        try Settings(SettingsSource(environment: ["SOURCE_DB_CLUSTER_IDENTIFIER": "prod", "RESTORE_MODE": "pipeline"].merging(values) { $1 }))
    }

    @Test func theNewestUsableOneIsChosenAndEveryOtherCountedOnceUnderItsFirstReason() throws {
        let all = [
            snapshot("a", at: 1), snapshot("b", at: 3), snapshot("c", "creating", at: 9),
            snapshot("d", at: 8, engine: "aurora-mysql"), snapshot("e", at: 7, version: "14.9"),
            snapshot("f", "creating", at: 6, engine: "aurora-mysql"), snapshot("g", at: 5, account: "444455556666"),
        ]
        let selection = SnapshotSelection(all, settings: try settings(["ENGINE": "aurora-postgresql", "ENGINE_VERSION": "15", "SOURCE_ACCOUNT_ID": "111122223333"]))
        #expect(selection.chosen?.identifier == "b")
        #expect(selection.seen == 7)
        #expect(selection.reasons.map { "\($0.count) \($0.reason)" } == ["2 creating", "1 other account", "1 other engine", "1 other engine version"])
    }

    @Test func equalTimesAreBrokenByIdentifierSoTheChoiceIsStable() throws {
        let selection = SnapshotSelection([snapshot("x-2", at: 4), snapshot("x-1", at: 4)], settings: try settings())
        #expect(selection.chosen?.identifier == "x-2")
    }

    @Test func nothingUsableExplainsWhy() throws {
        let settings = try settings()
        let none = SnapshotSelection([snapshot("c", "creating", at: 1)], settings: settings)
        #expect(none.chosen == nil)
        #expect(none.explanation(for: settings).hasPrefix("No usable snapshot of cluster 'prod': 1 snapshot seen: 1 creating."))
        #expect(SnapshotSelection([], settings: settings).explanation(for: settings).hasPrefix("No snapshots of cluster 'prod' found"))
    }

    @Test func engineVersionIsAPrefixOfWholeParts() throws {
        let all = [snapshot("v15-10", at: 5, version: "15.10"), snapshot("v15-1", at: 4, version: "15.1"),
                   snapshot("v15-1-2", at: 3, version: "15.1.2"), snapshot("v14", at: 6, version: "14.9")]
        #expect(SnapshotSelection(all, settings: try settings(["ENGINE_VERSION": "15.1"])).chosen?.identifier == "v15-1")
        #expect(SnapshotSelection(all, settings: try settings(["ENGINE_VERSION": "15"])).chosen?.identifier == "v15-10")
        #expect(SnapshotSelection(all, settings: try settings(["ENGINE_VERSION": "1"])).chosen == nil)
        #expect(SnapshotSelection(all, settings: try settings(["ENGINE_VERSION": "15.1.2"])).chosen?.identifier == "v15-1-2")
    }

    @Test func theSourceAccountExcludesSnapshotsSharedFromElsewhereAndAnotherEngineIsCounted() throws {
        let all = [snapshot("own", at: 1), snapshot("shared", at: 9, account: "444455556666", type: "shared"),
                   snapshot("mysql", at: 8, engine: "aurora-mysql"), snapshot("unknown", "", at: 7)]
        let own = SnapshotSelection(all, settings: try settings(["SOURCE_ACCOUNT_ID": "111122223333", "ENGINE": "aurora-postgresql"]))
        #expect(own.chosen?.identifier == "own")
        #expect(own.reasons.map { "\($0.count) \($0.reason)" } == ["1 no status", "1 other account", "1 other engine"])
        let any = SnapshotSelection(all, settings: try settings(["ENGINE": "aurora-postgresql"]))
        #expect(any.chosen.map(SnapshotSelection.reference) == "arn:aws:rds:us-east-1:444455556666:cluster-snapshot:shared")
    }

    @Test func aSharedSnapshotIsNamedByItsARN() {
        let shared = snapshot("s", at: 1, account: "444455556666", type: "shared")
        #expect(SnapshotSelection.reference(to: shared) == shared.arn)
        #expect(SnapshotSelection.reference(to: snapshot("own", at: 1)) == "own")
    }
}

@Suite struct RefreshEventTests {
    private func decode(_ json: String) throws -> RefreshEvent {
        try JSONDecoder().decode(RefreshEvent.self, from: Data(json.utf8))
    }

    private func refusal(_ json: String) -> String {
        do {
            _ = try decode(json)
            return ""
        } catch let error as FunctionError {
            return error.errorMessage
        } catch {
            return "\(error)"
        }
    }

    @Test func aScheduledEventIsAcceptedAsItComes() throws {
        let event = try decode(#"{"version":"0","id":"x","detail-type":"Scheduled Event","source":"aws.events","account":"1","time":"t","region":"us-east-1","resources":[],"detail":{}}"#)
        #expect(event == RefreshEvent())
    }

    @Test func ownKeysAreRead() throws {
        let event = try decode(#"{"dryRun":true,"force":true,"snapshot":"rds:prod-1","config":{"ENGINE":"aurora-postgresql"}}"#)
        #expect(event.dryRun && event.force && event.snapshot == "rds:prod-1" && event.config == ["ENGINE": "aurora-postgresql"])
    }

    @Test func wrongInputIsRefusedWithWhatToWrite() {
        #expect(refusal(#"{"dryrun":true}"#).hasPrefix("unknown key 'dryrun'"))
        #expect(refusal(#"{"dryRun":"yes"}"#) == "'dryRun' must be true or false")
        #expect(refusal(#"{"snapshot":""}"#).hasPrefix("'snapshot' must be a snapshot identifier or ARN"))
        #expect(refusal(#"{"config":{"ENGIN":"x"}}"#).hasPrefix("'config' has an unknown setting 'ENGIN'"))
        #expect(refusal(#"{"config":{"ENGINE":5}}"#).hasPrefix("'config' must be an object of setting names to strings"))
    }
}

@Suite struct PipelineTokenTests {
    @Test func aTokenIsStablePerSnapshotValidAndApartForLookAlikes() {
        let token = PipelineToken.make(snapshot: "rds:prod-2026-11-01-02-00")
        #expect(token == PipelineToken.make(snapshot: "rds:prod-2026-11-01-02-00"))
        #expect(token != PipelineToken.make(snapshot: "rds-prod-2026-11-01-02-00"))
        #expect(token.count <= 128 && token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        let long = PipelineToken.make(snapshot: "arn:aws:rds:us-east-1:444455556666:cluster-snapshot:" + String(repeating: "s", count: 200))
        #expect(long.count <= 128)
    }

    @Test func aForcedRunStartsAnewButItsRetryDoesNot() {
        let plain = PipelineToken.make(snapshot: "s")
        let forced = PipelineToken.make(snapshot: "s", forcedBy: "request-1")
        #expect(forced != plain && forced == PipelineToken.make(snapshot: "s", forcedBy: "request-1"))
        #expect(forced != PipelineToken.make(snapshot: "s", forcedBy: "request-2"))
    }
}

@Suite struct CustomResourceResponseTests {
    // A cut counted in characters while the excess is in bytes once emptied a Reason of accented text.
    @Test func aLongReasonIsCutToFit4096BytesKeepingItsHead() throws {
        let response = CustomResourceResponse(Status: .FAILED, Reason: "V1__a.sql:1: " + String(repeating: "é", count: 5_000),
                                              PhysicalResourceId: "p", StackId: "s", RequestId: "r", LogicalResourceId: "l", Data: nil)
        let bytes = try response.encoded()
        #expect(bytes.count <= CustomResourceResponse.byteLimit)
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(bytes))
        #expect(decoded["Reason"]?.hasPrefix("V1__a.sql:1: éé") == true && decoded["Reason"]?.hasSuffix("...") == true)
        #expect(decoded["Status"] == "FAILED")
        #expect(bytes.count > CustomResourceResponse.byteLimit - 8)  // cut only as far as needed
    }

    @Test func aShortAnswerIsLeftWhole() throws {
        let response = CustomResourceResponse(Status: .SUCCESS, Reason: "applied 1 migration (V1); database at V1", PhysicalResourceId: "p",
                                              StackId: "s", RequestId: "r", LogicalResourceId: "l", Data: ["AppliedCount": "1"])
        let text = String(decoding: try response.encoded(), as: UTF8.self)
        #expect(text.contains(#""Reason":"applied 1 migration (V1); database at V1""#))
    }
}


@Suite struct StackParametersTests {
    private func rendered(_ parameters: StackParameters) -> [String] {
        parameters.parameters.map { $0.usePreviousValue ? "\($0.key)=previous" : "\($0.key)=\($0.value ?? "nil")" }
    }

    @Test func theStacksOwnTemplateGetsTheSnapshotItsGenerationAndUsernameAndKeepsTheRest() {
        let declared: Set = ["SnapshotIdentifier", "StagingDBGeneration", "SnapshotMasterUsername", "Engine", "DatabaseName"]
        let parameters = StackParameters(snapshot: "rds:prod-2026-12-01-02-00", masterUsername: "app_admin", stagingDBIdentifier: nil, declared: declared)
        let generation = StackParameters.generation(of: "rds:prod-2026-12-01-02-00")
        #expect(rendered(parameters) == ["SnapshotIdentifier=rds:prod-2026-12-01-02-00", "SnapshotMasterUsername=app_admin",
                                         "StagingDBGeneration=\(generation)", "DatabaseName=previous", "Engine=previous"])
    }

    @Test func aNewTemplateGetsOnlyWhatEveryTemplateCanTake() {
        let parameters = StackParameters(snapshot: "snap-1", masterUsername: "app_admin", stagingDBIdentifier: "staging-db", declared: nil)
        #expect(rendered(parameters) == ["SnapshotIdentifier=snap-1", "StagingDBIdentifier=staging-db"])
        let older = StackParameters(snapshot: "snap-1", masterUsername: nil, stagingDBIdentifier: "staging-db", declared: ["SnapshotIdentifier"])
        #expect(rendered(older) == ["SnapshotIdentifier=snap-1"])
    }

    @Test func anUnknownUsernameClearsTheOutputInsteadOfKeepingTheOldSnapshots() {
        let parameters = StackParameters(snapshot: "s", masterUsername: nil, stagingDBIdentifier: nil, declared: ["SnapshotMasterUsername"])
        #expect(rendered(parameters) == ["SnapshotIdentifier=s", "SnapshotMasterUsername="])
    }

    /// The name part is sr-<stack id>-<generation>: RDS allows letters, digits and single hyphens,
    /// and template.yml's parameter pattern is [a-z0-9]{0,16}.
    @Test func theGenerationIsAStableNamePartThatChangesWithTheSnapshot() {
        let one = StackParameters.generation(of: "rds:prod-2026-12-01-02-00")
        #expect(one == StackParameters.generation(of: "rds:prod-2026-12-01-02-00"))
        #expect(one != StackParameters.generation(of: "rds:prod-2026-12-15-02-00"))
        #expect(one.count == 12 && one.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) })
        // SHA-256("abc") starts ba7816bf8f01 (FIPS 180-2, appendix B.1).
        #expect(StackParameters.generation(of: "abc") == "ba7816bf8f01")
    }
}

@Suite struct RefreshErrorTests {
    @Test func typesAreWhatLambdaAndTheFailureTopicShow() {
        #expect(RefreshError.invalidConfiguration("x").errorType == "Function.InvalidConfiguration")
        #expect(RefreshError.invalidConfiguration("x", atInit: true).errorType == "Runtime.InvalidConfiguration")
        #expect(RefreshError.stackBeingReplaced(stack: "s").errorType == RefreshError.stackBusy(stack: "s", status: "UPDATE_IN_PROGRESS").errorType)
        #expect(RefreshError.snapshotUncheckable(snapshot: "a", source: "p").errorType == "Function.SnapshotNotFound")
        #expect(ErrorReport(RefreshError.noLatestSnapshot(parameter: "/p/latest-snapshot-id")).errorType == "Function.NoLatestSnapshot")
    }

    @Test func messagesSayWhatToDo() {
        #expect(RefreshError.stackFailed(stack: "s", status: "UPDATE_ROLLBACK_FAILED", reason: "The following resource(s) failed").errorMessage
                == "stack s is UPDATE_ROLLBACK_FAILED (The following resource(s) failed); fix or delete it in CloudFormation, then run again")
        #expect(RefreshError.stackFailed(stack: "s", status: "CREATE_FAILED", reason: nil).errorMessage
                == "stack s is CREATE_FAILED; fix or delete it in CloudFormation, then run again")
        #expect(RefreshError.snapshotNotAvailable(snapshot: "it's", status: "creating").errorMessage.hasPrefix("snapshot 'it's' is creating, not available"))
    }
}

@Suite struct CloneSourceTests {
    private func settings(_ values: [String: String] = [:]) throws -> Settings {
        try Settings(SettingsSource(environment: ["SOURCE_DB_CLUSTER_IDENTIFIER": "prod", "RESTORE_MODE": "pipeline", "REFRESH_METHOD": "clone"]
            .merging(values) { $1 }))
    }

    private func cluster(status: String = "available", members: Int = 1, engine: String = "aurora-postgresql", version: String = "15.4",
                         earliest: String? = "2026-11-24T02:00:00Z", latest: String? = "2026-12-01T04:05:06.789Z") -> RDS.Cluster {
        RDS.Cluster(identifier: "prod", arn: "arn:aws:rds:us-east-1:111122223333:cluster:prod", status: status, engine: engine,
                    engineVersion: version, endpoint: nil, readerEndpoint: nil, port: nil, httpEndpointEnabled: false,
                    earliestRestorableTime: earliest, latestRestorableTime: latest, memberCount: members, masterUsername: "app")
    }

    private func reason(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            return "no error"
        } catch let error as RefreshError {
            return "\(error.errorType): \(error.errorMessage)"
        } catch {
            return "\(error)"
        }
    }

    @Test func theLatestRestorableTimeToTheSecondIsTheCloneTime() throws {
        #expect(try CloneSource.latestRestoreTime(of: cluster(), settings: try settings()) == "2026-12-01T04:05:06Z")
    }

    @Test func aSourceThatCannotBeClonedIsRefusedWithWhatToDo() throws {
        let settings = try settings(["ENGINE": "aurora-postgresql", "ENGINE_VERSION": "15"])
        #expect(reason { try CloneSource.latestRestoreTime(of: nil, settings: settings) }.contains("no cluster of that name is visible"))
        #expect(reason { try CloneSource.latestRestoreTime(of: cluster(status: "stopped"), settings: settings) }
                == "Function.SourceNotClonable: cluster 'prod' cannot be cloned: it is stopped, and only an available cluster can be cloned; start it, or use REFRESH_METHOD=snapshot; nothing was changed")
        #expect(reason { try CloneSource.latestRestoreTime(of: cluster(members: 0), settings: settings) }.contains("it has no DB instance"))
        #expect(reason { try CloneSource.latestRestoreTime(of: cluster(engine: "aurora-mysql"), settings: settings) }.contains("its engine is aurora-mysql"))
        #expect(reason { try CloneSource.latestRestoreTime(of: cluster(version: "16.1"), settings: settings) }.contains("not ENGINE_VERSION=15"))
        #expect(reason { try CloneSource.latestRestoreTime(of: cluster(latest: nil), settings: settings) }.contains("no latest restorable time"))
    }

    /// The recipient of a cluster shared through AWS RAM sees its ARN, engine and version only:
    /// status, instances and restorable times are not checked there, and the time is now.
    @Test func aClusterSharedFromAnotherAccountIsClonedAsOfNow() throws {
        let shared = RDS.Cluster(identifier: "", arn: "arn:aws:rds:us-east-1:444455556666:cluster:prod", status: "", engine: "aurora-postgresql",
                                 engineVersion: "15.4", endpoint: nil, readerEndpoint: nil, port: nil, httpEndpointEnabled: false)
        let now = UTCTime(iso8601: "2026-12-03T11:40:00.250Z")!.epochMilliseconds
        #expect(try CloneSource.latestRestoreTime(of: shared, settings: try settings(), now: now) == "2026-12-03T11:40:00Z")
        #expect(reason { try CloneSource.latestRestoreTime(of: shared, settings: try settings(["ENGINE": "aurora-mysql"]), now: now) }
                .contains("its engine is aurora-postgresql"))
        let referenced = try settings(["SOURCE_ACCOUNT_ID": "444455556666"])
        #expect(CloneSource.reference(referenced, region: "us-east-1") == "arn:aws:rds:us-east-1:444455556666:cluster:prod")
        #expect(CloneSource.reference(try settings(), region: "us-east-1") == "prod")
    }

    /// RDS clones only the latest restorable time; a time an operator names is a point-in-time
    /// restore (a full copy), inside the window, and not of a cluster shared from another account.
    @Test func aChosenTimeIsAPointInTimeRestoreInsideTheWindow() throws {
        let settings = try settings()
        #expect(try CloneSource.pointInTime("2026-11-30T12:00:00.5+01:00", of: cluster(), settings: settings) == "2026-11-30T11:00:00Z")
        #expect(reason { try CloneSource.pointInTime("2026-11-01T00:00:00Z", of: cluster(), settings: settings) }
                .hasPrefix("Function.RestoreTimeOutOfRange: restoreTime '2026-11-01T00:00:00Z' is outside the source's restorable window 2026-11-24T02:00:00Z … 2026-12-01T04:05:06Z"))
        #expect(reason { try CloneSource.pointInTime("yesterday", of: cluster(), settings: settings) }.contains("is not an ISO 8601 time"))
        let shared = RDS.Cluster(identifier: "", arn: "arn:aws:rds:us-east-1:444455556666:cluster:prod", status: "", engine: "aurora-postgresql",
                                 engineVersion: "15.4", endpoint: nil, readerEndpoint: nil, port: nil, httpEndpointEnabled: false)
        #expect(reason { try CloneSource.pointInTime("2026-11-30T12:00:00Z", of: shared, settings: settings) }.contains("it is shared from another account"))
        let parameters = StackParameters(snapshot: "2026-11-30T11:00:00Z", masterUsername: nil, stagingDBIdentifier: nil,
                                         declared: ["RestoreTime", "PointInTimeRestore"], method: .clone, pointInTime: true)
        #expect(parameters.parameters.map { "\($0.key)=\($0.value ?? "")" } == ["PointInTimeRestore=true", "RestoreTime=2026-11-30T11:00:00Z"])
        // The same time as a clone and as a point-in-time restore: two databases, two names.
        let declared: Set = ["RestoreTime", "PointInTimeRestore", "StagingDBGeneration"]
        let clone = StackParameters(snapshot: "2026-11-30T11:00:00Z", masterUsername: nil, stagingDBIdentifier: nil, declared: declared, method: .clone)
        let restore = StackParameters(snapshot: "2026-11-30T11:00:00Z", masterUsername: nil, stagingDBIdentifier: nil, declared: declared, method: .clone,
                                      pointInTime: true)
        #expect(clone.parameters.first { $0.key == "StagingDBGeneration" }?.value != restore.parameters.first { $0.key == "StagingDBGeneration" }?.value)
    }

    @Test func theClusterQuotaLeavesRoomForTheReplacement() throws {
        try CloneSource.checkQuota([RDS.Quota(name: "DBClusters", used: 39, max: 40)])
        #expect(reason { try CloneSource.checkQuota([RDS.Quota(name: "DBClusters", used: 40, max: 40)]) }.hasPrefix("Function.ClusterQuotaReached: the account has 40 of its 40 DB clusters"))
    }

    @Test func cloneModeNeedsAClusterAndReadsItsOwnParameters() throws {
        #expect(reason { try Settings(SettingsSource(environment: ["SOURCE_DB_INSTANCE_IDENTIFIER": "prod-db", "REFRESH_METHOD": "clone"])) }
                .contains("REFRESH_METHOD=clone needs an Aurora cluster"))
        let clone = try settings(["PARAMETER_PREFIX": "/s"])
        #expect((clone.latestParameter, clone.currentParameter) == ("/s/latest-restore-time", "/s/current-restore-time"))
        let parameters = StackParameters(snapshot: "2026-12-01T04:05:06Z", masterUsername: "app", stagingDBIdentifier: nil,
                                         declared: ["SnapshotIdentifier", "RestoreTime", "StagingDBGeneration"], method: .clone)
        #expect(parameters.parameters.map { $0.usePreviousValue ? "\($0.key)=previous" : "\($0.key)=\($0.value ?? "")" }
                == ["RestoreTime=2026-12-01T04:05:06Z", "StagingDBGeneration=\(StackParameters.generation(of: "2026-12-01T04:05:06Z"))",
                    "SnapshotIdentifier=previous"])
    }
}

@Suite struct DeveloperClonesTests {
    private func clones(_ prefix: String = "/staging-refresh") throws -> DeveloperClones {
        DeveloperClones(settings: try Settings(SettingsSource(environment: ["SOURCE_DB_CLUSTER_IDENTIFIER": "prod", "RESTORE_MODE": "pipeline",
                                                                           "PARAMETER_PREFIX": prefix])))
    }

    private func stack(_ name: String, base: String = "staging-refresh", expires: String, status: String = "CREATE_COMPLETE",
                       created: String = "2026-12-01T08:00:00Z") -> CloudFormation.Stack {
        CloudFormation.Stack(name: name, id: "", status: status, statusReason: nil, outputs: ["Endpoint": "\(name).example"], parameters: [:],
                             tags: ["staging-refresh:clones-of": base, "staging-refresh:owner": "arn:aws:iam::1:user/alice",
                                    "staging-refresh:source": "prod", "staging-refresh:expires": expires],
                             creationTime: created)
    }

    @Test func namesAreThisBasesAndValidRDSIdentifiers() throws {
        #expect(try clones().stackName(for: "alice-bugfix") == "staging-refresh-clone-alice-bugfix")
        #expect(try clones("/teams/payments").stackName(for: "bob") == "teams-payments-clone-bob")
        for bad in ["Alice", "1st", "a--b", "a-", "a_b", String(repeating: "a", count: 21), ""] {
            #expect(throws: RefreshError.self) { try clones().stackName(for: bad) }
        }
    }

    @Test func theDefaultPrefixIsTheParameterPrefixAsANamePart() throws {
        #expect(try clones("/a.b_c-d/e").base == "a-b-c-d-e")
        #expect(Settings.cloneNamePrefix(from: "/Team_A//db") == "team-a-db")
        #expect(Settings.cloneNamePrefix(from: "/9lives") == "staging-refresh")
        #expect(throws: RefreshError.self) {
            try Settings(SettingsSource(environment: ["SOURCE_DB_CLUSTER_IDENTIFIER": "prod", "RESTORE_MODE": "pipeline", "CLONE_NAME_PREFIX": "Bad_Prefix"]))
        }
    }

    @Test func ttlIsMinutesHoursOrDaysUpToAWeek() throws {
        #expect(try DeveloperClones.ttlMilliseconds("30m") == 1_800_000)
        #expect(try DeveloperClones.ttlMilliseconds("8h") == 28_800_000)
        #expect(try DeveloperClones.ttlMilliseconds("7d") == 604_800_000)
        for bad in ["8", "0h", "8d", "h", "-1h", "1.5h"] {
            #expect(throws: RefreshError.self) { try DeveloperClones.ttlMilliseconds(bad) }
        }
    }

    @Test func onlyThisBasesExpiredClonesAreExpiredAndAnUnreadableExpiryIsKept() throws {
        let now = UTCTime(iso8601: "2026-12-01T12:00:00Z")!.epochMilliseconds
        let all = try clones().clones(in: [
            stack("staging-refresh-clone-old", expires: "2026-12-01T11:59:59Z"),
            stack("staging-refresh-clone-new", expires: "2026-12-01T12:00:01Z"),
            stack("staging-refresh-clone-going", expires: "2026-12-01T10:00:00Z", status: "DELETE_IN_PROGRESS"),
            stack("staging-refresh-clone-odd", expires: "tomorrow"),
            stack("other-clone-old", base: "other", expires: "2026-12-01T09:00:00Z"),
            stack("staging-refresh-clone-x", base: "other", expires: "2026-12-01T09:00:00Z"),
        ])
        #expect(all.map(\.name) == ["going", "new", "odd", "old"])
        #expect(DeveloperClones.expired(all, now: now).map(\.name) == ["old"])
    }

    @Test func theListIsATableWithAgesAHumanReads() throws {
        let now = UTCTime(iso8601: "2026-12-01T10:30:00Z")!.epochMilliseconds
        let table = DeveloperClones.table(try clones().clones(in: [stack("staging-refresh-clone-alice", expires: "2026-12-01T16:00:00Z")]), now: now)
        #expect(table.split(separator: "\n").map { $0.split(separator: " ").map(String.init) } == [
            ["NAME", "OWNER", "SOURCE", "AGE", "EXPIRES", "STATUS", "ENDPOINT"],
            ["alice", "alice", "prod", "2h30m", "2026-12-01T16:00:00Z", "CREATE_COMPLETE", "staging-refresh-clone-alice.example"],
        ])
        #expect(DeveloperClones.age(59 * 60_000) == "59m" && DeveloperClones.age(49 * 3_600_000) == "2d")
    }
}
