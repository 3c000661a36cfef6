"""refresh-in-place (the stack-mitosis swap as a reconciler) against moto with moto_rds_swap.py's patches: instances
pass through creating/modifying/renaming for a few describes, as on RDS. Each test drives the real binary
invocation by invocation, as the schedule rule would, and checks the graph RDS ends with: the target's names,
attributes and replicas on a fresh copy, nothing left of temp- or old-, and the source untouched."""
import json
import subprocess

import pytest

from harness.aws_fixtures import moto_control
from harness.build import binary
from harness.moto_peer import MotoServer


@pytest.fixture
def moto():
    with MotoServer() as server:
        yield server


def describe(moto):
    rds = moto.client("rds")
    instances = {i["DBInstanceIdentifier"]: i for i in rds.describe_db_instances()["DBInstances"]}
    clusters = {c["DBClusterIdentifier"]: c for c in rds.describe_db_clusters()["DBClusters"]}
    return instances, clusters


def invoke(moto, event, **settings):
    environment = moto.env()
    environment.update(settings)
    result = subprocess.run([str(binary("bootstrap")), "invoke", "refresh-in-place", "--event", "-"], input=json.dumps(event).encode(),
                            capture_output=True, env=environment, timeout=120)
    output = result.stdout if result.returncode == 0 else result.stderr.splitlines()[-1]
    return result.returncode, json.loads(output), result.stderr.decode()


def run_to_end(moto, limit=60, **settings):
    """{"start": true}, then what the schedule sends ({}), until the run is no longer in progress."""
    status, result, _ = invoke(moto, {"start": True}, **settings)
    assert status == 0, result
    rounds = [result]
    while result["state"] == "in-progress":
        status, result, _ = invoke(moto, {}, **settings)
        assert status == 0, result
        rounds.append(result)
        assert len(rounds) < limit, rounds[-3:]
    return rounds


def postgres_graph(moto):
    rds = moto.client("rds")
    rds.create_db_parameter_group(DBParameterGroupName="staging-pg15", DBParameterGroupFamily="postgres15", Description="staging")
    rds.create_db_instance(DBInstanceIdentifier="prod-db", Engine="postgres", DBInstanceClass="db.r6g.large", MasterUsername="app",
                           MasterUserPassword="not-a-secret-prod", AllocatedStorage=100, BackupRetentionPeriod=7)
    rds.create_db_instance(DBInstanceIdentifier="staging-db", Engine="postgres", DBInstanceClass="db.t4g.medium", MasterUsername="app",
                           MasterUserPassword="not-a-secret-stg", AllocatedStorage=20, BackupRetentionPeriod=1,
                           DBParameterGroupName="staging-pg15", PreferredMaintenanceWindow="sun:05:00-sun:06:00",
                           Tags=[{"Key": "team", "Value": "payments"}])
    for replica in ("staging-db-r1", "staging-db-r2"):
        rds.create_db_instance_read_replica(DBInstanceIdentifier=replica, SourceDBInstanceIdentifier="staging-db",
                                            DBInstanceClass="db.t4g.small", Tags=[{"Key": "team", "Value": "payments"}])
    moto_control(moto, "rds-transitions", {"describes": 2})  # the fixtures above are available at once


SETTINGS = {"SOURCE_DB_IDENTIFIER": "prod-db", "TARGET_DB_IDENTIFIER": "staging-db"}


