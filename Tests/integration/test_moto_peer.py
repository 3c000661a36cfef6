"""The moto_server peer (Tests/support/harness/moto_peer.py): signature checks on, a second account, and the
extensions in moto_extensions.py, all through boto3."""
import re
import subprocess
import sys

import botocore.exceptions
import pytest

from harness.aws_fixtures import create_pipeline
from harness.moto_peer import SECOND_ACCOUNT, MotoServer

@pytest.fixture(scope="module")
def moto():
    with MotoServer() as server:
        yield server


def error_of(excinfo):
    """(HTTP status, error code). moto answers auth failures in XML whatever the protocol, so for
    JSON-protocol services botocore cannot parse them and hands back the XML as the message."""
    error = excinfo.value.response["Error"]
    code = error["Code"]
    if code.isdigit():
        code = re.search(r"<Code>(\w+)</Code>", error["Message"]).group(1)
    return excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"], code


CLUSTER_ARN = "arn:aws:rds:us-east-1:123456789012:cluster:unknown"
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:unknown"
NO_EXECUTION = "00000000-0000-0000-0000-000000000000"
CALLS = {
    "sts": lambda c: c.get_caller_identity(),
    "ssm": lambda c: c.describe_parameters(),
    "rds": lambda c: c.describe_db_instances(),
    "cloudformation": lambda c: c.list_stacks(),
    "secretsmanager": lambda c: c.list_secrets(),
    "codepipeline": lambda c: c.list_pipelines(),
    "rds-data": lambda c: c.execute_statement(resourceArn=CLUSTER_ARN, secretArn=SECRET_ARN, sql="select 1"),
}


@pytest.mark.parametrize("service", CALLS)
def test_signatures_are_checked(moto, service):
    CALLS[service](moto.client(service))
    with pytest.raises(botocore.exceptions.ClientError) as wrong_secret:
        CALLS[service](moto.client(service, aws_secret_access_key="wrong" + moto.secret_access_key))
    assert error_of(wrong_secret) == (403, "SignatureDoesNotMatch")
    with pytest.raises(botocore.exceptions.ClientError) as unknown_key:
        CALLS[service](moto.client(service, aws_access_key_id="AKIAIOSFODNN7EXAMPLE"))
    assert error_of(unknown_key) == (403, "InvalidClientTokenId")


def test_each_account_signs_with_its_own_key(moto):
    assert moto.client("sts").get_caller_identity()["Account"] == moto.account_id
    assert moto.client("sts", account=SECOND_ACCOUNT).get_caller_identity()["Account"] == SECOND_ACCOUNT

    # With signatures checked, moto's x-moto-account-id header cannot switch accounts: moto looks the key
    # up in the header's account and does not find it there.
    def in_second_account(request, **_):
        request.headers["x-moto-account-id"] = SECOND_ACCOUNT

    sts = moto.client("sts")
    sts.meta.events.register("before-sign.sts", in_second_account)
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sts.get_caller_identity()
    assert error_of(excinfo) == (403, "InvalidClientTokenId")


def test_env_points_a_subprocess_at_the_server(moto, monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "not-configured")  # boto3 would fail with ProfileNotFound
    caller = subprocess.run(
        [sys.executable, "-c", "import boto3; print(boto3.client('sts').get_caller_identity()['Arn'])"],
        env=moto.env(account=SECOND_ACCOUNT), capture_output=True, text=True, check=True).stdout.strip()
    assert caller == f"arn:aws:iam::{SECOND_ACCOUNT}:user/staging-refresh"


@pytest.fixture(scope="module")
def pipeline(moto):
    return create_pipeline(moto)


def test_start_pipeline_execution_is_idempotent_per_token(moto, pipeline):
    codepipeline = moto.client("codepipeline")
    first = codepipeline.start_pipeline_execution(name=pipeline, clientRequestToken="refresh-1")
    again = codepipeline.start_pipeline_execution(name=pipeline, clientRequestToken="refresh-1")
    other = codepipeline.start_pipeline_execution(name=pipeline, clientRequestToken="refresh-2")
    assert first["pipelineExecutionId"] == again["pipelineExecutionId"] != other["pipelineExecutionId"]
    assert re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", first["pipelineExecutionId"])


def test_get_pipeline_execution(moto, pipeline):
    codepipeline = moto.client("codepipeline")
    started = codepipeline.start_pipeline_execution(
        name=pipeline, variables=[{"name": "SNAPSHOT", "value": "rds:prod-1"}])
    execution = codepipeline.get_pipeline_execution(
        pipelineName=pipeline, pipelineExecutionId=started["pipelineExecutionId"])["pipelineExecution"]
    assert execution["pipelineName"] == pipeline
    assert execution["pipelineVersion"] == 1
    assert execution["pipelineExecutionId"] == started["pipelineExecutionId"]
    assert execution["status"] == "InProgress"
    assert execution["variables"] == [{"name": "SNAPSHOT", "resolvedValue": "rds:prod-1"},
                                      {"name": "TARGET", "resolvedValue": "staging"}]
    assert execution["trigger"] == {"triggerType": "StartPipelineExecution",
                                    "triggerDetail": f"arn:aws:iam::{moto.account_id}:user/staging-refresh"}


