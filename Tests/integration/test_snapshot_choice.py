"""update-latest-snapshot-id over ~180 snapshots in two moto accounts (Tests/support/harness/snapshot_fixtures.py),
through the real Runtime API loop: its choice equals expected_choice's, worked out independently with
boto3, and boto3 reads back the SSM value it wrote. moto pages the lists (moto_extensions.py), so the
handler must follow Marker to find the winners, which sit on the last pages."""
import itertools

import pytest

from harness.moto_peer import PRIMARY_ACCOUNT, SECOND_ACCOUNT, MotoServer
from harness.refresh import invoke, moto_state
from harness.snapshot_fixtures import build_cluster_scenario

CLUSTER = {"SOURCE_DB_CLUSTER_IDENTIFIER": "prod"}
INSTANCE = {"SOURCE_DB_INSTANCE_IDENTIFIER": "prod-db"}
_prefixes = itertools.count()


@pytest.fixture(scope="module")
def moto():
    with MotoServer() as server:
        server.scenario = build_cluster_scenario(server)
        yield server


@pytest.fixture(scope="module")
def shared_moto():
    with MotoServer() as server:
        server.scenario = build_cluster_scenario(server, shared_newest=True)
        yield server


def choose(moto, settings):
    """Runs the handler with a parameter prefix of its own; returns (result, failed, prefix)."""
    prefix = f"/choice-{next(_prefixes)}"
    result, failed, _ = invoke(moto, "update-latest-snapshot-id", {}, {**settings, "PARAMETER_PREFIX": prefix})
    return result, failed, prefix


def ssm_value(moto, name):
    parameters = moto.client("ssm").get_parameters(Names=[name])["Parameters"]
    return parameters[0]["Value"] if parameters else None


@pytest.mark.parametrize("settings", [
    CLUSTER,
    INSTANCE,
    {**CLUSTER, "SNAPSHOT_TYPES": "manual"},
    {**INSTANCE, "SNAPSHOT_TYPES": "manual"},
    {**CLUSTER, "SNAPSHOT_TYPES": "automated"},
    {**CLUSTER, "ENGINE_VERSION": "14"},
    {**CLUSTER, "ENGINE_VERSION": "16"},
    {**INSTANCE, "ENGINE_VERSION": "14"},
    {**CLUSTER, "ENGINE": "aurora-postgresql", "ENGINE_VERSION": "15.4"},
    {"SOURCE_DB_CLUSTER_IDENTIFIER": "analytics"},
    {"SOURCE_DB_INSTANCE_IDENTIFIER": "reporting-db"},
], ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()))
def test_the_choice_is_the_newest_usable_snapshot(moto, settings):
    expected = moto.scenario["expected"](settings)
    assert expected["snapshot"], "the scenario should have a winner for these settings"
    result, failed, prefix = choose(moto, settings)
    assert not failed, result
    assert (result["snapshot"], result["snapshotCreateTime"], result["changed"]) == \
        (expected["snapshot"], expected["createTime"], True)
    assert ssm_value(moto, f"{prefix}/latest-snapshot-id") == expected["snapshot"]


@pytest.mark.parametrize("settings", [
    CLUSTER,
    INSTANCE,
    {**CLUSTER, "SOURCE_ACCOUNT_ID": SECOND_ACCOUNT},
    {**INSTANCE, "SOURCE_ACCOUNT_ID": SECOND_ACCOUNT},
    {**CLUSTER, "SOURCE_ACCOUNT_ID": PRIMARY_ACCOUNT},
    {**CLUSTER, "SNAPSHOT_TYPES": "automated,manual"},
    {**CLUSTER, "SNAPSHOT_TYPES": "shared"},
], ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()))
def test_a_shared_snapshot_is_chosen_by_arn_when_it_is_the_newest(shared_moto, settings):
    expected = shared_moto.scenario["expected"](settings)
    result, failed, prefix = choose(shared_moto, settings)
    assert not failed, result
    assert result["snapshot"] == expected["snapshot"]
    assert ssm_value(shared_moto, f"{prefix}/latest-snapshot-id") == expected["snapshot"]


def test_the_shared_winner_is_named_by_its_arn(shared_moto):
    result, failed, _ = choose(shared_moto, CLUSTER)
    assert not failed
    assert result["snapshot"].startswith(f"arn:aws:rds:us-east-1:{SECOND_ACCOUNT}:cluster-snapshot:")


@pytest.mark.parametrize("settings", [
    {**CLUSTER, "ENGINE_VERSION": "9"},
    {**CLUSTER, "ENGINE": "aurora-mysql"},
    {**INSTANCE, "ENGINE_VERSION": "9"},
    {**CLUSTER, "SOURCE_ACCOUNT_ID": "333333333333"},
], ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()))
def test_nothing_usable_counts_every_reason_and_writes_nothing(moto, settings):
    expected = moto.scenario["expected"](settings)
    assert expected["snapshot"] is None
    before = moto_state(moto)
    result, failed, prefix = choose(moto, settings)
    assert failed and result["errorType"] == "Function.NoUsableSnapshot", result
    message = result["errorMessage"]
    assert f"{expected['seen']} snapshots seen: " in message
    for reason, count in expected["reasons"].items():
        assert f"{count} {reason}" in message, (reason, count, message)
    assert moto_state(moto) == before
    assert ssm_value(moto, f"{prefix}/latest-snapshot-id") is None
