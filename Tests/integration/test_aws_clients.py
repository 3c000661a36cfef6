"""Every AWSClient operation moto implements, called through our typed clients (tools/AWSCall)
against moto_server with signature checking on, and read back with boto3."""
import json
import subprocess

import pytest

from harness.aws_fixtures import create_pipeline
from harness.build import binary
from harness.moto_peer import MotoServer


@pytest.fixture(scope="module")
def moto():
    with MotoServer() as server:
        yield server


def call(moto, operation, arguments=None, env=None):
    """(exit status, parsed stdout or stderr JSON)."""
    environment = moto.env()
    environment.update(env or {})
    result = subprocess.run([str(binary("aws-call")), operation, json.dumps(arguments or {})],
                            capture_output=True, env=environment, timeout=60)
    text = result.stdout if result.returncode == 0 else result.stderr
    return result.returncode, json.loads(text)


def ok(moto, operation, arguments=None):
    status, output = call(moto, operation, arguments)
    assert status == 0, output
    return output


def test_caller_identity(moto):
    identity = ok(moto, "sts.get-caller-identity")
    assert identity["account"] == "123456789012"
    assert identity["arn"] == "arn:aws:iam::123456789012:user/staging-refresh"


def test_ssm_parameters_round_trip(moto):
    ssm = moto.client("ssm")
    assert ok(moto, "ssm.put-parameter", {"name": "/sr/latest", "value": "snap-1", "overwrite": False,
                                           "tags": {"app": "staging-refresh"}}) == 1
    assert ssm.get_parameter(Name="/sr/latest")["Parameter"]["Value"] == "snap-1"
    assert ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/sr/latest")["TagList"] == [
        {"Key": "app", "Value": "staging-refresh"}]
    status, error = call(moto, "ssm.put-parameter", {"name": "/sr/latest", "value": "snap-2", "overwrite": False})
    assert (status, error["code"]) == (1, "ParameterAlreadyExists")
    assert ok(moto, "ssm.put-parameter", {"name": "/sr/latest", "value": "snap-2", "overwrite": True}) == 2
    assert ssm.get_parameter(Name="/sr/latest")["Parameter"]["Version"] == 2
    got = ok(moto, "ssm.get-parameter", {"name": "/sr/latest"})
    assert (got["Name"], got["Value"], got["Version"]) == ("/sr/latest", "snap-2", 2)
    assert ok(moto, "ssm.get-parameter", {"name": "/sr/missing"}) is None


def test_secret_value(moto):
    secret = moto.client("secretsmanager").create_secret(Name="staging-db", SecretString='{"password":"p"}')
    got = ok(moto, "secretsmanager.get-secret-value", {"id": "staging-db"})
    assert got == {"ARN": secret["ARN"], "Name": "staging-db", "hasSecretString": True}


def test_pipeline_executions(moto):
    name = create_pipeline(moto, "refresh-clients", role_name="pipeline-clients")
    first = ok(moto, "codepipeline.start-pipeline-execution", {"name": name, "token": "snap-1", "variables": {"SNAPSHOT": "snap-1"}})
    again = ok(moto, "codepipeline.start-pipeline-execution", {"name": name, "token": "snap-1", "variables": {"SNAPSHOT": "snap-1"}})
    assert first == again
    execution = ok(moto, "codepipeline.get-pipeline-execution", {"name": name, "id": first})
    assert (execution["pipelineExecutionId"], execution["pipelineName"], execution["status"]) == (first, name, "InProgress")
    boto = moto.client("codepipeline").get_pipeline_execution(pipelineName=name, pipelineExecutionId=first)["pipelineExecution"]
    assert {v["name"]: v["resolvedValue"] for v in boto["variables"]}["SNAPSHOT"] == "snap-1"
    status, error = call(moto, "codepipeline.start-pipeline-execution", {"name": "missing"})
    assert (status, error["code"]) == (1, "PipelineNotFoundException")


@pytest.fixture(scope="module")
def databases(moto):
    rds = moto.client("rds")
    rds.create_db_cluster(DBClusterIdentifier="prod", Engine="aurora-postgresql", EngineVersion="15.4",
                          MasterUsername="admin", MasterUserPassword="password123")
    rds.create_db_instance(DBInstanceIdentifier="prod-db", Engine="postgres", EngineVersion="15.4",
                           DBInstanceClass="db.t3.micro", AllocatedStorage=20, MasterUsername="admin", MasterUserPassword="password123")
    for index in range(45):
        rds.create_db_cluster_snapshot(DBClusterIdentifier="prod", DBClusterSnapshotIdentifier=f"prod-c-{index:02}")
        rds.create_db_snapshot(DBInstanceIdentifier="prod-db", DBSnapshotIdentifier=f"prod-i-{index:02}")
    return rds


