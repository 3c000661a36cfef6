"""Sanitization as template.yml deploys it, in moto's CloudFormation with our handlers answering: the staging
cluster starts in a security group without ingress and gets the app's groups only after Custom::Sanitize
and Custom::SchemaMigration succeeded (a failed masking leaves it closed and the stack rolled back); a run
longer than one invocation hands on to new asynchronous invocations of itself and answers once; a run that
would outlast CloudFormation's wait answers FAILED instead of leaving the stack waiting."""
import json
import pathlib
import time
import zipfile

import pytest

from harness.aws_fixtures import custom_resource_responses, lambda_invocations, pending_custom_resource_requests
from harness.build import binary
from harness.data_api import DataAPIServer
from harness.moto_peer import MotoServer
from harness.postgres_peer import PostgresServer
from harness.staging_stack import StagingStack, answer_custom_resources, create_production

SAMPLES = pathlib.Path(__file__).resolve().parents[2] / "tools" / "sample-migrations"
INCOMPLETE = {"tables": {"orders": {"total_cents": "keep"}}}


@pytest.fixture(scope="module")
def peers(tmp_path_factory):
    layer = tmp_path_factory.mktemp("layer") / "migrations-layer.zip"
    with zipfile.ZipFile(layer, "w") as archive:
        for path in sorted(SAMPLES.glob("*.sql")) + [SAMPLES / "masking.json"]:
            archive.write(path, f"migrations/{path.name}")
        archive.writestr("migrations/masking-incomplete.json", json.dumps(INCOMPLETE))
        archive.writestr("migrations/masking-slow.json", json.dumps({"tables": {"accounts": {"email": "email"}}, "chunkRows": 10}))
    with MotoServer() as moto, PostgresServer(database="app") as postgres, \
            DataAPIServer([], credentials={moto.access_key_id: moto.secret_access_key}) as api:
        snapshots = create_production(moto)
        yield moto, postgres, api, layer, snapshots[1]


def seed(postgres, database, accounts):
    """Production's data as a snapshot brings it: V1 and V2 applied (BaselineVersion=2), with customers."""
    postgres.psql("-d", "postgres", "-c", f"CREATE DATABASE {database}")
    for name in ("V1__accounts.sql", "V2__orders.sql"):
        postgres.psql("-f", str(SAMPLES / name), database=database)
    postgres.psql("-c", f"INSERT INTO accounts (email) SELECT 'customer' || n || '@real.example' FROM generate_series(1, {accounts}) n; "
                  "INSERT INTO orders (account_id, total_cents) SELECT id, 100 FROM accounts", database=database)


def groups(moto, stack):
    cluster = stack.resources()["StagingCluster"]["PhysicalResourceId"]
    found = moto.client("rds").describe_db_clusters(DBClusterIdentifier=cluster)["DBClusters"][0]
    return [g["VpcSecurityGroupId"] for g in found["VpcSecurityGroups"]]


def deploy(moto, layer, name, database, spec, snapshot):
    app = moto.client("ec2").create_security_group(GroupName=f"{name}-app", Description="the app")["GroupId"]
    stack = StagingStack(moto, binary("bootstrap"), layer_zip=layer, name=name)
    created = stack.deploy(**stack.prepare(), **stack.snapshot_parameters(snapshot, "app"), DatabaseName=database,
                           MaskingSpec=spec, SecurityGroupIds=app, BaselineVersion="2")
    assert created["StackStatus"] == "CREATE_IN_PROGRESS", created
    return stack, app


def test_the_staging_db_is_closed_until_masked_and_migrated(peers):
    moto, postgres, api, layer, snapshot = peers
    seed(postgres, "app_gate", 25)
    stack, app = deploy(moto, layer, "sr-gate", "app_gate", "masking.json", snapshot)
    closed = stack.resources()["ClosedSecurityGroup"]["PhysicalResourceId"]
    assert groups(moto, stack) == [closed]
    rules = moto.client("ec2").describe_security_groups(GroupIds=[closed])["SecurityGroups"][0]["IpPermissions"]
    assert rules == []  # no ingress: only the Data API reaches the cluster

    order = []
    for expected in ("Custom::Sanitize", "Custom::SchemaMigration", "Custom::StagingAccess"):
        answers = answer_custom_resources(stack, api, postgres)
        assert [event["ResourceType"] for event, _, _ in answers] == [expected]  # one at a time, in dependency order
        [(event, _, failed)] = answers
        reply = custom_resource_responses(moto)[-1]
        assert (reply["RequestId"], reply["Status"], failed) == (event["RequestId"], "SUCCESS", False), reply
        order.append((expected, groups(moto, stack)))
    assert order[0] == ("Custom::Sanitize", [closed]) and order[1] == ("Custom::SchemaMigration", [closed])
    assert order[2] == ("Custom::StagingAccess", [app])
    assert stack.describe()["StackStatus"] == "CREATE_COMPLETE"
    assert "masked 1 column in 1 table (25 rows)" in stack.output("SanitizeResponse")
    emails = postgres.psql("-At", "-c", "SELECT email FROM accounts ORDER BY id", database="app_gate").split()
    # Masked by the spec, then V3's trigger re-masks with its own function: no real address is left.
    assert len(emails) == 25 and not any("real.example" in e for e in emails)