def test_the_full_swap_of_a_postgres_primary_with_two_replicas(moto):
    postgres_graph(moto)
    before, _ = describe(moto)
    rounds = run_to_end(moto, **SETTINGS, SWAP_METHOD="replica")
    assert rounds[-1]["state"] == "done", rounds[-1]
    after, _ = describe(moto)
    assert sorted(after) == ["prod-db", "staging-db", "staging-db-r1", "staging-db-r2"]
    primary = after["staging-db"]
    # A copy of production under the old name: a replica takes its source's storage (100 GB; the old one had 20).
    assert (before["staging-db"]["AllocatedStorage"], primary["AllocatedStorage"]) == (20, 100)
    assert primary.get("ReadReplicaSourceDBInstanceIdentifier") is None
    assert sorted(primary["ReadReplicaDBInstanceIdentifiers"]) == ["staging-db-r1", "staging-db-r2"]
    assert (primary["DBInstanceClass"], primary["DBParameterGroups"][0]["DBParameterGroupName"], primary["PreferredMaintenanceWindow"]) == \
        ("db.t4g.medium", "staging-pg15", "sun:05:00-sun:06:00")
    for replica in ("staging-db-r1", "staging-db-r2"):
        assert after[replica]["ReadReplicaSourceDBInstanceIdentifier"] == "staging-db"
        assert after[replica]["DBInstanceClass"] == "db.t4g.small"
        assert after[replica]["AllocatedStorage"] == 100 != before[replica]["AllocatedStorage"]
    tags = {t["Key"]: t["Value"] for t in moto.client("rds").list_tags_for_resource(ResourceName=primary["DBInstanceArn"])["TagList"]}
    assert tags == {"team": "payments"}
    # The source is as it was: no replica left behind, no tag, nothing renamed.
    assert after["prod-db"]["ReadReplicaDBInstanceIdentifiers"] == [] and after["prod-db"]["DBInstanceClass"] == "db.r6g.large"
    assert moto.client("rds").list_tags_for_resource(ResourceName=after["prod-db"]["DBInstanceArn"])["TagList"] == []
    calls = [line for r in rounds for line in r["done"]]
    assert any("rename-old: rds:ModifyDBInstance staging-db-r1" in line for line in calls)
    assert calls.index(next(c for c in calls if "rename-old: rds:ModifyDBInstance staging-db " in c)) > \
        calls.index(next(c for c in calls if "rename-old: rds:ModifyDBInstance staging-db-r1" in c))  # replicas first


def restart_function(moto, name="restart-apps"):
    import io
    import zipfile

    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("bootstrap", "#!/bin/sh\n")
    role = moto.client("iam").create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    return moto.client("lambda").create_function(FunctionName=name, Runtime="provided.al2023", Role=role, Handler="restart",
                                                 Code={"ZipFile": code.getvalue()})["FunctionArn"]


def mysql_cascade(moto):
    rds = moto.client("rds")
    rds.create_db_instance(DBInstanceIdentifier="prod-my", Engine="mysql", DBInstanceClass="db.r6g.large", MasterUsername="app",
                           MasterUserPassword="not-a-secret-prod", AllocatedStorage=200, BackupRetentionPeriod=7)
    rds.create_db_instance(DBInstanceIdentifier="stage-my", Engine="mysql", DBInstanceClass="db.t4g.medium", MasterUsername="app",
                           MasterUserPassword="not-a-secret-stg", AllocatedStorage=20, BackupRetentionPeriod=1)
    rds.create_db_instance_read_replica(DBInstanceIdentifier="stage-my-r1", SourceDBInstanceIdentifier="stage-my", DBInstanceClass="db.t4g.small")
    rds.create_db_instance_read_replica(DBInstanceIdentifier="stage-my-r2", SourceDBInstanceIdentifier="stage-my-r1", DBInstanceClass="db.t4g.micro")
    moto_control(moto, "rds-transitions", {"describes": 2})


def graph_shape(moto):
    instances, clusters = describe(moto)
    shape = {name: (i.get("ReadReplicaSourceDBInstanceIdentifier"), sorted(i.get("ReadReplicaDBInstanceIdentifiers", [])),
                    i["DBInstanceClass"], i.get("DBClusterIdentifier")) for name, i in instances.items()}
    shape.update({name: ("cluster", sorted(m["DBInstanceIdentifier"] for m in c["DBClusterMembers"])) for name, c in clusters.items()})
    return shape


MYSQL = {"SOURCE_DB_IDENTIFIER": "prod-my", "TARGET_DB_IDENTIFIER": "stage-my"}
CASCADE = {"prod-my": (None, [], "db.r6g.large", None), "stage-my": (None, ["stage-my-r1"], "db.t4g.medium", None),
           "stage-my-r1": ("stage-my", ["stage-my-r2"], "db.t4g.small", None), "stage-my-r2": ("stage-my-r1", [], "db.t4g.micro", None)}


