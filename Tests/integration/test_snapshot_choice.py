"""update-latest-snapshot-id over ~180 snapshots in two moto accounts (Tests/support/harness/snapshot_fixtures.py),
through the real Runtime API loop: what only the wire can show. moto pages the lists (moto_extensions.py), so
the handler must follow Marker to find the winners, which sit on the last pages; shared snapshots come from
another account and are named by ARN; the snapshot type filter is the API's; boto3 reads back the SSM value
it wrote, and a refusal writes nothing. Which snapshot wins for which settings is decided, and unit-tested
in milliseconds, in SnapshotSelection (Tests/RefreshTests). The winners here are the scenario's design."""
import itertools

import pytest

from harness.moto_peer import PRIMARY_ACCOUNT, MotoServer
from harness.refresh import invoke, moto_state
from harness.snapshot_fixtures import build_cluster_scenario

CLUSTER = {"SOURCE_DB_CLUSTER_IDENTIFIER": "prod"}
INSTANCE = {"SOURCE_DB_INSTANCE_IDENTIFIER": "prod-db"}
# Designed in snapshot_fixtures.py: the newest usable snapshot ties with a manual one and wins on identifier.
CLUSTER_WINNER = ("rds:prod-2026-10-28-14-00", "2026-10-28T14:00:00Z")
INSTANCE_WINNER = ("rds-prod-db-2026-10-28-03-00", "2026-10-28T03:00:00Z")
SHARED_CLUSTER_WINNER = "arn:aws:rds:us-east-1:222222222222:cluster-snapshot:prod-to-staging-6"
SHARED_INSTANCE_WINNER = "arn:aws:rds:us-east-1:222222222222:snapshot:prod-db-to-staging-4"
_prefixes = itertools.count()


@pytest.fixture(scope="module")
def moto():
    with MotoServer() as server:
        build_cluster_scenario(server)
        yield server


@pytest.fixture(scope="module")
def shared_moto():
    with MotoServer() as server:
        build_cluster_scenario(server, shared_newest=True)
        yield server


def choose(moto, settings):
    """Runs the handler with a parameter prefix of its own; returns (result, failed, prefix)."""
    prefix = f"/choice-{next(_prefixes)}"
    result, failed, _ = invoke(moto, "update-latest-snapshot-id", {}, {**settings, "PARAMETER_PREFIX": prefix})
    return result, failed, prefix


def ssm_value(moto, name):
    parameters = moto.client("ssm").get_parameters(Names=[name])["Parameters"]
    return parameters[0]["Value"] if parameters else None


@pytest.mark.parametrize("settings, winner", [
    (CLUSTER, CLUSTER_WINNER),
    (INSTANCE, INSTANCE_WINNER),
    ({**CLUSTER, "SNAPSHOT_TYPES": "manual"}, ("prod-manual-2026-10-28-14-00", "2026-10-28T14:00:00Z")),
], ids=["cluster", "instance", "manual only"])
def test_the_winner_on_the_last_pages_is_found_and_written(moto, settings, winner):
    result, failed, prefix = choose(moto, settings)
    assert not failed, result
    assert (result["snapshot"], result["snapshotCreateTime"], result["changed"]) == (*winner, True)
    assert ssm_value(moto, f"{prefix}/latest-snapshot-id") == winner[0]


@pytest.mark.parametrize("settings, winner", [
    (CLUSTER, SHARED_CLUSTER_WINNER),
    (INSTANCE, SHARED_INSTANCE_WINNER),
    ({**CLUSTER, "SOURCE_ACCOUNT_ID": PRIMARY_ACCOUNT}, CLUSTER_WINNER[0]),
    ({**CLUSTER, "SNAPSHOT_TYPES": "automated,manual"}, CLUSTER_WINNER[0]),  # shared ones are listed only when asked for
], ids=["cluster", "instance", "own account only", "without shared"])
def test_a_snapshot_shared_from_another_account_is_named_by_its_arn(shared_moto, settings, winner):
    result, failed, prefix = choose(shared_moto, settings)
    assert not failed, result
    assert result["snapshot"] == winner
    assert ssm_value(shared_moto, f"{prefix}/latest-snapshot-id") == winner


def test_nothing_usable_counts_every_reason_and_writes_nothing(moto):
    before = moto_state(moto)
    result, failed, prefix = choose(moto, {**CLUSTER, "ENGINE": "aurora-mysql"})
    assert failed and result["errorType"] == "Function.NoUsableSnapshot", result
    # Every one of prod's 101 (own and shared), each counted once under its first reason.
    assert "101 snapshots seen: 95 other engine, 3 failed, 2 creating, 1 copying." in result["errorMessage"], result
    assert moto_state(moto) == before
    assert ssm_value(moto, f"{prefix}/latest-snapshot-id") is None
