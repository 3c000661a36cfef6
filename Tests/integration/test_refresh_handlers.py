"""update-latest-snapshot-id and restore-from-snapshot through the real Runtime API loop on the
emulator, against moto with signature checking on; boto3 reads back what they wrote."""
import json

import pytest

from harness.aws_fixtures import answer_custom_resource, create_pipeline, pending_custom_resource_requests
from harness.moto_peer import MotoServer
from harness.refresh import invoke, moto_state

# The shape of an EventBridge scheduled event, as AWS's Lambda documentation shows it.
SCHEDULED = {"version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event",
             "source": "aws.events", "account": "123456789012", "time": "2026-11-01T02:00:00Z", "region": "us-east-1",
             "resources": ["arn:aws:events:us-east-1:123456789012:rule/staging-refresh-update-latest"], "detail": {}}

PREFIX = "/sr"


@pytest.fixture(scope="module")
def moto():
    with MotoServer() as server:
        rds = server.client("rds")
        rds.create_db_cluster(DBClusterIdentifier="prod", Engine="aurora-postgresql", EngineVersion="15.4",
                              MasterUsername="admin", MasterUserPassword="password123")
        for index in range(3):
            rds.create_db_cluster_snapshot(DBClusterIdentifier="prod", DBClusterSnapshotIdentifier=f"prod-{index}")
        yield server


def settings(**extra):
    values = {"SOURCE_DB_CLUSTER_IDENTIFIER": "prod", "PARAMETER_PREFIX": PREFIX, "RESTORE_MODE": "pipeline"}
    values.update(extra)
    return values


def ssm_value(moto, name):
    try:
        parameter = moto.client("ssm").get_parameter(Name=name)["Parameter"]
        return parameter["Value"], parameter["Version"]
    except moto.client("ssm").exceptions.ParameterNotFound:
        return None


def test_update_latest_writes_once_and_then_only_on_change(moto):
    result, failed, _ = invoke(moto, "update-latest-snapshot-id", SCHEDULED, settings())
    assert not failed, result
    assert (result["snapshot"], result["changed"], result.get("previous")) == ("prod-2", True, None)
    assert ssm_value(moto, f"{PREFIX}/latest-snapshot-id") == ("prod-2", 1)
    tags = moto.client("ssm").list_tags_for_resource(ResourceType="Parameter", ResourceId=f"{PREFIX}/latest-snapshot-id")["TagList"]
    assert tags == [{"Key": "managed-by", "Value": "staging-refresh"}]

    result, failed, _ = invoke(moto, "update-latest-snapshot-id", {}, settings())
    assert (failed, result["changed"], result["previous"]) == (False, False, "prod-2")
    assert ssm_value(moto, f"{PREFIX}/latest-snapshot-id") == ("prod-2", 1)  # no PutParameter: same version

    moto.client("rds").create_db_cluster_snapshot(DBClusterIdentifier="prod", DBClusterSnapshotIdentifier="prod-3")
    result, failed, _ = invoke(moto, "update-latest-snapshot-id", {}, settings())
    assert (failed, result["snapshot"], result["previous"], result["changed"]) == (False, "prod-3", "prod-2", True)
    assert ssm_value(moto, f"{PREFIX}/latest-snapshot-id") == ("prod-3", 2)


def test_nothing_usable_counts_why_and_leaves_ssm_alone(moto):
    prefix = "/sr-none"
    result, failed, _ = invoke(moto, "update-latest-snapshot-id", {}, settings(PARAMETER_PREFIX=prefix, ENGINE_VERSION="9"))
    assert failed
    assert result["errorType"] == "Function.NoUsableSnapshot"
    assert "snapshots seen:" in result["errorMessage"] and "other engine version" in result["errorMessage"]
    assert ssm_value(moto, f"{prefix}/latest-snapshot-id") is None


def test_dry_run_plans_without_writing(moto):
    prefix = "/sr-dry"
    before = moto_state(moto)
    result, failed, _ = invoke(moto, "update-latest-snapshot-id", {"dryRun": True}, settings(PARAMETER_PREFIX=prefix))
    assert moto_state(moto) == before
    assert not failed and result["dryRun"] is True and result["changed"] is True
    assert result["plan"] == [{"call": "ssm:PutParameter", "parameters": {"Name": f"{prefix}/latest-snapshot-id", "Value": result["snapshot"], "Overwrite": "false"}}]
    assert ssm_value(moto, f"{prefix}/latest-snapshot-id") is None


