"""`bootstrap iam-policy` covers every call the handlers make against moto: each handler runs through the
invoke loop, moto records the calls it served, and every (action, ARN) must be allowed by the printed
policy. Each statement the handlers' own calls need is needed: without it some call is not covered.
schema-migration's Data API calls go to the Data API emulator, so its policy is checked against the
actions our Data API client sends."""
import fnmatch
import json
import pathlib
import re
import subprocess
import sys

import pytest

from harness.aws_fixtures import create_pipeline, served_calls
from harness.build import binary
from harness.moto_peer import MotoServer
from harness.refresh import invoke

REGION, ACCOUNT = "us-east-1", "123456789012"
# Statements for what CloudFormation does with the caller's credentials in stack mode, not for the
# handler's own calls: the template test checks those.
DEPLOYMENT_SIDS = {"CreateStagingDB", "ReadStagingDB", "ReplaceOnlyTaggedStagingDB", "ReadOnlyWithoutResourceLevelPermissions",
                   "ReadVpcAttributes", "MoveStagingCNAME", "WaitForCNAMEChange", "RunSchemaMigration", "DescribeSnapshotKey",
                   "GrantSnapshotKeyToRDS", "NeverWriteTheSource", "OnlyWhatThisStackCreated", "ReadStagingZone",
                   "CreateStagingDBSecret", "StagingDBSecretKey", "DescribeStagingDBSecretKey"}


@pytest.fixture(scope="module")
def moto():
    with MotoServer() as server:
        rds = server.client("rds")
        rds.create_db_cluster(DBClusterIdentifier="prod", Engine="aurora-postgresql", MasterUsername="admin",
                              MasterUserPassword="password123")
        rds.create_db_cluster_snapshot(DBClusterIdentifier="prod", DBClusterSnapshotIdentifier="prod-1")
        create_pipeline(server, name="staging-db-deploy")
        yield server


