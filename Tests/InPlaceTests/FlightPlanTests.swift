import Basics
import Testing
@testable import InPlace

/// The flight plan a new run of a fixed graph prints ({"plan": true}) is the checked-in one: any change to
/// what the swap calls, on what and with which parameters shows up in review as a diff of that file.
@Suite struct FlightPlanTests {
    static let expected = String(#filePath.dropLast("FlightPlanTests.swift".count)) + "Expected/"

    func text(_ plan: SwapPlan) -> String {
        plan.steps.map(\.line).joined(separator: "\n") + "\n"
    }

    func expected(_ name: String) throws -> String {
        String(decoding: try FileContents.read(Self.expected + name), as: UTF8.self)
    }

    @Test func aPostgresPrimaryWithTwoReplicasByReadReplica() throws {
        let prefix = "arn:aws:rds:eu-west-1:111122223333:"
        let nodes = [
            DBNode(kind: .instance, identifier: "prod-db", arn: prefix + "db:prod-db"),
            DBNode(kind: .instance, identifier: "staging-db", arn: prefix + "db:staging-db", replicas: ["staging-db-r1", "staging-db-r2"],
                   attributes: DBNode.Attributes(instanceClass: "db.t4g.medium", storageType: "gp3", port: 5432, multiAZ: false,
                                                 parameterGroup: "staging-pg15", optionGroup: "default:postgres-15", subnetGroup: "staging",
                                                 securityGroups: ["sg-0a1b2c3d"], maintenanceWindow: "sun:05:00-sun:06:00",
                                                 backupWindow: "03:00-03:30", backupRetention: 3),
                   tags: ["team": "payments"]),
            DBNode(kind: .instance, identifier: "staging-db-r1", arn: prefix + "db:staging-db-r1", source: "staging-db",
                   attributes: DBNode.Attributes(instanceClass: "db.t4g.small")),
            DBNode(kind: .instance, identifier: "staging-db-r2", arn: prefix + "db:staging-db-r2", source: "staging-db",
                   attributes: DBNode.Attributes(instanceClass: "db.t4g.small")),
        ]
        let spec = SwapSpec(source: "prod-db", target: "staging-db", method: .replica,
                            hook: .ecs([SwapSpec.ECSService(cluster: "staging", service: "api")]), keepFinalSnapshot: true)
        let plan = try SwapPlan(spec: spec, nodes: nodes, arnPrefix: prefix, newRun: "r20261203040000")
        #expect(text(plan) == (try expected("replica-plan.txt")))
    }
}
