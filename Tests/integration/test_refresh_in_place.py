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