def test_a_mysql_cascade_with_a_restart_hook_and_the_schedule_rule(moto):
    mysql_cascade(moto)
    restart = restart_function(moto)
    moto.client("events").put_rule(Name="stage-my-in-place", ScheduleExpression="rate(5 minutes)", State="DISABLED")
    rule_states = []
    status, result, _ = invoke(moto, {"start": True}, **MYSQL, RESTART_LAMBDA_ARN=restart, SCHEDULE_RULE_NAME="stage-my-in-place")
    assert status == 0, result
    while result["state"] == "in-progress":
        rule_states.append(moto.client("events").describe_rule(Name="stage-my-in-place")["State"])
        status, result, _ = invoke(moto, {}, **MYSQL, RESTART_LAMBDA_ARN=restart, SCHEDULE_RULE_NAME="stage-my-in-place")
        assert status == 0, result
        assert len(rule_states) < 60
    assert result["state"] == "done", result
    assert set(rule_states) == {"ENABLED"}  # kept on while in progress
    assert moto.client("events").describe_rule(Name="stage-my-in-place")["State"] == "DISABLED"
    assert graph_shape(moto) == CASCADE
    assert describe(moto)[0]["stage-my"]["AllocatedStorage"] == 200  # production's copy
    [hook] = [i for i in moto_control(moto, "lambda-invocations")["invocations"] if i["function"] == "restart-apps"]
    assert hook["type"] == "RequestResponse" and hook["payload"]["target"] == "stage-my"


def test_a_crash_after_every_single_change_ends_where_an_uninterrupted_run_does(moto):
    mysql_cascade(moto)
    moto_control(moto, "rds-transitions", {"describes": 1, "crashAfterEachChange": True})
    invocations, crashed = 0, 0
    status, result, err = invoke(moto, {"start": True}, **MYSQL)
    while True:
        invocations += 1
        assert invocations < 120
        if status != 0:
            assert "StagingRefreshCrash" in result["errorMessage"], result
            crashed += 1
        elif result["state"] != "in-progress":
            break
        status, result, err = invoke(moto, {}, **MYSQL)
    assert result["state"] in ("done", "idle"), result
    assert crashed >= 20  # every mark, copy, promote, match, rename, delete and unmark was followed by a crash
    assert graph_shape(moto) == CASCADE
    assert describe(moto)[0]["stage-my-r2"]["AllocatedStorage"] == 200


def test_a_failing_restart_hook_leaves_the_old_graph_and_fails_the_run(moto):
    postgres_graph(moto)
    restart = restart_function(moto)
    moto_control(moto, "lambda-results", {"function": "restart-apps", "error": "Unhandled",
                                          "payload": json.dumps({"errorMessage": "ECS tasks did not become healthy"})})
    rounds = run_to_end(moto, **SETTINGS, RESTART_LAMBDA_ARN=restart)
    assert rounds[-1]["state"] == "failed", rounds[-1]
    assert "ECS tasks did not become healthy" in rounds[-1]["reason"]
    instances, _ = describe(moto)
    assert {"old-staging-db", "old-staging-db-r1", "old-staging-db-r2", "staging-db"} <= set(instances)  # nothing deleted
    status, again, _ = invoke(moto, {}, **SETTINGS, RESTART_LAMBDA_ARN=restart)
    assert (status, again["state"]) == (0, "failed") and "resume" in again["reason"]
    # Fixed: resume retries the hook, and the run finishes.
    moto_control(moto, "lambda-results", {"function": "restart-apps", "error": None, "payload": "{}"})
    status, result, _ = invoke(moto, {"resume": True}, **SETTINGS, RESTART_LAMBDA_ARN=restart)
    while status == 0 and result["state"] == "in-progress":
        status, result, _ = invoke(moto, {}, **SETTINGS, RESTART_LAMBDA_ARN=restart)
    assert (status, result["state"]) == (0, "done"), result
    assert sorted(describe(moto)[0]) == ["prod-db", "staging-db", "staging-db-r1", "staging-db-r2"]


