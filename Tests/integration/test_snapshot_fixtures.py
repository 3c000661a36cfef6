"""The snapshot scenario (Tests/support/harness/snapshot_fixtures.py) and the control call it relies on
(moto_extensions.py): the snapshots look as designed through boto3, and expected_choice picks the winners
designed for each setting. The winners are written out here, not derived, so that the design and
expected_choice check each other."""
import urllib.error
import urllib.request
from collections import Counter
from datetime import timedelta

import botocore.exceptions
import pytest

from harness.moto_peer import PRIMARY_ACCOUNT, SECOND_ACCOUNT, MotoServer
from harness.snapshot_fixtures import build_cluster_scenario, set_snapshot

CLUSTER = {"SOURCE_DB_CLUSTER_IDENTIFIER": "prod"}
INSTANCE = {"SOURCE_DB_INSTANCE_IDENTIFIER": "prod-db"}
CLUSTER_WINNER = "rds:prod-2026-10-28-14-00"  # ties with prod-manual-2026-10-28-14-00 and wins on identifier
INSTANCE_WINNER = "rds-prod-db-2026-10-28-03-00"  # ties with prod-db-manual-2026-10-28-03-00
SHARED_CLUSTER_WINNER = "arn:aws:rds:us-east-1:222222222222:cluster-snapshot:prod-to-staging-6"
SHARED_INSTANCE_WINNER = "arn:aws:rds:us-east-1:222222222222:snapshot:prod-db-to-staging-4"
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


def test_default_settings_pick_the_tie_winner(scenario):
    assert scenario["expected"](CLUSTER) == {
        "snapshot": CLUSTER_WINNER, "createTime": "2026-10-28T14:00:00Z", "seen": 101, "reasons": IN_PROGRESS}
    # An empty setting is an unset one, as in the handler's environment.
    assert scenario["expected"]({**CLUSTER, "SNAPSHOT_TYPES": "", "ENGINE": ""})["snapshot"] == CLUSTER_WINNER
    assert scenario["expected"](INSTANCE) == {
        "snapshot": INSTANCE_WINNER, "createTime": "2026-10-28T03:00:00Z", "seen": 45,
        "reasons": {"failed": 2, "creating": 1, "copying": 1}}


def test_manual_only_picks_the_tie_loser(scenario):
    assert scenario["expected"]({**CLUSTER, "SNAPSHOT_TYPES": "manual"}) == {
        "snapshot": "prod-manual-2026-10-28-14-00", "createTime": "2026-10-28T14:00:00Z", "seen": 33,
        "reasons": {"failed": 2, "copying": 1}}
    assert scenario["expected"]({**INSTANCE, "SNAPSHOT_TYPES": ["manual"]})["snapshot"] == \
        "prod-db-manual-2026-10-28-03-00"


def test_engine_version_prefix(scenario):
    assert scenario["expected"]({**CLUSTER, "ENGINE_VERSION": "14"}) == {
        "snapshot": "prod-manual-2026-09-12-08-00", "createTime": "2026-09-12T08:00:00Z", "seen": 101,
        "reasons": {**IN_PROGRESS, "other engine version": 76}}
    assert scenario["expected"]({**CLUSTER, "ENGINE_VERSION": "16"})["snapshot"] == "rds:prod-2026-10-24-20-00"
    assert scenario["expected"]({**INSTANCE, "ENGINE_VERSION": "14"})["snapshot"] == "rds-prod-db-2026-09-11-15-00"


def test_nothing_usable(scenario):
    for settings in ({**CLUSTER, "ENGINE_VERSION": "9"}, {**CLUSTER, "ENGINE": "aurora-mysql"},
                     {**INSTANCE, "ENGINE_VERSION": "9"}):
        result = scenario["expected"](settings)
        assert result["snapshot"] is None and result["createTime"] is None
        assert sum(result["reasons"].values()) == result["seen"] > 0
    assert scenario["expected"]({**CLUSTER, "ENGINE": "aurora-mysql"})["reasons"] == {**IN_PROGRESS, "other engine": 95}


def test_other_sources_are_never_chosen(scenario):
    # "analytics" and the second account's "reporting" have newer snapshots than prod, but not prod's.
    assert scenario["expected"]({**CLUSTER, "SNAPSHOT_TYPES": "shared"})["seen"] == 3
    assert scenario["expected"]({"SOURCE_DB_CLUSTER_IDENTIFIER": "analytics"})["snapshot"].startswith("rds:analytics-")


def test_shared_newest_wins_by_arn(shared_scenario):
    assert shared_scenario["expected"](CLUSTER) == {
        "snapshot": SHARED_CLUSTER_WINNER, "createTime": "2026-10-28T15:00:00Z", "seen": 101, "reasons": IN_PROGRESS}
    assert shared_scenario["expected"](INSTANCE)["snapshot"] == SHARED_INSTANCE_WINNER
    # Shared snapshots are only listed when asked for.
    assert shared_scenario["expected"]({**CLUSTER, "SNAPSHOT_TYPES": "automated,manual"})["snapshot"] == CLUSTER_WINNER


def test_source_account_excludes_shared(shared_scenario):
    assert shared_scenario["expected"]({**CLUSTER, "SOURCE_ACCOUNT_ID": PRIMARY_ACCOUNT}) == {
        "snapshot": CLUSTER_WINNER, "createTime": "2026-10-28T14:00:00Z", "seen": 101,
        "reasons": {**IN_PROGRESS, "other account": 3}}
    only_shared = shared_scenario["expected"]({**CLUSTER, "SOURCE_ACCOUNT_ID": SECOND_ACCOUNT})
    assert only_shared["snapshot"] == SHARED_CLUSTER_WINNER
    assert only_shared["reasons"]["other account"] == 92  # every available snapshot of the primary's own


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