@pytest.mark.parametrize("event, message", [
    (b"not json", "not valid JSON"),
    (b"[1, 2]", "should be"),
    ({"dryRun": "yes"}, "'dryRun' must be true or false"),
    ({"surprise": 1}, "unknown key 'surprise'"),
    ({"config": {"SOURCE_DB_CLUSTER_IDENTIFIER": 7}}, "'config' must be an object of setting names to strings"),
    ({"config": {"NOT_A_SETTING": "x"}}, "unknown setting 'NOT_A_SETTING'"),
    ({"snapshot": "prod-1"}, "belong to restore-from-snapshot"),
])
def test_bad_events_change_nothing(moto, event, message):
    prefix = "/sr-bad"
    before = moto_state(moto)
    result, failed, _ = invoke(moto, "update-latest-snapshot-id", event, settings(PARAMETER_PREFIX=prefix))
    assert moto_state(moto) == before
    assert failed and result["errorType"] == "Function.InvalidEvent", result
    assert message in result["errorMessage"]
    assert ssm_value(moto, f"{prefix}/latest-snapshot-id") is None


@pytest.mark.parametrize("extra, setting", [
    ({"RESTORE_MODE": "stack", "STACK_NAME": "PROD"}, "STACK_NAME"),
    ({"STAGING_DB_IDENTIFIER": "prod"}, "STAGING_DB_IDENTIFIER"),
    ({"PIPELINE_NAME": "prod"}, "PIPELINE_NAME"),
    ({"PARAMETER_PREFIX": "/prod/refresh"}, "PARAMETER_PREFIX"),
])
def test_the_guard_refuses_a_target_named_like_the_source_at_init(moto, extra, setting):
    result, failed, logs = invoke(moto, "restore-from-snapshot", {}, settings(**extra))
    assert failed
    assert result["errorType"] == "Function.ProductionGuard"
    assert result["errorMessage"].startswith(f"{setting} names the production database 'prod'")
    assert "init failed" in logs


@pytest.mark.parametrize("extra, message", [
    ({"SNAPSHOT_TYPES": "weekly"}, "SNAPSHOT_TYPES (from the environment) must be a comma list of automated, manual, shared; for example SNAPSHOT_TYPES=automated,manual"),
    ({"SOURCE_ACCOUNT_ID": "12345"}, "SOURCE_ACCOUNT_ID (from the environment) must be a 12-digit AWS account id"),
    ({"RESTORE_MODE": "teleport"}, "RESTORE_MODE (from the environment) must be pipeline or stack"),
    ({"SOURCE_DB_INSTANCE_IDENTIFIER": "also"}, "set only one of SOURCE_DB_CLUSTER_IDENTIFIER and SOURCE_DB_INSTANCE_IDENTIFIER"),
])
def test_malformed_settings_fail_init_with_an_example(moto, extra, message):
    result, failed, _ = invoke(moto, "update-latest-snapshot-id", {}, settings(**extra))
    assert failed and result["errorType"] == "Function.InvalidConfiguration"
    assert message in result["errorMessage"]


def test_event_config_overrides_the_environment(moto):
    prefix = "/sr-config"
    result, failed, _ = invoke(moto, "update-latest-snapshot-id", {"config": {"PARAMETER_PREFIX": prefix}}, settings())
    assert not failed, result
    assert ssm_value(moto, f"{prefix}/latest-snapshot-id")[0] == result["snapshot"]


def test_restore_without_latest_says_what_to_run(moto):
    result, failed, _ = invoke(moto, "restore-from-snapshot", {}, settings(PARAMETER_PREFIX="/sr-empty", PIPELINE_NAME="p"))
    assert failed and result["errorType"] == "Function.NoLatestSnapshot"
    assert "run update-latest-snapshot-id first" in result["errorMessage"]


