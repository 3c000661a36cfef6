"""template.yml in moto's CloudFormation (extended by moto_stack_updates.py), with our handler answering
its Custom::SchemaMigration: a stack launched with a snapshot restores the staging cluster, stays
CREATE_IN_PROGRESS until the migrations are applied and then completes; an update to a newer snapshot
replaces the cluster, sends the custom resource an Update with the same PhysicalResourceId, moves the
CNAME to the new cluster and removes the old one; a migration that fails on an update rolls the stack back,
and the rollback's Update is answered without migrating again, so the stack ends UPDATE_ROLLBACK_COMPLETE."""
import json
import time
from datetime import datetime, timedelta, timezone
import pathlib
import zipfile

import pytest

from harness.aws_fixtures import custom_resource_responses
from harness.build import binary
from harness.data_api import DataAPIServer
from harness.moto_peer import MotoServer
from harness.postgres_peer import PostgresServer
from harness.staging_stack import StagingStack, answer_custom_resources, create_production

SAMPLES = pathlib.Path(__file__).resolve().parents[2] / "tools" / "sample-migrations"


@pytest.fixture(scope="module")
def peers(tmp_path_factory):
    layer = tmp_path_factory.mktemp("layer") / "migrations-layer.zip"
    with zipfile.ZipFile(layer, "w") as archive:
        for path in sorted(SAMPLES.glob("*.sql")):
            archive.write(path, f"migrations/{path.name}")
    with MotoServer() as moto, PostgresServer(database="app") as postgres, DataAPIServer([]) as api:
        yield moto, postgres, api, layer


def test_launch_restore_migrate_then_refresh_to_a_newer_snapshot(peers):
    moto, postgres, api, layer = peers
    older, newer, _ = create_production(moto)
    stack = StagingStack(moto, binary("bootstrap"), layer_zip=layer)
    created = stack.deploy(**stack.prepare(), **stack.snapshot_parameters(older, "app"))
    assert created["StackStatus"] == "CREATE_IN_PROGRESS"  # waiting for Custom::SchemaMigration

    [(event, _, failed)] = answer_custom_resources(stack, api, postgres)
    assert (event["RequestType"], failed) == ("Create", False)
    answer = custom_resource_responses(moto)[-1]
    assert answer["Status"] == "SUCCESS" and answer["Reason"] == "applied 3 migrations (V1..V3); database at V3", answer
    assert stack.describe()["StackStatus"] == "CREATE_COMPLETE"

    rds = moto.client("rds")
    first = stack.resources()["StagingCluster"]["PhysicalResourceId"]
    cluster = rds.describe_db_clusters(DBClusterIdentifier=first)["DBClusters"][0]
    assert cluster["DBClusterArn"] == event["ResourceProperties"]["ClusterArn"]
    tags = {t["Key"]: t["Value"] for t in rds.list_tags_for_resource(ResourceName=cluster["DBClusterArn"])["TagList"]}
    assert tags["staging-refresh:stack"] == stack.name
    assert stack.record() == (stack.parameters['RecordName'], cluster["Endpoint"])
    # Named sr-<stack id>-<generation>; the migration signed in with the cluster's own RDS-managed secret,
    # which holds production's user name and a password of its own, and the outputs name both.
    stack_uuid = stack.describe()["StackId"].rsplit("/", 1)[1]
    assert first == f"sr-{stack_uuid}-{stack.snapshot_parameters(older)['StagingDBGeneration']}"
    managed = cluster["MasterUserSecret"]["SecretArn"]
    assert event["ResourceProperties"]["SecretArn"] == managed == stack.output("StagingSecretArn")
    value = json.loads(moto.client("secretsmanager").get_secret_value(SecretId=managed)["SecretString"])
    assert value["username"] == "app" == stack.output("StagingMasterUsername")
    assert value["password"] != "not-a-secret-prod"
    secret_tags = {t["Key"]: t["Value"] for t in moto.client("secretsmanager").describe_secret(SecretId=managed)["Tags"]}
    assert secret_tags["aws:rds:primaryDBClusterArn"] == cluster["DBClusterArn"]

    stack.update_to(newer, "app")
    assert stack.describe()["StackStatus"] == "UPDATE_IN_PROGRESS"
    [(update, _, failed)] = answer_custom_resources(stack, api, postgres)
    assert (update["RequestType"], failed) == ("Update", False)
    assert update["PhysicalResourceId"] == answer["PhysicalResourceId"]
    assert update["OldResourceProperties"]["ClusterArn"] == cluster["DBClusterArn"] != update["ResourceProperties"]["ClusterArn"]
    reply = custom_resource_responses(moto)[-1]
    assert (reply["Status"], reply["PhysicalResourceId"]) == ("SUCCESS", answer["PhysicalResourceId"])
    assert stack.describe()["StackStatus"] == "UPDATE_COMPLETE"

    second = stack.resources()["StagingCluster"]["PhysicalResourceId"]
    assert second == f"sr-{stack_uuid}-{stack.snapshot_parameters(newer)['StagingDBGeneration']}" != first
    replacement = rds.describe_db_clusters(DBClusterIdentifier=second)["DBClusters"][0]
    assert update["ResourceProperties"]["SecretArn"] == replacement["MasterUserSecret"]["SecretArn"] != managed
    assert stack.record() == (stack.parameters['RecordName'], replacement["Endpoint"])
    assert first not in [c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]]


