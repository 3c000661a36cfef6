"""The snapshot scenario (Tests/support/harness/snapshot_fixtures.py) and the control call it relies on
(moto_extensions.py): the snapshots look as designed through boto3, so the wire tests' winners
(test_snapshot_choice.py) are the ones the design says."""
import urllib.error
import urllib.request
from collections import Counter
from datetime import timedelta

import botocore.exceptions
import pytest

from harness.moto_peer import SECOND_ACCOUNT, MotoServer
from harness.snapshot_fixtures import build_cluster_scenario, set_snapshot

CLUSTER = {"SOURCE_DB_CLUSTER_IDENTIFIER": "prod"}
INSTANCE = {"SOURCE_DB_INSTANCE_IDENTIFIER": "prod-db"}
CLUSTER_WINNER = "rds:prod-2026-10-28-14-00"  # ties with prod-manual-2026-10-28-14-00 and wins on identifier
INSTANCE_WINNER = "rds-prod-db-2026-10-28-03-00"  # ties with prod-db-manual-2026-10-28-03-00
IN_PROGRESS = {"failed": 3, "creating": 2, "copying": 1}  # prod's snapshots that are not "available"


@pytest.fixture(scope="module")
def moto():
    with MotoServer() as server:
        yield server


@pytest.fixture(scope="module")
def scenario(moto):
    return build_cluster_scenario(moto)


@pytest.fixture(scope="module")
def shared_scenario():
    with MotoServer() as server:
        yield build_cluster_scenario(server, shared_newest=True)


def test_counts(scenario):
    assert scenario["cluster_snapshot_count"] == 128
    assert scenario["instance_snapshot_count"] == 53
    assert scenario["cluster_snapshot_count"] + scenario["instance_snapshot_count"] >= 150


def test_prod_snapshots_are_varied(moto, scenario):
    pages = moto.client("rds").get_paginator("describe_db_cluster_snapshots").paginate(
        DBClusterIdentifier="prod", PaginationConfig={"PageSize": 20})
    snapshots = [s for page in pages for s in page["DBClusterSnapshots"]]
    assert len(snapshots) == 98
    assert Counter(s["Status"] for s in snapshots) == {"available": 92, **IN_PROGRESS}
    assert Counter(s["SnapshotType"] for s in snapshots) == {"automated": 65, "manual": 33}
    assert Counter(s["EngineVersion"] for s in snapshots) == {"14.9": 20, "15.4": 75, "16.1": 3}
    times = Counter(s["SnapshotCreateTime"] for s in snapshots)
    tied = [s["DBClusterSnapshotIdentifier"] for s in snapshots if times[s["SnapshotCreateTime"]] > 1]
    assert sorted(tied) == ["prod-manual-2026-10-28-14-00", CLUSTER_WINNER]
    assert max(times) - min(times) >= timedelta(days=59)


def test_shared_snapshots_are_seen_as_shared(moto, scenario):
    shared = moto.client("rds").describe_db_cluster_snapshots(SnapshotType="shared")["DBClusterSnapshots"]
    assert sorted(s["DBClusterSnapshotIdentifier"] for s in shared) == [
        "prod-to-staging-4", "prod-to-staging-5", "prod-to-staging-6", "reporting-to-staging-1"]
    assert {s["SnapshotType"] for s in shared} == {"shared"}
    assert all(s["DBClusterSnapshotArn"].split(":")[4] == SECOND_ACCOUNT for s in shared)
    # The owner still sees its own snapshots as manual.
    owner = moto.client("rds", account=SECOND_ACCOUNT)
    own = owner.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier="prod-to-staging-6")["DBClusterSnapshots"]
    assert own[0]["SnapshotType"] == "manual"
    instances = moto.client("rds").describe_db_snapshots(SnapshotType="shared")["DBSnapshots"]
    assert {(s["DBInstanceIdentifier"], s["SnapshotType"]) for s in instances} == {("prod-db", "shared")}
    assert len(instances) == 3


def test_control_call_edits_what_describe_reports(moto):
    rds = moto.client("rds")
    rds.create_db_cluster(DBClusterIdentifier="scratch", Engine="aurora-postgresql", EngineVersion="15.4",
                          MasterUsername="admin1", MasterUserPassword="not-a-secret-1")
    rds.create_db_cluster_snapshot(DBClusterIdentifier="scratch", DBClusterSnapshotIdentifier="scratch-1")
    answer = set_snapshot(moto, "Scratch-1", True, status="creating", engine="aurora-mysql", engineVersion="8.0",
                          createTime="2026-11-01T03:00:00+01:00", snapshotType="automated")
    assert answer == {"status": "ok", "arn": "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:scratch-1"}
    snapshot = rds.describe_db_cluster_snapshots(DBClusterIdentifier="scratch", SnapshotType="automated")
    snapshot = [s for s in snapshot["DBClusterSnapshots"] if s["DBClusterSnapshotIdentifier"] == "scratch-1"][0]
    assert (snapshot["Status"], snapshot["Engine"], snapshot["EngineVersion"], snapshot["SnapshotType"]) == \
        ("creating", "aurora-mysql", "8.0", "automated")
    assert snapshot["SnapshotCreateTime"].isoformat() in ("2026-11-01T02:00:00+00:00", "2026-11-01T02:00:00Z")
    # moto's own engine filter agrees with what Describe reports.
    filtered = rds.describe_db_cluster_snapshots(DBClusterIdentifier="scratch", SnapshotType="automated",
                                                 Filters=[{"Name": "engine", "Values": ["aurora-mysql"]}])
    assert [s["DBClusterSnapshotIdentifier"] for s in filtered["DBClusterSnapshots"]] == ["scratch-1"]


def test_control_call_refusals(moto):
    with pytest.raises(LookupError, match="404"):
        set_snapshot(moto, "no-such-snapshot", True, status="available")
    with pytest.raises(LookupError, match="404"):
        set_snapshot(moto, "scratch-1", False, status="available")  # an instance snapshot of that name
    with pytest.raises(RuntimeError, match="400"):
        set_snapshot(moto, "scratch-1", True, createTime="2026-11-01")  # no zone: ambiguous
    with pytest.raises(RuntimeError, match="400"):
        set_snapshot(moto, "scratch-1", True, snapshotType="shared")  # a view, not a type a snapshot has


def test_signatures_still_checked_for_aws_calls(moto):
    with pytest.raises(botocore.exceptions.ClientError) as wrong_secret:
        moto.client("rds", aws_secret_access_key="wrong" + moto.secret_access_key).describe_db_cluster_snapshots()
    assert wrong_secret.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    # An unsigned AWS call is not served: without a credential scope moto cannot even tell it is for RDS.
    request = urllib.request.Request(moto.endpoint + "/", method="POST",
                                     data=b"Action=DescribeDBClusterSnapshots&Version=2014-10-31",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as unsigned:
        urllib.request.urlopen(request, timeout=10)
    assert unsigned.value.code >= 400
    # Claiming RDS and a key without a valid signature is refused as AWS refuses it.
    request.add_header("Authorization", f"AWS4-HMAC-SHA256 Credential={moto.access_key_id}/20261101/us-east-1/rds/"
                                        f"aws4_request, SignedHeaders=host;x-amz-date, Signature={'0' * 64}")
    request.add_header("X-Amz-Date", "20261101T020000Z")
    with pytest.raises(urllib.error.HTTPError) as forged:
        urllib.request.urlopen(request, timeout=10)
    assert forged.value.code == 403 and b"SignatureDoesNotMatch" in forged.value.read()