def test_a_failed_masking_leaves_the_db_closed_and_rolls_back(peers):
    moto, postgres, api, layer, snapshot = peers
    seed(postgres, "app_fail", 5)
    stack, app = deploy(moto, layer, "sr-fail", "app_fail", "masking-incomplete.json", snapshot)
    closed = stack.resources()["ClosedSecurityGroup"]["PhysicalResourceId"]
    cluster_groups = groups(moto, stack)
    [(event, _, _)] = answer_custom_resources(stack, api, postgres, until_none_left=True)
    reply = custom_resource_responses(moto)[-1]
    assert event["ResourceType"] == "Custom::Sanitize" and reply["Status"] == "FAILED"
    assert "accounts.email" in reply["Reason"] and "deny by default" in reply["Reason"]
    assert pending_custom_resource_requests(moto) == []  # migrations and access never asked
    assert cluster_groups == [closed] and app not in cluster_groups
    assert stack.describe()["StackStatus"] == "ROLLBACK_COMPLETE"
    assert postgres.psql("-At", "-c", "SELECT count(*) FROM accounts WHERE email LIKE '%real.example'", database="app_fail").strip() == "5"


def test_a_long_masking_continues_in_new_invocations_and_answers_once(peers):
    moto, postgres, api, layer, snapshot = peers
    seed(postgres, "app_slow", 40)
    stack, app = deploy(moto, layer, "sr-slow", "app_slow", "masking-slow.json", snapshot)
    [event] = pending_custom_resource_requests(moto)
    entry = DataAPIServer.cluster_for(postgres)
    entry.update(resourceArn=event["ResourceProperties"]["ClusterArn"], secretArn=event["ResourceProperties"]["SecretArn"])
    api.add_cluster(entry)
    with zipfile.ZipFile(layer) as archive, __import__("tempfile").TemporaryDirectory() as opt:
        archive.extractall(opt)
        # 7 s per invocation and 6 s of margin: each invocation masks one chunk of 10 rows, then hands on.
        env = {"AWS_ENDPOINT_URL_RDS_DATA": api.endpoint, "MIGRATIONS_DIR": f"{opt}/migrations", "SANITIZE_DEADLINE_MARGIN_SECONDS": "6"}
        queue, runs = [event], 0
        while queue:
            result, failed = stack.invoke("sanitize", queue.pop(0), env=env, timeout_seconds=7)
            assert not failed, result
            runs += 1
            handed = lambda_invocations(moto)
            assert all(i["function"] == stack.function_name("sanitize") for i in handed)
            queue += [i["payload"] for i in handed]
            assert runs < 20
        answers = [r for r in custom_resource_responses(moto) if r["RequestId"] == event["RequestId"]]
        assert runs >= 4 and len(answers) == 1, (runs, answers)
        assert answers[0]["Status"] == "SUCCESS" and answers[0]["Data"]["Rows"] == "40", answers[0]
        assert answers[0]["Data"]["Table.accounts"].startswith("rows=40, chunks=4,"), answers[0]["Data"]

        # A continuation that would end after CloudFormation stops waiting answers FAILED now.
        seed(postgres, "app_late", 40)
        late = json.loads(json.dumps(event))
        late["RequestId"] = "late-request"
        late["ResourceProperties"]["Database"] = "app_late"
        late["StagingRefreshContinuation"] = {"startedAt": int(time.time() * 1000) - 3_590_000, "invocation": 3}
        result, failed = stack.invoke("sanitize", late, env=env, timeout_seconds=7)
        [answer] = [r for r in custom_resource_responses(moto) if r["RequestId"] == "late-request"]
        assert answer["Status"] == "FAILED" and "ServiceTimeout" in answer["Reason"], answer
        assert lambda_invocations(moto) == []