def iam_policy(moto, handler, settings):
    environment = {**moto.env(), **settings}
    result = subprocess.run([str(binary("bootstrap")), "iam-policy", handler], env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def arn_of(call):
    """The resource IAM authorises a call against, from its parameters."""
    service, action, params = call["service"], call["action"], call["params"]
    if service == "ssm":
        return f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{params['Name']}"
    if service == "rds" and action == "DescribeAccountAttributes":
        return "*"  # no resource-level permissions (Service Authorization Reference, Amazon RDS)
    if service == "rds" and "DBClusterIdentifier" in params:
        return f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:{params['DBClusterIdentifier']}"
    if service == "rds":
        return f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster-snapshot:*"
    if service == "codepipeline":
        return f"arn:aws:codepipeline:{REGION}:{ACCOUNT}:{params['name']}"
    if service == "cloudformation" and action == "ListStacks":
        return "*"  # no resource-level permissions (Service Authorization Reference, CloudFormation)
    if service == "cloudformation":
        return f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{params['StackName']}/*"
    raise AssertionError(f"no ARN rule for {service}:{action}")


def needed(calls):
    """(action, ARN) pairs; PutParameter with tags also needs ssm:AddTagsToResource, as on AWS."""
    pairs = set()
    for call in calls:
        if call["service"] == "sts":
            continue  # GetCallerIdentity needs no permission
        pairs.add((f"{call['service']}:{call['action']}", arn_of(call)))
        if call["action"] == "PutParameter" and any(key == "Tags" or key.startswith("Tags.") for key in call["params"]):
            pairs.add(("ssm:AddTagsToResource", arn_of(call)))
    return pairs


def allows(statements, action, arn):
    return any(s["Effect"] == "Allow" and any(fnmatch.fnmatchcase(action, a) for a in s["Action"])
               and any(fnmatch.fnmatchcase(arn, r) for r in s["Resource"]) for s in statements)


def check_coverage(policy, pairs):
    statements = policy["Statement"]
    uncovered = sorted(pair for pair in pairs if not allows(statements, *pair))
    assert not uncovered, f"the policy misses {uncovered}:\n{json.dumps(policy, indent=1)}"
    for statement in statements:
        if statement["Sid"] in DEPLOYMENT_SIDS:
            continue
        rest = [s for s in statements if s is not statement]
        assert any(not allows(rest, *pair) for pair in pairs), f"{statement['Sid']} is not needed by any call: {sorted(pairs)}"


def run_and_record(moto, handler, event, settings):
    served_calls(moto)  # forget the setup's calls
    result, failed, _ = invoke(moto, handler, event, settings)
    assert not failed, result
    return needed(served_calls(moto))


def test_update_latest_snapshot_id_calls_only_what_its_policy_allows(moto):
    settings = {"SOURCE_DB_CLUSTER_IDENTIFIER": "prod", "PARAMETER_PREFIX": "/iam"}
    pairs = run_and_record(moto, "update-latest-snapshot-id", {}, settings)
    assert ("rds:DescribeDBClusterSnapshots", f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:prod") in pairs
    check_coverage(iam_policy(moto, "update-latest-snapshot-id", settings), pairs)


def test_restore_in_pipeline_mode_calls_only_what_its_policy_allows(moto):
    settings = {"SOURCE_DB_CLUSTER_IDENTIFIER": "prod", "PARAMETER_PREFIX": "/iam-pipeline", "PIPELINE_NAME": "staging-db-deploy",
                "RESTORE_MODE": "pipeline"}
    moto.client("ssm").put_parameter(Name="/iam-pipeline/latest-snapshot-id", Value="prod-1", Type="String")
    # The manual override lists snapshots too.
    pairs = run_and_record(moto, "restore-from-snapshot", {"snapshot": "prod-1"}, settings)
    assert any(action == "codepipeline:StartPipelineExecution" for action, _ in pairs)
    check_coverage(iam_policy(moto, "restore-from-snapshot", settings), pairs)


def test_restore_in_stack_mode_calls_only_what_its_policy_allows(moto, tmp_path):
    template = tmp_path / "staging-db.json"
    template.write_text(json.dumps({"Parameters": {"SnapshotIdentifier": {"Type": "String"}}, "Resources": {
        "Marker": {"Type": "AWS::SSM::Parameter", "Properties": {"Name": "/iam-stack/restored-from", "Type": "String", "Value": {"Ref": "SnapshotIdentifier"}}}}}))
    settings = {"SOURCE_DB_CLUSTER_IDENTIFIER": "prod", "PARAMETER_PREFIX": "/iam-stack", "RESTORE_MODE": "stack",
                "STACK_NAME": "iam-staging", "STACK_TEMPLATE": str(template)}
    moto.client("ssm").put_parameter(Name="/iam-stack/latest-snapshot-id", Value="prod-1", Type="String")
    created = run_and_record(moto, "restore-from-snapshot", {}, settings)
    # An update with the stack's own template, of a snapshot named by hand (which lists the snapshots).
    updated = run_and_record(moto, "restore-from-snapshot", {"snapshot": "prod-1", "force": True}, {**settings, "STACK_TEMPLATE": ""})
    assert ("cloudformation:UpdateStack", f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/iam-staging/*") in updated
    assert ("ssm:AddTagsToResource", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/iam-stack/current-snapshot-id") in created
    check_coverage(iam_policy(moto, "restore-from-snapshot", settings), created | updated)


def test_restore_with_the_service_role_passes_it_and_is_allowed_only_with_it(moto, tmp_path):
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support" / "iam"))
    from evaluator import ALLOW, decide

    role = moto.client("iam").create_role(RoleName="iam-staging-StackUpdateRole", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudformation.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    template = tmp_path / "staging-db.json"
    template.write_text(json.dumps({"Parameters": {"SnapshotIdentifier": {"Type": "String"}}, "Resources": {
        "Marker": {"Type": "AWS::SSM::Parameter", "Properties": {"Name": "/iam-role/restored-from", "Type": "String", "Value": {"Ref": "SnapshotIdentifier"}}}}}))
    settings = {"SOURCE_DB_CLUSTER_IDENTIFIER": "prod", "PARAMETER_PREFIX": "/iam-role", "RESTORE_MODE": "stack",
                "STACK_NAME": "iam-role-staging", "STACK_TEMPLATE": str(template), "STACK_ROLE_ARN": role}
    moto.client("ssm").put_parameter(Name="/iam-role/latest-snapshot-id", Value="prod-1", Type="String")
    served_calls(moto)
    for event, extra in (({}, {}), ({"snapshot": "prod-1", "force": True}, {"STACK_TEMPLATE": ""})):
        result, failed, _ = invoke(moto, "restore-from-snapshot", event, {**settings, **extra})
        assert not failed, result
    calls = served_calls(moto)
    stack_calls = [c for c in calls if c["service"] == "cloudformation" and c["action"] in ("CreateStack", "UpdateStack")]
    assert [c["action"] for c in stack_calls] == ["CreateStack", "UpdateStack"]
    assert all(c["params"].get("RoleARN") == role for c in stack_calls), stack_calls
    assert moto.client("cloudformation").describe_stacks(StackName="iam-role-staging")["Stacks"][0].get("RoleARN") == role
    policy = iam_policy(moto, "restore-from-snapshot", settings)
    for call in calls:
        if call["service"] == "sts":
            continue
        context = {"cloudformation:RoleArn": call["params"]["RoleARN"]} if "RoleARN" in call["params"] else {}
        assert decide(policy, f"{call['service']}:{call['action']}", arn_of(call), context) == ALLOW, call
        if "RoleARN" in call["params"]:  # passing the role to CloudFormation is authorised on its own
            assert decide(policy, "iam:PassRole", role, {"iam:PassedToService": "cloudformation.amazonaws.com"}) == ALLOW
    assert not any(s["Action"][0].startswith("rds:") and s["Effect"] == "Allow" and s["Action"] != ["rds:DescribeDBClusterSnapshots"]
                   for s in policy["Statement"]), "the function itself must hold no RDS write"


def test_schema_migration_policy_names_the_cluster_the_secret_and_every_data_api_call(moto):
    cluster = f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:staging-db"
    secret = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:staging-db-AbCdEf"
    policy = iam_policy(moto, "schema-migration", {"DB_CLUSTER_ARN": cluster, "DB_SECRET_ARN": secret, "DB_NAME": "app",
                                                   "DB_ENGINE": "postgres"})
    source = (pathlib.Path(__file__).resolve().parents[2] / "Sources" / "AWSClient" / "Services" / "RDSData.swift").read_text()
    operations = set(re.findall(r'(?:call|finish)\("(\w+)", path:', source))
    assert len(operations) == 5, operations
    for operation in operations:
        assert allows(policy["Statement"], f"rds-data:{operation}", cluster), operation
    assert allows(policy["Statement"], "secretsmanager:GetSecretValue", secret)
    assert not allows(policy["Statement"], "rds-data:ExecuteStatement", f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:prod")


def test_clone_mode_calls_only_what_its_policies_allow(moto, tmp_path):
    rds = moto.client("rds")
    if not rds.describe_db_clusters(DBClusterIdentifier="prod")["DBClusters"][0]["DBClusterMembers"]:
        rds.create_db_instance(DBInstanceIdentifier="prod-1", DBClusterIdentifier="prod", Engine="aurora-postgresql",
                               DBInstanceClass="db.r6g.large")
    template = tmp_path / "staging-db.json"
    template.write_text(json.dumps({"Parameters": {"RestoreTime": {"Type": "String"}}, "Resources": {
        "Marker": {"Type": "AWS::SSM::Parameter", "Properties": {"Name": "/iam-clone/cloned-at", "Type": "String", "Value": {"Ref": "RestoreTime"}}}}}))
    role = moto.client("iam").create_role(RoleName="iam-clone-StackUpdateRole", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudformation.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    settings = {"SOURCE_DB_CLUSTER_IDENTIFIER": "prod", "PARAMETER_PREFIX": "/iam-clone", "REFRESH_METHOD": "clone", "RESTORE_MODE": "stack",
                "STACK_NAME": "iam-clone-staging", "STACK_TEMPLATE": str(template), "STACK_ROLE_ARN": role}
    latest = run_and_record(moto, "update-latest-snapshot-id", {}, settings)
    assert ("rds:DescribeDBClusters", f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:prod") in latest
    check_coverage(iam_policy(moto, "update-latest-snapshot-id", settings), latest)
    created = run_and_record(moto, "restore-from-snapshot", {}, settings)
    assert ("rds:DescribeAccountAttributes", "*") in created
    assert ("ssm:PutParameter", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/iam-clone/current-restore-time") in created
    check_coverage(iam_policy(moto, "restore-from-snapshot", settings), created | {("iam:PassRole", role)})


def test_expire_clones_calls_only_what_its_policy_allows(moto):
    settings = {"SOURCE_DB_CLUSTER_IDENTIFIER": "prod", "PARAMETER_PREFIX": "/iam-clones", "CLONE_NAME_PREFIX": "iam-team",
                "CLONE_TEMPLATE": str(pathlib.Path(__file__).resolve().parents[2] / "templates" / "clone.yml")}
    rds = moto.client("rds")
    if not rds.describe_db_clusters(DBClusterIdentifier="prod")["DBClusters"][0]["DBClusterMembers"]:
        rds.create_db_instance(DBInstanceIdentifier="prod-1", DBClusterIdentifier="prod", Engine="aurora-postgresql",
                               DBInstanceClass="db.r6g.large")
    calls = set()
    for event in ({"action": "create-clone", "name": "erin", "owner": "chat:erin"}, {"action": "list-clones"},
                  {"action": "delete-clone", "name": "erin"}, {"dryRun": True}, {}):
        calls |= run_and_record(moto, "expire-clones", event, settings)
    assert ("cloudformation:CreateStack", f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/iam-team-clone-erin/*") in calls
    # Only the function's own calls are recorded here; what CloudFormation then does with its
    # credentials (restoring the clone, deleting it) is covered by the template test of ExpireClonesRole.
    policy = iam_policy(moto, "expire-clones", settings)
    uncovered = sorted(pair for pair in calls if not allows(policy["Statement"], *pair))
    assert not uncovered, uncovered