def test_restore_in_pipeline_mode_starts_one_execution_per_snapshot(moto):
    prefix = "/sr-pipe"
    pipeline = create_pipeline(moto, "staging-deploy", role_name="staging-deploy-role")
    moto.client("ssm").put_parameter(Name=f"{prefix}/pipeline-name", Value=pipeline, Type="String")
    invoke(moto, "update-latest-snapshot-id", {}, settings(PARAMETER_PREFIX=prefix))
    latest = ssm_value(moto, f"{prefix}/latest-snapshot-id")[0]

    before = moto_state(moto)
    dry, failed, _ = invoke(moto, "restore-from-snapshot", {"dryRun": True}, settings(PARAMETER_PREFIX=prefix, PIPELINE_VARIABLE="SNAPSHOT"))
    assert moto_state(moto) == before
    assert not failed and [p["call"] for p in dry["plan"]] == ["ssm:PutParameter", "codepipeline:StartPipelineExecution"]
    assert ssm_value(moto, f"{prefix}/current-snapshot-id") is None

    first, failed, _ = invoke(moto, "restore-from-snapshot", SCHEDULED, settings(PARAMETER_PREFIX=prefix, PIPELINE_VARIABLE="SNAPSHOT"))
    assert not failed, first
    assert (first["snapshot"], first["changed"], first["pipelineName"]) == (latest, True, pipeline)
    assert ssm_value(moto, f"{prefix}/current-snapshot-id") == (latest, 1)
    execution = moto.client("codepipeline").get_pipeline_execution(pipelineName=pipeline, pipelineExecutionId=first["executionId"])
    assert {v["name"]: v["resolvedValue"] for v in execution["pipelineExecution"]["variables"]}["SNAPSHOT"] == latest

    again, failed, _ = invoke(moto, "restore-from-snapshot", {}, settings(PARAMETER_PREFIX=prefix, PIPELINE_VARIABLE="SNAPSHOT"))
    assert not failed and again["executionId"] == first["executionId"] and again["changed"] is False
    assert ssm_value(moto, f"{prefix}/current-snapshot-id") == (latest, 1)

    forced, failed, _ = invoke(moto, "restore-from-snapshot", {"force": True}, settings(PARAMETER_PREFIX=prefix, PIPELINE_VARIABLE="SNAPSHOT"))
    assert not failed and forced["executionId"] != first["executionId"]


def test_restore_override_must_be_an_available_snapshot_of_the_source(moto):
    prefix = "/sr-override"
    result, failed, _ = invoke(moto, "restore-from-snapshot", {"snapshot": "someone-elses"}, settings(PARAMETER_PREFIX=prefix, PIPELINE_NAME="x"))
    assert failed and result["errorType"] == "Function.SnapshotNotFound"
    assert ssm_value(moto, f"{prefix}/current-snapshot-id") is None
    pipeline = create_pipeline(moto, "override-deploy", role_name="override-role")
    result, failed, _ = invoke(moto, "restore-from-snapshot", {"snapshot": "prod-0"}, settings(PARAMETER_PREFIX=prefix, PIPELINE_NAME=pipeline))
    assert not failed and result["snapshot"] == "prod-0"
    assert ssm_value(moto, f"{prefix}/current-snapshot-id") == ("prod-0", 1)


STACK_TEMPLATE = json.dumps({
    "Parameters": {"SnapshotIdentifier": {"Type": "String"}, "StagingDBIdentifier": {"Type": "String", "Default": "staging-db"}},
    "Resources": {"Marker": {"Type": "AWS::SSM::Parameter",
                             "Properties": {"Name": "/sr-stack/restored-from", "Type": "String", "Value": {"Ref": "SnapshotIdentifier"}}}},
})