def test_a_failed_migration_on_update_rolls_back_to_completion(peers):
    _, _, _, layer = peers
    with MotoServer() as moto, PostgresServer(database="app") as postgres, \
            DataAPIServer([], credentials={moto.access_key_id: moto.secret_access_key}) as api:
        older, newer, _ = create_production(moto)
        stack = StagingStack(moto, binary("bootstrap"), layer_zip=layer)
        stack.deploy(**stack.prepare(), **stack.snapshot_parameters(older))
        [(_, _, failed)] = answer_custom_resources(stack, api, postgres)
        assert not failed and stack.describe()["StackStatus"] == "CREATE_COMPLETE"

        # V1 as recorded no longer matches its file: every run of the migrations now fails.
        postgres.psql("-c", "UPDATE staging_refresh_schema_history SET checksum = repeat('0', 64) WHERE version = '1'")
        stack.update_to(newer)
        [(update, _, _)] = answer_custom_resources(stack, api, postgres)
        answer = custom_resource_responses(moto)[-1]
        assert update["RequestType"] == "Update" and answer["Status"] == "FAILED" and "V1" in answer["Reason"], answer
        assert stack.describe()["StackStatus"] == "UPDATE_ROLLBACK_IN_PROGRESS"

        logs = []
        [(rollback, _, failed)] = answer_custom_resources(stack, api, postgres, logs=logs)
        answer = custom_resource_responses(moto)[-1]
        assert not any("cannot read the stack's status" in line for line in logs), logs
        assert rollback["RequestType"] == "Update" and rollback["ResourceProperties"] == update["OldResourceProperties"]
        assert not failed and answer["Status"] == "SUCCESS" and "rolling back" in answer["Reason"], answer
        assert stack.describe()["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"


def test_a_clone_refresh_from_the_latest_restorable_time_to_a_migrated_clone(peers):
    """RefreshMethod clone: update-latest-snapshot-id records the source's latest restorable time,
    restore-from-snapshot hands it to the stack, CloudFormation makes a copy-on-write clone, the
    migration runs on it and the CNAME follows; a stopped source and a full cluster quota are refused
    before anything is written."""
    _, _, _, layer = peers
    with MotoServer() as moto, PostgresServer(database="app") as postgres, \
            DataAPIServer([], credentials={moto.access_key_id: moto.secret_access_key}) as api:
        create_production(moto)
        rds = moto.client("rds")
        rds.create_db_instance(DBInstanceIdentifier="prod-cluster-1", DBClusterIdentifier="prod-cluster", Engine="aurora-postgresql",
                               DBInstanceClass="db.r6g.large")  # Aurora clones only a cluster with an instance
        stack = StagingStack(moto, binary("bootstrap"), layer_zip=layer)
        created = stack.deploy(**stack.prepare(), RefreshMethod="clone")
        assert created["StackStatus"] == "CREATE_COMPLETE" and "StagingCluster" not in stack.resources()

        latest, failed = stack.invoke("update-latest-snapshot-id", {})
        assert not failed, latest
        assert "snapshot" not in latest and latest["restoreTime"].endswith("Z") and latest["changed"], latest
        ssm = moto.client("ssm")
        assert ssm.get_parameter(Name="/staging-refresh/latest-restore-time")["Parameter"]["Value"] == latest["restoreTime"]

        restore, failed = stack.invoke("restore-from-snapshot", {})
        assert not failed and restore["stackAction"] == "updated", restore
        [(event, _, failed)] = answer_custom_resources(stack, api, postgres)
        assert not failed and custom_resource_responses(moto)[-1]["Status"] == "SUCCESS"
        assert stack.describe()["StackStatus"] == "UPDATE_COMPLETE"
        parameters = {p["ParameterKey"]: p["ParameterValue"] for p in stack.describe()["Parameters"]}
        assert parameters["RestoreTime"] == latest["restoreTime"] and parameters["SnapshotIdentifier"] == ""
        assert parameters["SnapshotMasterUsername"] == "app"
        clone = rds.describe_db_clusters(DBClusterIdentifier=stack.resources()["StagingCluster"]["PhysicalResourceId"])["DBClusters"][0]
        assert clone["DBClusterIdentifier"].endswith("-" + parameters["StagingDBGeneration"])
        assert event["ResourceProperties"]["ClusterArn"] == clone["DBClusterArn"]
        assert event["ResourceProperties"]["SecretArn"] == clone["MasterUserSecret"]["SecretArn"]
        assert stack.record() == (stack.parameters["RecordName"], clone["Endpoint"])
        assert ssm.get_parameter(Name="/staging-refresh/current-restore-time")["Parameter"]["Value"] == latest["restoreTime"]

        # An operator's time is a point-in-time restore (RDS clones only the latest restorable time).
        source = rds.describe_db_clusters(DBClusterIdentifier="prod-cluster")["DBClusters"][0]
        chosen = (source["EarliestRestorableTime"] + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        while datetime.now(timezone.utc) < source["EarliestRestorableTime"] + timedelta(seconds=2):
            time.sleep(0.2)  # moto's latest restorable time is now: let the chosen time fall inside the window
        result, failed = stack.invoke("restore-from-snapshot", {"restoreTime": "2020-01-01T00:00:00Z"})
        assert failed and result["errorType"] == "Function.RestoreTimeOutOfRange", result
        restore, failed = stack.invoke("restore-from-snapshot", {"restoreTime": chosen})
        assert not failed and restore["stackAction"] == "updated", restore
        answer_custom_resources(stack, api, postgres)
        parameters = {p["ParameterKey"]: p["ParameterValue"] for p in stack.describe()["Parameters"]}
        assert (parameters["RestoreTime"], parameters["PointInTimeRestore"]) == (chosen, "true")
        assert stack.describe()["StackStatus"] == "UPDATE_COMPLETE"

        # The account's DB cluster quota (40) would be exceeded by the replacement: refused, nothing written.
        for n in range(40 - len(rds.describe_db_clusters()["DBClusters"])):
            rds.create_db_cluster(DBClusterIdentifier=f"other-{n}", Engine="aurora-postgresql", MasterUsername="u", MasterUserPassword="not-a-secret-0")
        result, failed = stack.invoke("restore-from-snapshot", {"force": True})
        assert failed and result["errorType"] == "Function.ClusterQuotaReached", result
        assert stack.describe()["StackStatus"] == "UPDATE_COMPLETE"

        # A stopped source cannot be cloned: refused with what to do, and latest stays as it was.
        rds.stop_db_cluster(DBClusterIdentifier="prod-cluster")
        result, failed = stack.invoke("update-latest-snapshot-id", {})
        assert failed and result["errorType"] == "Function.SourceNotClonable" and "it is stopped" in result["errorMessage"], result
        assert ssm.get_parameter(Name="/staging-refresh/latest-restore-time")["Parameter"]["Value"] == latest["restoreTime"]


def test_a_clone_of_a_cluster_shared_from_another_account_through_ram(peers):
    """SourceAccountId with RefreshMethod clone: production lives in another account, which shares the
    cluster with this one through AWS RAM; the handlers and CloudFormation name it by its ARN."""
    from harness.moto_peer import PRIMARY_ACCOUNT, SECOND_ACCOUNT

    _, _, _, layer = peers
    with MotoServer() as moto, PostgresServer(database="app") as postgres, \
            DataAPIServer([], credentials={moto.access_key_id: moto.secret_access_key}) as api:
        owner = moto.client("rds", account=SECOND_ACCOUNT)
        source = owner.create_db_cluster(DBClusterIdentifier="prod-cluster", Engine="aurora-postgresql", EngineVersion="15.4",
                                         MasterUsername="app", MasterUserPassword="not-a-secret-prod")["DBCluster"]
        owner.create_db_instance(DBInstanceIdentifier="prod-cluster-1", DBClusterIdentifier="prod-cluster", Engine="aurora-postgresql",
                                 DBInstanceClass="db.r6g.large")
        stack = StagingStack(moto, binary("bootstrap"), layer_zip=layer)
        stack.deploy(**stack.prepare(), RefreshMethod="clone", SourceAccountId=SECOND_ACCOUNT)

        # Not shared yet: refused, as AWS answers for an ARN that is not shared with the caller.
        result, failed = stack.invoke("update-latest-snapshot-id", {})
        assert failed and result["errorType"] == "Function.SourceNotClonable" and "no cluster of that name is visible" in result["errorMessage"]

        moto.client("ram", account=SECOND_ACCOUNT).create_resource_share(name="prod-to-staging", resourceArns=[source["DBClusterArn"]],
                                                                         principals=[PRIMARY_ACCOUNT])
        latest, failed = stack.invoke("update-latest-snapshot-id", {})
        assert not failed, latest
        restore, failed = stack.invoke("restore-from-snapshot", {})
        assert not failed and restore["stackAction"] == "updated", restore
        [(event, _, failed)] = answer_custom_resources(stack, api, postgres)
        assert not failed and stack.describe()["StackStatus"] == "UPDATE_COMPLETE"
        clone = moto.client("rds").describe_db_clusters(DBClusterIdentifier=stack.resources()["StagingCluster"]["PhysicalResourceId"])["DBClusters"][0]
        assert clone["DBClusterArn"].split(":")[4] == PRIMARY_ACCOUNT  # the clone is this account's
        assert event["ResourceProperties"]["ClusterArn"] == clone["DBClusterArn"]
