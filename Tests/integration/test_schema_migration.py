"""schema-migration through the real Runtime API loop: moto's CloudFormation sends the custom-resource
event, bootstrap applies the migrations through the Data API emulator to real PostgreSQL and PUTs its
answer to moto, which moves the stack on. Update and Delete events (moto's CloudFormation sends none)
are built here with moto's cfnresponse URL; moto keeps every answer it receives, which the tests read
back."""
import json

import pytest

from harness.aws_fixtures import custom_resource_responses, pending_custom_resource_requests
from harness.data_api import DataAPIServer
from harness.moto_peer import MotoServer
from harness.postgres_peer import PostgresServer
from harness.runtime_api import Runtime, RuntimeEmulator

TOKEN = "arn:aws:lambda:us-east-1:123456789012:function:staging-refresh-schema-migration"


@pytest.fixture(scope="module")
def peers():
    with MotoServer() as moto, PostgresServer() as postgres:
        cluster = DataAPIServer.cluster_for(postgres)
        with DataAPIServer([cluster]) as api:
            yield moto, postgres, api, cluster


def run_handler(peers, event, timeout_seconds=60, env=None):
    """One invocation of schema-migration: (result dict, failed, logs)."""
    moto, _, api, _ = peers
    environment = moto.env()
    environment.update(api.env())
    environment.update(env or {})
    with RuntimeEmulator(timeout_seconds=timeout_seconds) as emulator:
        with Runtime(emulator, handler="schema-migration", env=environment) as runtime:
            status, body = emulator.invoke(json.dumps(event).encode(), timeout=timeout_seconds + 30)
            runtime.stop()
        failed = status != 200 or any(c["path"].endswith("/error") for c in emulator.calls())
    return json.loads(body), failed, runtime.logs


def properties(peers, database, directory, **extra):
    _, _, _, cluster = peers
    return {"ServiceToken": TOKEN, "ClusterArn": cluster["resourceArn"], "SecretArn": cluster["secretArn"],
            "Database": database, "Engine": "postgres", "MigrationsDir": str(directory), **extra}


STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/staging-db/5b7f0a50-1a2b-11ef-9c3d-0a1b2c3d4e5f"


def cr_request(peers, request_type, key, **fields):
    """A custom-resource event answered on moto's cfnresponse URL, for a stack moto does not hold."""
    url = f"{peers[0].endpoint}/cloudformation_us-east-1/cfnresponse?stack={STACK_ID}"
    return {"RequestType": request_type, "ResponseURL": url, "ServiceToken": TOKEN, "StackId": STACK_ID,
            "RequestId": f"request-{key}", "LogicalResourceId": "SchemaMigration", "ResourceType": "Custom::SchemaMigration", **fields}


def received_answer(peers, key):
    """The answer moto received for the request built with `key`, checked to carry an empty Content-Type."""
    answers = [a for a in custom_resource_responses(peers[0]) if a.get("RequestId") == f"request-{key}"]
    assert len(answers) == 1, answers
    assert answers[0].pop("_contentType") == ""
    return answers[0]


def test_a_stack_in_moto_completes_once_the_migrations_are_applied(peers, tmp_path):
    moto, postgres, _, _ = peers
    postgres.psql("-d", "postgres", "-c", "CREATE DATABASE app_cfn")
    (tmp_path / "V1__users.sql").write_text("CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);\n")
    (tmp_path / "V2__index.sql").write_text("-- look users up by email\nCREATE UNIQUE INDEX users_email ON users (email);\n")
    template = {"Resources": {"SchemaMigration": {"Type": "Custom::SchemaMigration", "Properties": properties(peers, "app_cfn", tmp_path)}},
                "Outputs": {"Version": {"Value": {"Fn::GetAtt": ["SchemaMigration", "CurrentVersion"]}},
                            "Migrations": {"Value": {"Fn::GetAtt": ["SchemaMigration", "Response"]}}}}
    cloudformation = moto.client("cloudformation")
    cloudformation.create_stack(StackName="migrations", TemplateBody=json.dumps(template))
    [event] = pending_custom_resource_requests(moto)
    assert cloudformation.describe_stacks(StackName="migrations")["Stacks"][0]["StackStatus"] == "CREATE_IN_PROGRESS"

    result, failed, logs = run_handler(peers, event)
    assert not failed, result
    assert result["Status"] == "SUCCESS", result
    assert result["Reason"] == "applied 2 migrations (V1..V2); database at V2"
    assert result["Data"] == {"AppliedCount": "2", "CurrentVersion": "2", "Response": result["Reason"]}
    stack = cloudformation.describe_stacks(StackName="migrations")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs == {"Version": "2", "Migrations": "applied 2 migrations (V1..V2); database at V2"}
    indexes = postgres.psql("-At", "-c", "SELECT indexname FROM pg_indexes WHERE tablename = 'users' ORDER BY 1", database="app_cfn")
    assert indexes.split() == ["users_email", "users_pkey"]
    # The pre-signed URL's query (its signature) never reaches a log line.
    assert "cfnresponse?stack" not in logs and event["ResponseURL"].split("?")[0] in logs