def test_abort_before_the_rename_leaves_the_target_as_it_was_and_after_it_finishes_forward(moto):
    postgres_graph(moto)
    before = graph_shape(moto)
    status, result, _ = invoke(moto, {"start": True}, **SETTINGS)
    for _ in range(3):
        status, result, _ = invoke(moto, {}, **SETTINGS)
    assert "temp-staging-db" in describe(moto)[0]
    status, result, _ = invoke(moto, {"abort": True}, **SETTINGS)
    while status == 0 and result["state"] == "aborting":
        status, result, _ = invoke(moto, {}, **SETTINGS)  # the schedule's plain rounds go on aborting
    assert (status, result["state"]) == (0, "aborted"), result
    assert graph_shape(moto) == before
    for name in ("staging-db", "staging-db-r1", "staging-db-r2"):
        arn = describe(moto)[0][name]["DBInstanceArn"]
        assert moto.client("rds").list_tags_for_resource(ResourceName=arn)["TagList"] in ([], [{"Key": "team", "Value": "payments"}])
    # Once a rename has happened, abort finishes the run instead.
    status, result, _ = invoke(moto, {"start": True}, **SETTINGS)
    while status == 0 and not any(name.startswith("old-") for name in describe(moto)[0]):
        status, result, _ = invoke(moto, {}, **SETTINGS)
    status, result, logs = invoke(moto, {"abort": True}, **SETTINGS)
    assert status == 0 and "finishes forward" in logs
    while status == 0 and result["state"] == "in-progress":
        status, result, _ = invoke(moto, {}, **SETTINGS)
    assert result["state"] == "done" and sorted(describe(moto)[0]) == ["prod-db", "staging-db", "staging-db-r1", "staging-db-r2"]


def test_a_second_start_is_refused_naming_the_run_in_progress(moto):
    postgres_graph(moto)
    status, first, _ = invoke(moto, {"start": True}, **SETTINGS)
    status, second, _ = invoke(moto, {"start": True}, **SETTINGS)
    assert status == 1 and f"run {first['run']} is in progress" in second["errorMessage"]


def test_the_snapshot_method_restores_the_newest_snapshot(moto):
    postgres_graph(moto)
    moto_control(moto, "rds-transitions", {"describes": 0})
    moto.client("rds").create_db_snapshot(DBInstanceIdentifier="prod-db", DBSnapshotIdentifier="prod-db-nightly")
    moto_control(moto, "rds-transitions", {"describes": 2})
    status, plan, _ = invoke(moto, {"plan": True}, **SETTINGS, SWAP_METHOD="snapshot")
    assert any("RestoreDBInstanceFromDBSnapshot temp-staging-db DBSnapshotIdentifier=prod-db-nightly" in s for s in plan["steps"]), plan
    assert not any("PromoteReadReplica" in s for s in plan["steps"])
    rounds = run_to_end(moto, **SETTINGS, SWAP_METHOD="snapshot")
    assert rounds[-1]["state"] == "done", rounds[-1]
    instances, _ = describe(moto)
    assert sorted(instances) == ["prod-db", "staging-db", "staging-db-r1", "staging-db-r2"]
    assert instances["staging-db"]["AllocatedStorage"] == 100 and instances["staging-db"]["BackupRetentionPeriod"] >= 1
    assert sorted(instances["staging-db"]["ReadReplicaDBInstanceIdentifiers"]) == ["staging-db-r1", "staging-db-r2"]


