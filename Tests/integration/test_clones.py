"""Self-service clones through `bootstrap clone` against moto (its CloudFormation extended in
moto_stack_updates.py to make copy-on-write clones): create with --wait prints how to connect, list
shows the clone with its owner and expiry, delete removes only clones of this base, and a source that
cannot be cloned is refused before any stack exists."""
import os
import pathlib
import subprocess

import pytest

from harness.build import binary
from harness.moto_peer import MotoServer

ROOT = pathlib.Path(__file__).resolve().parents[2]
SETTINGS = {"SOURCE_DB_CLUSTER_IDENTIFIER": "prod", "ENGINE": "aurora-postgresql", "PARAMETER_PREFIX": "/staging-refresh",
            "CLONE_TEMPLATE": str(ROOT / "templates" / "clone.yml"), "CLONE_POLL_SECONDS": "0"}


@pytest.fixture(scope="module")
def moto():
    with MotoServer() as server:
        rds = server.client("rds")
        rds.create_db_cluster(DBClusterIdentifier="prod", Engine="aurora-postgresql", EngineVersion="15.4", MasterUsername="app",
                              MasterUserPassword="not-a-secret-prod")
        rds.create_db_instance(DBInstanceIdentifier="prod-1", DBClusterIdentifier="prod", Engine="aurora-postgresql",
                               DBInstanceClass="db.r6g.large")
        yield server