def test_re_runs_are_no_ops_and_the_physical_id_is_stable(peers, tmp_path):
    _, postgres, _, cluster = peers
    postgres.psql("-d", "postgres", "-c", "CREATE DATABASE app_rerun")
    (tmp_path / "V1__t.sql").write_text("CREATE TABLE t (a int);")
    props = properties(peers, "app_rerun", tmp_path)
    created, failed, _ = run_handler(peers, cr_request(peers, "Create", "rerun-create", ResourceProperties=props))
    assert not failed and created["Status"] == "SUCCESS"
    assert created["PhysicalResourceId"] == f"schema-migration:{cluster['resourceArn']}/app_rerun"
    assert received_answer(peers, "rerun-create") == created
    update = cr_request(peers, "Update", "rerun-update", ResourceProperties=props, OldResourceProperties=props,
                        PhysicalResourceId=created["PhysicalResourceId"])
    updated, failed, _ = run_handler(peers, update)
    assert (updated["Status"], updated["Reason"]) == ("SUCCESS", "no pending migrations; database at V1")
    assert updated["PhysicalResourceId"] == created["PhysicalResourceId"]
    assert received_answer(peers, "rerun-update")["Data"] == {"AppliedCount": "0", "CurrentVersion": "1",
                                                              "Response": "no pending migrations; database at V1"}


def test_a_failed_create_answers_failed_with_file_and_line_and_its_delete_succeeds(peers, tmp_path):
    moto, postgres, _, _ = peers
    postgres.psql("-d", "postgres", "-c", "CREATE DATABASE app_fail")
    (tmp_path / "V1__ok.sql").write_text("CREATE TABLE ok (a int);")
    (tmp_path / "V2__bad.sql").write_text("CREATE TABLE half (a int);\nSELECT * FROM nowhere;\n")
    template = {"Resources": {"SchemaMigration": {"Type": "Custom::SchemaMigration", "Properties": properties(peers, "app_fail", tmp_path)}}}
    cloudformation = moto.client("cloudformation")
    cloudformation.create_stack(StackName="failing-migrations", TemplateBody=json.dumps(template))
    [event] = pending_custom_resource_requests(moto)
    result, failed, _ = run_handler(peers, event)
    assert not failed, result  # the invocation itself succeeded: it answered FAILED
    assert result["Status"] == "FAILED"
    assert result["Reason"].startswith("V2__bad.sql:2: ") and 'relation "nowhere" does not exist' in result["Reason"]
    stack = cloudformation.describe_stacks(StackName="failing-migrations")["Stacks"][0]
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    tables = postgres.psql("-At", "-c", "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'", database="app_fail")
    assert tables.strip() == "ok,staging_refresh_schema_history"  # V2 rolled back whole

    delete = cr_request(peers, "Delete", "fail-delete", ResourceProperties=event["ResourceProperties"],
                        PhysicalResourceId=result["PhysicalResourceId"])
    deleted, failed, _ = run_handler(peers, delete)
    assert not failed and deleted["Status"] == "SUCCESS"
    assert received_answer(peers, "fail-delete")["PhysicalResourceId"] == result["PhysicalResourceId"]


def test_a_create_without_settings_still_answers(peers):
    result, failed, _ = run_handler(peers, cr_request(peers, "Create", "no-settings", ResourceProperties={"ServiceToken": TOKEN}))
    assert not failed and result["Status"] == "FAILED"
    assert "DB_CLUSTER_ARN (or the custom resource's ClusterArn) is not set" in result["Reason"]
    assert received_answer(peers, "no-settings")["Status"] == "FAILED"