def test_an_aurora_cluster_with_two_instances_is_cloned_and_swapped(moto):
    rds = moto.client("rds")
    rds.create_db_cluster(DBClusterIdentifier="prod-aurora", Engine="aurora-postgresql", MasterUsername="app",
                          MasterUserPassword="not-a-secret-prod", DatabaseName="production")
    rds.create_db_instance(DBInstanceIdentifier="prod-aurora-1", DBClusterIdentifier="prod-aurora", Engine="aurora-postgresql",
                           DBInstanceClass="db.r6g.large")
    rds.create_db_cluster(DBClusterIdentifier="stage-aurora", Engine="aurora-postgresql", MasterUsername="app",
                          MasterUserPassword="not-a-secret-stg", DatabaseName="staging")
    for name in ("stage-aurora-1", "stage-aurora-2"):
        rds.create_db_instance(DBInstanceIdentifier=name, DBClusterIdentifier="stage-aurora", Engine="aurora-postgresql",
                               DBInstanceClass="db.r6g.medium")
    moto_control(moto, "rds-transitions", {"describes": 2})
    settings = {"SOURCE_DB_IDENTIFIER": "prod-aurora", "TARGET_DB_IDENTIFIER": "stage-aurora"}
    rounds = run_to_end(moto, **settings)
    assert rounds[-1]["state"] == "done", rounds[-1]
    calls = [line for r in rounds for line in r["done"]]
    assert any("RestoreDBClusterToPointInTime temp-stage-aurora" in line and "RestoreType=copy-on-write" in line for line in calls)
    shape = graph_shape(moto)
    assert shape["stage-aurora"] == ("cluster", ["stage-aurora-1", "stage-aurora-2"])
    assert shape["stage-aurora-1"][2:] == ("db.r6g.medium", "stage-aurora")
    assert sorted(shape) == ["prod-aurora", "prod-aurora-1", "stage-aurora", "stage-aurora-1", "stage-aurora-2"]
    assert describe(moto)[1]["stage-aurora"]["DatabaseName"] == "production"  # the clone's data


def test_iam_policy_allows_every_call_of_a_run_on_exact_arns_and_denies_writing_the_source(moto):
    import fnmatch

    from harness.aws_fixtures import served_calls

    mysql_cascade(moto)
    restart = restart_function(moto)
    moto.client("events").put_rule(Name="stage-my-in-place", ScheduleExpression="rate(5 minutes)", State="DISABLED")
    settings = {**MYSQL, "RESTART_LAMBDA_ARN": restart, "SCHEDULE_RULE_NAME": "stage-my-in-place"}
    printed = subprocess.run([str(binary("bootstrap")), "iam-policy", "refresh-in-place"], env={**moto.env(), **settings},
                             capture_output=True, text=True)
    assert printed.returncode == 0, printed.stderr
    policy = json.loads(printed.stdout)["Statement"]
    allows = [s for s in policy if s["Effect"] == "Allow"]
    denies = [s for s in policy if s["Effect"] == "Deny"]
    assert not any(r.endswith(":*") for s in allows if s["Sid"] != "ReadRDS" for r in s["Resource"])  # exact ARNs
    served_calls(moto)  # the setup's own calls
    status, result, _ = invoke(moto, {"start": True}, **settings)
    while status == 0 and result["state"] == "in-progress":
        status, result, _ = invoke(moto, {}, **settings)
    assert result["state"] == "done", result
    prefix = "arn:aws:rds:us-east-1:123456789012:"

    def resources(call):
        action, params = call["action"], call["params"]
        if call["service"] == "awslambda":
            return [restart]
        if call["service"] == "events":
            return ["arn:aws:events:us-east-1:123456789012:rule/" + params["Name"]]
        if "ResourceName" in params:
            return [params["ResourceName"]]
        if action.startswith("Describe"):
            return [prefix + ("cluster:*" if "Cluster" in action else "db:*")]
        if "DBInstanceIdentifier" in params:
            found = [prefix + "db:" + params["DBInstanceIdentifier"]]
            return found + ([prefix + "db:" + params["NewDBInstanceIdentifier"]] if "NewDBInstanceIdentifier" in params else [])
        return [prefix + "cluster:" + params["DBClusterIdentifier"]]

    used, uncovered = set(), []
    for call in served_calls(moto):
        action = "lambda:InvokeFunction" if call["service"] == "awslambda" else f"{call['service']}:{call['action']}"
        for resource in resources(call):
            assert not any(fnmatch.fnmatchcase(action, a) and fnmatch.fnmatchcase(resource, r) for s in denies for a in s["Action"] for r in s["Resource"]), (action, resource)
            allowing = [s["Sid"] for s in allows if any(fnmatch.fnmatchcase(action, a) for a in s["Action"])
                        and any(fnmatch.fnmatchcase(resource, r) for r in s["Resource"])]
            if not allowing:
                uncovered.append(f"{action} on {resource}")
            used.update(allowing)
    assert uncovered == []
    assert {s["Sid"] for s in allows} - used == set()  # every statement is needed
    assert denies[0]["Resource"] == [prefix + "db:prod-my"]