def test_snapshot_lists_follow_every_marker(moto, databases):
    ours = ok(moto, "rds.describe-db-cluster-snapshots", {"cluster": "prod", "type": "manual", "pageSize": 20})
    paginator = databases.get_paginator("describe_db_cluster_snapshots")
    theirs = [s for page in paginator.paginate(DBClusterIdentifier="prod", SnapshotType="manual") for s in page["DBClusterSnapshots"]]
    assert sorted(s["identifier"] for s in ours) == sorted(s["DBClusterSnapshotIdentifier"] for s in theirs)
    assert len(ours) == 45
    by_id = {s["DBClusterSnapshotIdentifier"]: s for s in theirs}
    sample = ours[0]
    expected = by_id[sample["identifier"]]
    assert sample["arn"] == expected["DBClusterSnapshotArn"]
    assert (sample["engine"], sample["status"], sample["isCluster"], sample["sourceIdentifier"]) == (
        "aurora-postgresql", expected["Status"], True, "prod")
    assert sample["createTimeEpochMilliseconds"] == int(expected["SnapshotCreateTime"].timestamp() * 1000)

    instance = ok(moto, "rds.describe-db-snapshots", {"instance": "prod-db", "pageSize": 20})
    automated = [s["identifier"] for s in instance if s["type"] == "automated"]
    assert len(automated) == 1  # moto, like RDS, takes one when the instance is created
    assert sorted(s["identifier"] for s in instance if s["type"] == "manual") == [f"prod-i-{i:02}" for i in range(45)]
    assert all(not s["isCluster"] and s["sourceIdentifier"] == "prod-db" for s in instance)


def test_one_page_and_its_marker(moto, databases):
    page = ok(moto, "rds.describe-db-snapshots-page", {"instance": "prod-db", "type": "manual", "pageSize": 20})
    assert len(page["items"]) == 20 and page["marker"]
    rest = ok(moto, "rds.describe-db-snapshots-page", {"instance": "prod-db", "type": "manual", "pageSize": 100, "marker": page["marker"]})
    assert len(rest["items"]) == 25 and rest.get("marker") is None
    status, error = call(moto, "rds.describe-db-snapshots-page", {"instance": "prod-db", "pageSize": 10})
    assert (status, error["code"]) == (1, "InvalidParameterValue")


def test_instances_and_clusters(moto, databases):
    instance = ok(moto, "rds.describe-db-instances", {"id": "prod-db"})[0]
    boto = databases.describe_db_instances(DBInstanceIdentifier="prod-db")["DBInstances"][0]
    assert (instance["identifier"], instance["engine"], instance["endpointAddress"], instance["endpointPort"]) == (
        "prod-db", "postgres", boto["Endpoint"]["Address"], boto["Endpoint"]["Port"])
    cluster = ok(moto, "rds.describe-db-clusters", {"id": "prod"})[0]
    assert (cluster["identifier"], cluster["engine"], cluster["endpoint"]) == (
        "prod", "aurora-postgresql", databases.describe_db_clusters(DBClusterIdentifier="prod")["DBClusters"][0]["Endpoint"])
    status, error = call(moto, "rds.describe-db-instances", {"id": "nope"})
    assert (status, error["code"]) == (1, "DBInstanceNotFound")


TEMPLATE = json.dumps({
    "Parameters": {"SnapshotIdentifier": {"Type": "String"}},
    "Resources": {"Current": {"Type": "AWS::SSM::Parameter",
                              "Properties": {"Name": "/sr/stack-current", "Type": "String", "Value": {"Ref": "SnapshotIdentifier"}}}},
    "Outputs": {"Snapshot": {"Value": {"Ref": "SnapshotIdentifier"}}},
})


def test_stack_create_update_no_change_delete(moto):
    cfn = moto.client("cloudformation")
    assert ok(moto, "cloudformation.describe-stack", {"name": "staging-db"}) is None
    stack_id = ok(moto, "cloudformation.create-stack", {"name": "staging-db", "template": TEMPLATE,
                                                         "parameters": {"SnapshotIdentifier": "snap-1"}})
    assert cfn.describe_stacks(StackName="staging-db")["Stacks"][0]["StackId"] == stack_id
    stack = ok(moto, "cloudformation.describe-stack", {"name": "staging-db"})
    assert (stack["status"], stack["parameters"], stack["outputs"]) == (
        "CREATE_COMPLETE", {"SnapshotIdentifier": "snap-1"}, {"Snapshot": "snap-1"})
    assert ok(moto, "cloudformation.update-stack", {"name": "staging-db", "template": TEMPLATE,
                                                     "parameters": {"SnapshotIdentifier": "snap-2"}}) == {"started": stack_id}
    assert moto.client("ssm").get_parameter(Name="/sr/stack-current")["Parameter"]["Value"] == "snap-2"
    assert ok(moto, "cloudformation.update-stack", {"name": "staging-db", "template": TEMPLATE,
                                                     "parameters": {"SnapshotIdentifier": "snap-2"}}) == {"noChanges": True}
    assert ok(moto, "cloudformation.delete-stack", {"name": "staging-db"}) == {"deleted": "staging-db"}
    assert cfn.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"] == "DELETE_COMPLETE"