def clone(moto, *arguments, **settings):
    environment = {"PATH": os.environ["PATH"], **moto.env(), **SETTINGS, **settings}
    result = subprocess.run([str(binary("bootstrap")), "clone", *arguments], env=environment, capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout, result.stderr


def test_create_with_wait_prints_how_to_connect_and_list_and_delete_follow(moto):
    status, out, err = clone(moto, "create", "alice-bugfix", "--ttl", "2h", "--wait")
    assert status == 0, err
    assert "creating clone alice-bugfix: stack staging-refresh-clone-alice-bugfix, expires 20" in out
    assert "CREATE_COMPLETE" in out
    cluster = moto.client("rds").describe_db_clusters(DBClusterIdentifier="staging-refresh-clone-alice-bugfix")["DBClusters"][0]
    assert f"endpoint:  {cluster['Endpoint']}" in out and "username:  app" in out
    assert f"secret:    {cluster['MasterUserSecret']['SecretArn']}" in out
    assert "psql \"host=" in out and "aws secretsmanager get-secret-value" in out and "delete:    bootstrap clone delete alice-bugfix --wait" in out
    stack = moto.client("cloudformation").describe_stacks(StackName="staging-refresh-clone-alice-bugfix")["Stacks"][0]
    tags = {t["Key"]: t["Value"] for t in stack["Tags"]}
    assert tags["staging-refresh:clones-of"] == "staging-refresh" and tags["staging-refresh:source"] == "prod"
    assert tags["staging-refresh:owner"].startswith("arn:aws:") and tags["staging-refresh:expires"].endswith("Z")

    status, out, _ = clone(moto, "list")
    lines = out.splitlines()
    assert status == 0 and lines[0].split() == ["NAME", "OWNER", "SOURCE", "AGE", "EXPIRES", "STATUS", "ENDPOINT"]
    assert lines[1].split()[0] == "alice-bugfix" and "CREATE_COMPLETE" in lines[1] and cluster["Endpoint"] in lines[1]

    status, out, err = clone(moto, "create", "alice-bugfix")
    assert status == 1 and "exists already" in err

    status, out, err = clone(moto, "delete", "alice-bugfix", "--wait")
    assert status == 0 and "deleted" in out, err
    assert clone(moto, "list")[1].strip() == "no clones"


def test_only_clones_of_this_base_can_be_deleted(moto):
    moto.client("cloudformation").create_stack(StackName="staging-refresh-clone-notours", TemplateBody=(
        '{"Resources": {"P": {"Type": "AWS::SSM::Parameter", "Properties": {"Name": "/not-a-clone", "Type": "String", "Value": "x"}}}}'))
    status, _, err = clone(moto, "delete", "notours")
    assert status == 1 and "there is no clone 'notours' of staging-refresh" in err
    assert moto.client("cloudformation").describe_stacks(StackName="staging-refresh-clone-notours")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"


@pytest.mark.parametrize("arguments, message", [
    (["create", "Bad_Name"], "must be up to 20 lowercase letters"),
    (["create", "ok", "--ttl", "9d"], "up to 7d"),
    (["create"], "create needs the clone's name"),
])
def test_bad_input_is_refused_before_any_call(moto, arguments, message):
    before = moto.client("cloudformation").describe_stacks()["Stacks"]
    status, _, err = clone(moto, *arguments)
    assert status in (1, 2) and message in err, err
    assert moto.client("cloudformation").describe_stacks()["Stacks"] == before


def test_a_source_that_cannot_be_cloned_is_refused_before_any_stack_exists(moto):
    status, _, err = clone(moto, "create", "bob", SOURCE_DB_CLUSTER_IDENTIFIER="nowhere")
    assert status == 1 and "cluster 'nowhere' cannot be cloned: no cluster of that name" in err
    assert not [s for s in moto.client("cloudformation").describe_stacks()["Stacks"] if s["StackName"].endswith("-clone-bob")]


def clone_stack(moto, name, expires, base="staging-refresh"):
    """A clone stack as bootstrap clone makes it, with an expiry of the test's choosing."""
    moto.client("cloudformation").create_stack(
        StackName=f"{base}-clone-{name}", TemplateBody=(ROOT / "templates" / "clone.yml").read_text(),
        Parameters=[{"ParameterKey": "SourceDBIdentifier", "ParameterValue": "prod"}, {"ParameterKey": "Engine", "ParameterValue": "aurora-postgresql"},
                    {"ParameterKey": "ClusterIdentifier", "ParameterValue": f"{base}-clone-{name}"}],
        Tags=[{"Key": "staging-refresh:clones-of", "Value": base}, {"Key": "staging-refresh:owner", "Value": "arn:aws:iam::123456789012:user/carol"},
              {"Key": "staging-refresh:source", "Value": "prod"}, {"Key": "staging-refresh:expires", "Value": expires}])


def stack_names(moto):
    return sorted(s["StackName"] for s in moto.client("cloudformation").describe_stacks()["Stacks"] if "-clone-" in s["StackName"])


def test_expire_clones_deletes_only_this_bases_expired_clones_and_a_dry_run_only_lists_them(moto):
    from harness.refresh import invoke

    clone_stack(moto, "stale", "2020-01-01T00:00:00Z")
    clone_stack(moto, "fresh", "2099-01-01T00:00:00Z")
    clone_stack(moto, "stale", "2020-01-01T00:00:00Z", base="other-team")
    settings = {k: v for k, v in SETTINGS.items() if k != "CLONE_POLL_SECONDS"}
    result, failed, _ = invoke(moto, "expire-clones", {"dryRun": True}, settings)
    assert not failed and [c["name"] for c in result["expired"]] == ["stale"] and result["dryRun"], result
    assert "staging-refresh-clone-stale" in stack_names(moto)

    result, failed, _ = invoke(moto, "expire-clones", {"version": "0", "detail-type": "Scheduled Event", "source": "aws.events"}, settings)
    assert not failed and [c["stackName"] for c in result["expired"]] == ["staging-refresh-clone-stale"], result
    assert stack_names(moto) == ["other-team-clone-stale", "staging-refresh-clone-fresh", "staging-refresh-clone-notours"]
    assert not [c for c in moto.client("rds").describe_db_clusters()["DBClusters"] if c["DBClusterIdentifier"] == "staging-refresh-clone-stale"]


def test_the_actions_as_lambda_events(moto):
    from harness.refresh import invoke

    settings = {k: v for k, v in SETTINGS.items() if k != "CLONE_POLL_SECONDS"}
    result, failed, _ = invoke(moto, "expire-clones", {"action": "create-clone", "name": "dave", "ttl": "1h", "owner": "chat:dave"}, settings)
    assert not failed and result["created"]["stackName"] == "staging-refresh-clone-dave", result
    result, failed, _ = invoke(moto, "expire-clones", {"action": "list-clones"}, settings)
    assert [(c["name"], c["owner"]) for c in result["clones"] if c["name"] == "dave"] == [("dave", "chat:dave")]
    result, failed, _ = invoke(moto, "expire-clones", {"action": "delete-clone", "name": "dave"}, settings)
    assert not failed and result["deleted"] == "staging-refresh-clone-dave"
    result, failed, _ = invoke(moto, "expire-clones", {"action": "delete-clone"}, settings)
    assert failed and result["errorType"] == "Function.InvalidEvent" and "needs the clone's 'name'" in result["errorMessage"]