def test_in_place_yml_deploys_the_function_whose_role_allows_a_run_and_denies_the_source(moto):
    import fnmatch
    import pathlib

    from harness.aws_fixtures import served_calls
    from harness.refresh import invoke as invoke_loop
    from harness.staging_stack import function_configuration

    mysql_cascade(moto)
    import io
    import zipfile

    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.write(binary("bootstrap"), "bootstrap")
    moto.client("s3").create_bucket(Bucket="staging-refresh-artifacts")
    moto.client("s3").put_object(Bucket="staging-refresh-artifacts", Key="staging-refresh/bootstrap.zip", Body=code.getvalue())
    template = (pathlib.Path(__file__).resolve().parents[2] / "in-place.yml").read_text()
    cloudformation = moto.client("cloudformation")
    cloudformation.create_stack(StackName="stage-my-swap", TemplateBody=template, Capabilities=["CAPABILITY_IAM"],
                                Parameters=[{"ParameterKey": "SourceDBIdentifier", "ParameterValue": "prod-my"},
                                            {"ParameterKey": "TargetDBIdentifier", "ParameterValue": "stage-my"}])
    resources = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in cloudformation.list_stack_resources(StackName="stage-my-swap")["StackResourceSummaries"]}
    document = moto.client("iam").get_role_policy(RoleName=resources["RefreshInPlaceRole"], PolicyName="refresh-in-place")["PolicyDocument"]
    import ast

    # moto keeps the document CloudFormation resolved as Python's repr of it.
    statements = [s for s in (ast.literal_eval(document) if isinstance(document, str) else document)["Statement"] if s]  # moto keeps NoValue as None
    configuration = function_configuration(moto, "stage-my-swap-refresh-in-place")
    assert configuration["Handler"] == "refresh-in-place"
    served_calls(moto)
    event, state = {"start": True}, "in-progress"
    for _ in range(60):
        result, failed, _ = invoke_loop(moto, configuration["Handler"], event, configuration["Environment"]["Variables"],
                                        command=[str(binary("bootstrap"))], function_name=configuration["FunctionName"], timeout_seconds=60)
        assert not failed, result
        state, event = result["state"], {}
        if state != "in-progress":
            break
    assert state == "done" and graph_shape(moto) == CASCADE
    prefix = "arn:aws:rds:us-east-1:123456789012:"

    def matches(statement, action, resource):
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        listed = statement.get("Action", statement.get("NotAction"))
        listed = listed if isinstance(listed, list) else [listed]
        named = any(fnmatch.fnmatchcase(action, a) for a in listed)
        return (named if "Action" in statement else not named) and any(fnmatch.fnmatchcase(resource, r) for r in resources)

    refused = []
    for call in served_calls(moto):
        if call["service"] not in ("rds", "events"):
            continue
        params = call["params"]
        action = f"{call['service']}:{call['action']}"
        if call["service"] == "events":
            resource = "arn:aws:events:us-east-1:123456789012:rule/" + params["Name"]
        elif "ResourceName" in params:
            resource = params["ResourceName"]
        elif call["action"].startswith("Describe"):
            resource = prefix + ("cluster:*" if "Cluster" in call["action"] else "db:*")
        else:
            resource = prefix + "db:" + params["DBInstanceIdentifier"]
        allowed = any(s["Effect"] == "Allow" and matches(s, action, resource) for s in statements)
        denied = any(s["Effect"] == "Deny" and matches(s, action, resource) for s in statements)
        if not allowed or denied:
            refused.append(f"{action} on {resource}")
    assert refused == []
    deny = next(s for s in statements if s["Sid"] == "NeverWriteTheSource")
    for write in ("rds:ModifyDBInstance", "rds:DeleteDBInstance", "rds:StopDBInstance", "rds:CreateDBSnapshot", "rds:AddTagsToResource"):
        assert matches(deny, write, prefix + "db:prod-my") and matches(deny, write, prefix + "cluster:prod-my"), write
    assert matches(deny, "rds:DeleteDBInstance", prefix + "db:prod-my-replica")
    assert not matches(deny, "rds:CreateDBInstanceReadReplica", prefix + "db:prod-my")  # copying it is what the swap does