def test_data_api_execute_statement_is_signed_and_parsed(moto):
    result = ok(moto, "rds-data.execute-statement", {
        "resourceArn": "arn:aws:rds:us-east-1:123456789012:cluster:prod", "secretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:x",
        "database": "app", "sql": "select 1"})
    assert set(result) <= {"records", "columnMetadata", "numberOfRecordsUpdated", "formattedRecords"}


def test_wrong_secret_is_a_typed_error_that_says_what_to_check(moto):
    status, error = call(moto, "ssm.get-parameter", {"name": "/sr/latest"}, env={"AWS_SECRET_ACCESS_KEY": "wrong"})
    assert (status, error["code"]) == (1, "SignatureDoesNotMatch")
    assert "HTTP 403" in error["message"] and "Check that AWS_SECRET_ACCESS_KEY belongs to the access key" in error["message"]
    status, error = call(moto, "rds.describe-db-clusters", {}, env={"AWS_ACCESS_KEY_ID": "AKIAUNKNOWN0000000000"})
    assert (status, error["code"]) == (1, "InvalidClientTokenId")
    assert "check AWS_ACCESS_KEY_ID" in error["message"]


def test_missing_credentials_name_the_variables(moto, tmp_path):
    environment = {k: v for k, v in moto.env().items() if not k.startswith("AWS_ACCESS") and not k.startswith("AWS_SECRET")}
    environment["HOME"] = str(tmp_path)
    result = subprocess.run([str(binary("aws-call")), "sts.get-caller-identity"], capture_output=True, env=environment, timeout=30)
    assert result.returncode == 1
    message = json.loads(result.stderr)["message"]
    assert "AWS_ACCESS_KEY_ID" in message and "AWS_SECRET_ACCESS_KEY" in message and "AWS_PROFILE" in message


def test_profile_credentials_from_the_shared_file(moto, tmp_path):
    (tmp_path / "credentials").write_text(
        f"[other]\naws_access_key_id = {moto.access_key_id}\naws_secret_access_key = {moto.secret_access_key}\n")
    environment = {k: v for k, v in moto.env().items() if not k.startswith("AWS_ACCESS") and not k.startswith("AWS_SECRET")}
    environment.update({"AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"), "AWS_PROFILE": "other",
                        "AWS_CONFIG_FILE": str(tmp_path / "none")})
    result = subprocess.run([str(binary("aws-call")), "sts.get-caller-identity"], capture_output=True, env=environment, timeout=30)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["account"] == "123456789012"


def doctor(environment):
    return subprocess.run([str(binary("bootstrap")), "doctor"], capture_output=True, env=environment, timeout=30, text=True)


def test_doctor_shows_where_calls_go_and_who_makes_them(moto):
    environment = moto.env()
    environment["AWS_ENDPOINT_URL_RDS_DATA"] = "http://127.0.0.1:9"
    result = doctor(environment)
    assert result.returncode == 0, result.stdout
    out = result.stdout
    assert "region:       us-east-1 (AWS_REGION)" in out
    assert f"environment (AWS_ACCESS_KEY_ID): access key {moto.access_key_id[:4]}…{moto.access_key_id[-4:]}" in out
    assert f"SSM             {moto.endpoint} (AWS_ENDPOINT_URL)" in out
    assert "RDS Data        http://127.0.0.1:9 (AWS_ENDPOINT_URL_RDS_DATA)" in out
    assert "caller:       arn:aws:iam::123456789012:user/staging-refresh (account 123456789012)" in out
    assert moto.secret_access_key not in out + result.stderr


def test_doctor_explains_a_wrong_secret(moto):
    environment = moto.env()
    environment["AWS_SECRET_ACCESS_KEY"] = "wrong-secret"
    result = doctor(environment)
    assert result.returncode == 1
    assert "SignatureDoesNotMatch" in result.stdout and "Check that AWS_SECRET_ACCESS_KEY" in result.stdout
    assert "wrong-secret" not in result.stdout + result.stderr


def test_container_credentials_endpoint(moto):
    """The third source in the chain, as ECS and Lambda SnapStart use it: a local endpoint that
    hands out keys when given the authorization token."""
    import http.server
    import threading

    seen_tokens = []

    class Credentials(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen_tokens.append(self.headers.get("Authorization"))
            body = json.dumps({"AccessKeyId": moto.access_key_id, "SecretAccessKey": moto.secret_access_key,
                               "Token": None, "Expiration": "2099-01-01T00:00:00Z"}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Credentials)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        environment = {k: v for k, v in moto.env().items() if not k.startswith("AWS_ACCESS") and not k.startswith("AWS_SECRET")}
        url = f"http://127.0.0.1:{server.server_port}/v2/credentials"
        environment.update({"AWS_CONTAINER_CREDENTIALS_FULL_URI": url, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "token-123",
                            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent"})
        result = doctor(environment)
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stdout
    assert f"credentials:  container endpoint {url}" in result.stdout
    assert seen_tokens == ["token-123"]