def test_restore_in_stack_mode_create_update_noop_busy_and_rollback(moto, tmp_path):
    prefix = "/sr-stack"
    template = tmp_path / "staging-db.json"
    template.write_text(STACK_TEMPLATE)
    config = settings(PARAMETER_PREFIX=prefix, RESTORE_MODE="stack", STACK_NAME="staging-db", STAGING_DB_IDENTIFIER="staging-db",
                      STACK_TEMPLATE=str(template))
    ssm = moto.client("ssm")
    ssm.put_parameter(Name=f"{prefix}/latest-snapshot-id", Value="prod-0", Type="String")
    created, failed, _ = invoke(moto, "restore-from-snapshot", {}, config)
    assert not failed, created
    assert (created["stackAction"], created["snapshot"]) == ("created", "prod-0")
    assert ssm.get_parameter(Name="/sr-stack/restored-from")["Parameter"]["Value"] == "prod-0"

    ssm.put_parameter(Name=f"{prefix}/latest-snapshot-id", Value="prod-1", Type="String", Overwrite=True)
    updated, failed, _ = invoke(moto, "restore-from-snapshot", {}, config)
    assert (failed, updated["stackAction"], updated["previous"]) == (False, "updated", "prod-0")
    assert ssm.get_parameter(Name="/sr-stack/restored-from")["Parameter"]["Value"] == "prod-1"

    unchanged, failed, _ = invoke(moto, "restore-from-snapshot", {}, config)
    assert (failed, unchanged["stackAction"], unchanged["changed"]) == (False, "unchanged", False)

    # A stack CloudFormation is still working on: its custom resource has not been answered yet.
    busy_template = tmp_path / "busy.json"
    busy_template.write_text(json.dumps({
        "Parameters": {"SnapshotIdentifier": {"Type": "String"}, "StagingDBIdentifier": {"Type": "String"}},
        "Resources": {"Migration": {"Type": "Custom::SchemaMigration", "Properties": {
            "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:schema-migration",
            "Snapshot": {"Ref": "SnapshotIdentifier"}}}}}))
    busy = {**config, "STACK_NAME": "staging-busy", "STACK_TEMPLATE": str(busy_template)}
    cloudformation = moto.client("cloudformation")
    created, failed, _ = invoke(moto, "restore-from-snapshot", {"force": True}, busy)
    assert (failed, created["stackAction"]) == (False, "created"), created
    assert cloudformation.describe_stacks(StackName="staging-busy")["Stacks"][0]["StackStatus"] == "CREATE_IN_PROGRESS"
    [request] = pending_custom_resource_requests(moto)
    current = ssm_value(moto, f"{prefix}/current-snapshot-id")

    ssm.put_parameter(Name=f"{prefix}/latest-snapshot-id", Value="prod-2", Type="String", Overwrite=True)
    before = moto_state(moto)
    refused, failed, _ = invoke(moto, "restore-from-snapshot", {}, busy)
    assert failed and refused["errorType"] == "Function.StackBusy", refused
    assert "CREATE_IN_PROGRESS" in refused["errorMessage"] and "nothing was changed" in refused["errorMessage"]
    assert moto_state(moto) == before
    assert ssm_value(moto, f"{prefix}/current-snapshot-id") == current

    # The custom resource fails, CloudFormation rolls the stack back, and the next run recreates it.
    answer_custom_resource(request, "FAILED", "migration V3 failed")
    assert cloudformation.describe_stacks(StackName="staging-busy")["Stacks"][0]["StackStatus"] == "ROLLBACK_COMPLETE"
    busy_template.write_text(json.dumps({
        "Parameters": {"SnapshotIdentifier": {"Type": "String"}, "StagingDBIdentifier": {"Type": "String"}},
        "Resources": {"Marker": {"Type": "AWS::SSM::Parameter", "Properties": {
            "Name": "/sr-busy/restored-from", "Type": "String", "Value": {"Ref": "SnapshotIdentifier"}}}}}))
    recreated, failed, _ = invoke(moto, "restore-from-snapshot", {}, busy)
    assert (failed, recreated["stackAction"], recreated["snapshot"]) == (False, "recreated", "prod-2"), recreated
    assert cloudformation.describe_stacks(StackName="staging-busy")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    assert ssm.get_parameter(Name="/sr-busy/restored-from")["Parameter"]["Value"] == "prod-2"
    assert ssm_value(moto, f"{prefix}/current-snapshot-id")[0] == "prod-2"


def test_with_migrations_a_snapshot_without_the_data_api_is_refused_before_anything_changes(moto, tmp_path):
    prefix = "/sr-data-api"
    rds = moto.client("rds")
    # Aurora PostgreSQL 15.2: the Data API starts with 15.3 in the 15 line.
    rds.create_db_cluster(DBClusterIdentifier="old-prod", Engine="aurora-postgresql", EngineVersion="15.2",
                          MasterUsername="admin", MasterUserPassword="password123")
    rds.create_db_cluster_snapshot(DBClusterIdentifier="old-prod", DBClusterSnapshotIdentifier="old-prod-1")
    template = tmp_path / "staging-db.json"
    template.write_text(STACK_TEMPLATE)
    config = settings(SOURCE_DB_CLUSTER_IDENTIFIER="old-prod", PARAMETER_PREFIX=prefix, RESTORE_MODE="stack",
                      STACK_NAME="staging-old", STACK_TEMPLATE=str(template), MIGRATIONS_ENABLED="true")
    moto.client("ssm").put_parameter(Name=f"{prefix}/latest-snapshot-id", Value="old-prod-1", Type="String")
    before = moto_state(moto)
    result, failed, _ = invoke(moto, "restore-from-snapshot", {}, config)
    assert failed and result["errorType"] == "Function.DataAPIUnsupported", result
    assert "Aurora PostgreSQL 15.2 has no RDS Data API; it needs 15.3 or later" in result["errorMessage"]
    assert "nothing was changed" in result["errorMessage"]
    assert moto_state(moto) == before
    # The same snapshot without migrations restores as before.
    result, failed, _ = invoke(moto, "restore-from-snapshot", {"dryRun": True}, {**config, "MIGRATIONS_ENABLED": "false"})
    assert not failed and result["plan"][-1]["call"] == "cloudformation:CreateStack", result