def test_an_ecs_restart_hook_redeploys_each_service_before_anything_is_deleted(moto):
    postgres_graph(moto)
    ecs = moto.client("ecs")
    ecs.create_cluster(clusterName="staging")
    ecs.register_task_definition(family="api", containerDefinitions=[{"name": "api", "image": "api:1", "memory": 128}])
    for service in ("api", "worker"):
        ecs.create_service(cluster="staging", serviceName=service, taskDefinition="api", desiredCount=1)
    from harness.aws_fixtures import served_calls

    served_calls(moto)
    rounds = run_to_end(moto, **SETTINGS, RESTART_ECS_SERVICES="staging/api, staging/worker")
    assert rounds[-1]["state"] == "done", rounds[-1]
    calls = served_calls(moto)
    order = [(c["action"], c["params"].get("service") or c["params"].get("DBInstanceIdentifier")) for c in calls
             if c["action"] in ("UpdateService", "DeleteDBInstance")]
    assert order[:2] == [("UpdateService", "api"), ("UpdateService", "worker")], order
    assert all(c["params"].get("forceNewDeployment") is True for c in calls if c["action"] == "UpdateService")
    deleted = [name for action, name in order if action == "DeleteDBInstance"]
    assert order[2:] == [("DeleteDBInstance", name) for name in deleted]  # every deletion after both redeployments
    assert sorted(deleted) == ["old-staging-db", "old-staging-db-r1", "old-staging-db-r2"] and deleted[-1] == "old-staging-db"


def test_an_aurora_cluster_from_its_snapshot_keeping_a_final_snapshot(moto):
    rds = moto.client("rds")
    rds.create_db_cluster(DBClusterIdentifier="prod-aurora", Engine="aurora-postgresql", MasterUsername="app",
                          MasterUserPassword="not-a-secret-prod", DatabaseName="production")
    rds.create_db_cluster_snapshot(DBClusterIdentifier="prod-aurora", DBClusterSnapshotIdentifier="prod-aurora-nightly")
    rds.create_db_cluster(DBClusterIdentifier="stage-aurora", Engine="aurora-postgresql", MasterUsername="app",
                          MasterUserPassword="not-a-secret-stg", DatabaseName="staging")
    rds.create_db_instance(DBInstanceIdentifier="stage-aurora-1", DBClusterIdentifier="stage-aurora", Engine="aurora-postgresql",
                           DBInstanceClass="db.r6g.medium")
    moto_control(moto, "rds-transitions", {"describes": 2})
    settings = {"SOURCE_DB_IDENTIFIER": "prod-aurora", "TARGET_DB_IDENTIFIER": "stage-aurora", "SWAP_METHOD": "snapshot",
                "KEEP_FINAL_SNAPSHOT": "true"}
    rounds = run_to_end(moto, **settings)
    assert rounds[-1]["state"] == "done", rounds[-1]
    calls = [line for r in rounds for line in r["done"]]
    assert any("RestoreDBClusterFromSnapshot temp-stage-aurora" in line and "prod-aurora-nightly" in line for line in calls)
    shape = graph_shape(moto)
    assert shape["stage-aurora"] == ("cluster", ["stage-aurora-1"]) and "old-stage-aurora" not in shape
    final = [s["DBClusterSnapshotIdentifier"] for s in rds.describe_db_cluster_snapshots()["DBClusterSnapshots"]]
    assert any(name.startswith("old-stage-aurora-final-r") for name in final), final