def test_unknown_pipeline_and_execution(moto, pipeline):
    codepipeline = moto.client("codepipeline")
    with pytest.raises(codepipeline.exceptions.PipelineNotFoundException):
        codepipeline.start_pipeline_execution(name="missing")
    with pytest.raises(codepipeline.exceptions.PipelineNotFoundException):
        codepipeline.get_pipeline_execution(pipelineName="missing", pipelineExecutionId=NO_EXECUTION)
    with pytest.raises(codepipeline.exceptions.PipelineExecutionNotFoundException):
        codepipeline.get_pipeline_execution(pipelineName=pipeline, pipelineExecutionId=NO_EXECUTION)
    # Pipelines belong to an account: the second account has none of that name.
    with pytest.raises(codepipeline.exceptions.PipelineNotFoundException):
        moto.client("codepipeline", account=SECOND_ACCOUNT).start_pipeline_execution(name=pipeline)


@pytest.fixture(scope="module")
def snapshots(moto):
    """150 cluster snapshots and 130 DB snapshots in the first account; their identifiers."""
    rds = moto.client("rds")
    rds.create_db_cluster(DBClusterIdentifier="prod", Engine="aurora-postgresql",
                          MasterUsername="admin", MasterUserPassword="password123")
    rds.create_db_instance(DBInstanceIdentifier="prod-db", Engine="postgres", DBInstanceClass="db.t3.micro",
                           AllocatedStorage=20, MasterUsername="admin", MasterUserPassword="password123")
    cluster_ids = [f"prod-cluster-{i:03}" for i in range(150)]
    for snapshot_id in cluster_ids:
        rds.create_db_cluster_snapshot(DBClusterIdentifier="prod", DBClusterSnapshotIdentifier=snapshot_id)
    instance_ids = [f"prod-db-{i:03}" for i in range(130)]
    for snapshot_id in instance_ids:
        rds.create_db_snapshot(DBInstanceIdentifier="prod-db", DBSnapshotIdentifier=snapshot_id)
    return cluster_ids, instance_ids


def test_describe_db_cluster_snapshots_pages(moto, snapshots):
    rds = moto.client("rds")
    page = rds.describe_db_cluster_snapshots(DBClusterIdentifier="prod", SnapshotType="manual", MaxRecords=20)
    assert len(page["DBClusterSnapshots"]) == 20 and page["Marker"]
    paginator = rds.get_paginator("describe_db_cluster_snapshots")
    pages = paginator.paginate(DBClusterIdentifier="prod", SnapshotType="manual")
    ids = [snapshot["DBClusterSnapshotIdentifier"] for page in pages for snapshot in page["DBClusterSnapshots"]]
    assert sorted(ids) == snapshots[0]  # every one, once


def test_describe_db_snapshots_pages(moto, snapshots):
    rds = moto.client("rds")
    pages = list(rds.get_paginator("describe_db_snapshots").paginate(
        DBInstanceIdentifier="prod-db", SnapshotType="manual", PaginationConfig={"PageSize": 20}))
    assert [len(page["DBSnapshots"]) for page in pages] == [20] * 6 + [10]
    assert sorted(s["DBSnapshotIdentifier"] for page in pages for s in page["DBSnapshots"]) == snapshots[1]
    first = rds.describe_db_snapshots(DBInstanceIdentifier="prod-db", SnapshotType="manual")
    assert len(first["DBSnapshots"]) == 100 and first["Marker"]  # AWS's default MaxRecords


@pytest.mark.parametrize("max_records", [10, 101])
def test_max_records_outside_20_to_100_is_rejected(moto, max_records):
    rds = moto.client("rds")
    for describe in (rds.describe_db_snapshots, rds.describe_db_cluster_snapshots):
        with pytest.raises(botocore.exceptions.ClientError) as excinfo:
            describe(MaxRecords=max_records)
        assert excinfo.value.response["Error"] == {
            "Type": "Sender", "Code": "InvalidParameterValue",
            "Message": f"Invalid value {max_records} for MaxRecords. Must be between 20 and 100"}


def test_shared_cluster_snapshots_page_in_the_second_account(moto, snapshots):
    rds = moto.client("rds")
    for snapshot_id in snapshots[0][:25]:
        rds.modify_db_cluster_snapshot_attribute(
            DBClusterSnapshotIdentifier=snapshot_id, AttributeName="restore", ValuesToAdd=[SECOND_ACCOUNT])
    second = moto.client("rds", account=SECOND_ACCOUNT)
    pages = list(second.get_paginator("describe_db_cluster_snapshots").paginate(
        SnapshotType="shared", PaginationConfig={"PageSize": 20}))
    assert [len(page["DBClusterSnapshots"]) for page in pages] == [20, 5]
    ids = [snapshot["DBClusterSnapshotIdentifier"] for page in pages for snapshot in page["DBClusterSnapshots"]]
    assert sorted(ids) == snapshots[0][:25]