def test_a_slow_migration_is_answered_failed_before_the_deadline(peers, tmp_path):
    _, postgres, _, _ = peers
    postgres.psql("-d", "postgres", "-c", "CREATE DATABASE app_slow")
    (tmp_path / "V1__slow.sql").write_text("CREATE TABLE slow (a int);\nSELECT pg_sleep(20);\n")
    event = cr_request(peers, "Create", "slow", ResourceProperties=properties(peers, "app_slow", tmp_path, DeadlineMarginSeconds="1"))
    result, failed, _ = run_handler(peers, event, timeout_seconds=3)
    assert not failed, result  # answered within the 3 s, not timed out
    assert result["Status"] == "FAILED"
    assert received_answer(peers, "slow")["Status"] == "FAILED"
    exists = postgres.psql("-At", "-c", "SELECT count(*) FROM staging_refresh_schema_history", database="app_slow")
    assert exists.strip() == "0"


def test_a_direct_invocation_returns_the_summary(peers, tmp_path):
    _, postgres, _, cluster = peers
    postgres.psql("-d", "postgres", "-c", "CREATE DATABASE app_direct")
    (tmp_path / "V1__a.sql").write_text("CREATE TABLE a (x int);")
    env = {"DB_CLUSTER_ARN": cluster["resourceArn"], "DB_SECRET_ARN": cluster["secretArn"], "DB_NAME": "app_direct",
           "DB_ENGINE": "postgres", "MIGRATIONS_DIR": str(tmp_path)}
    result, failed, _ = run_handler(peers, {"action": "migrate"}, env=env)
    assert not failed, result
    assert (result["appliedCount"], result["currentVersion"], result["message"]) == (1, "1", "applied 1 migration (V1); database at V1")
    bad, failed, _ = run_handler(peers, {"action": "drop"}, env=env)
    assert failed and bad["errorType"] == "Function.InvalidEvent"


def test_a_long_reason_is_cut_to_fit_4096_bytes_keeping_its_head(peers, tmp_path):
    _, postgres, _, _ = peers
    postgres.psql("-d", "postgres", "-c", "CREATE DATABASE app_long")
    (tmp_path / "V1__loud.sql").write_text("DO $$ BEGIN RAISE EXCEPTION 'boom %', repeat('x', 6000); END $$;\n")
    result, failed, _ = run_handler(peers, cr_request(peers, "Create", "long", ResourceProperties=properties(peers, "app_long", tmp_path)))
    answer = received_answer(peers, "long")
    assert not failed and answer["Status"] == "FAILED"
    assert answer["Reason"].startswith("V1__loud.sql:1: ") and "boom xxx" in answer["Reason"] and answer["Reason"].endswith("...")
    assert len(json.dumps(answer, separators=(",", ":")).encode()) <= 4096


def test_the_answer_is_retried_when_the_response_url_fails(peers):
    import urllib.request

    moto = peers[0]
    request = urllib.request.Request(moto.endpoint + "/moto-api/staging-refresh/cfnresponse-failures",
                                     data=json.dumps({"count": 2}).encode(), method="POST")
    urllib.request.urlopen(request, timeout=10).read()
    result, failed, logs = run_handler(peers, cr_request(peers, "Delete", "retried", PhysicalResourceId="schema-migration:x/y"))
    assert not failed and result["Status"] == "SUCCESS"
    assert received_answer(peers, "retried")["PhysicalResourceId"] == "schema-migration:x/y"
    assert logs.count("ResponseURL answered HTTP 503; retrying") == 2


def test_placeholders_and_naming_come_from_the_custom_resources_properties(peers, tmp_path):
    _, postgres, _, _ = peers
    postgres.psql("-d", "postgres", "-c", "CREATE DATABASE app_props")
    (tmp_path / "001_schema.sql").write_text("CREATE TABLE ${table} (id int, note text DEFAULT '${note}');")
    props = properties(peers, "app_props", tmp_path, MigrationNaming="plain",
                       Placeholders={"table": "audit", "note": "from the template"})
    answer, failed, _ = run_handler(peers, cr_request(peers, "Create", "props-create", ResourceProperties=props))
    assert not failed and answer["Status"] == "SUCCESS", answer
    assert answer["Data"]["Response"] == "applied 1 file (001_schema.sql); 1 file applied in all"
    postgres.psql("-c", "INSERT INTO audit (id) VALUES (1)", database="app_props")
    assert postgres.psql("-At", "-c", "SELECT note FROM audit", database="app_props").strip() == "from the template"

    # A value missing from the property: FAILED, naming the file, line and placeholder; nothing ran.
    (tmp_path / "002_more.sql").write_text("\nCREATE TABLE more_${missing} (id int);")
    answer, _, _ = run_handler(peers, cr_request(peers, "Update", "props-update", ResourceProperties=props, OldResourceProperties=props,
                                                 PhysicalResourceId="schema-migration:x"))
    assert answer["Status"] == "FAILED" and answer["Reason"].startswith("002_more.sql:2: ${missing} has no value"), answer
