"""`make run`: the whole refresh cycle on this machine, on embedded defaults, with a readable timeline.

moto_server (signature checking on) stands in for AWS, PostgreSQL 15 behind the Data API emulator for the
staging database, and the Runtime API emulator for Lambda. The functions are the packaged binary
(dist/bootstrap) with the Handler and environment template.yml gives them in moto's Lambda.

1. production: an Aurora cluster with nightly snapshots in moto;
2. template.yml deployed as a stack (no staging database yet: SnapshotIdentifier is empty);
3. update-latest-snapshot-id on its schedule's event: the newest usable snapshot into SSM;
4. restore-from-snapshot: latest copied to current, and the stack updated to restore from it, which has
   CloudFormation restore the cluster, point the CNAME at it and ask Custom::SchemaMigration to migrate;
5. schema-migration answers that request by applying tools/sample-migrations through the Data API;
6. a scheduled run that fails, ending as a message on the failure topic;
7. clone mode: a second stack (RefreshMethod=clone) whose staging cluster is a copy-on-write clone of
   production as of its latest restorable time, migrated and behind its own CNAME;
8. a developer's own clone: bootstrap clone create --wait, list, delete --wait;
9. sanitization (MaskingSpec=masking.json): a third stack whose staging DB arrives with production's
   customers, stays closed while Custom::Sanitize masks and verifies it and the migrations run, and is
   opened to the app's security group only then;
10. in place (refresh-in-place): a staging primary and its replica that this project does not own are
   swapped for a copy of production under their own names, followed with {"follow": true} to the end.
Everything started is stopped at the end, whatever happened.
"""
import json
import os
import pathlib
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "Tests" / "support"))

from harness.aws_fixtures import custom_resource_responses  # noqa: E402
from harness.data_api import DataAPIServer  # noqa: E402
from harness.moto_peer import MotoServer  # noqa: E402
from harness.postgres_peer import PostgresServer  # noqa: E402
from harness.staging_stack import PRODUCTION, StagingStack, answer_custom_resources, create_production  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
SCHEDULED_EVENT = {"version": "0", "id": "3f3c2a52-cc1d-4a8b-9a06-7a1f0e0c2d11", "detail-type": "Scheduled Event",
                   "source": "aws.events", "account": "123456789012", "time": "2026-12-01T02:00:00Z", "region": "us-east-1",
                   "resources": ["arn:aws:events:us-east-1:123456789012:rule/staging-refresh-latest"], "detail": {}}
STARTED = time.monotonic()


def step(text, since=None):
    took = f" ({(time.monotonic() - since) * 1000:,.0f} ms)" if since is not None else ""
    print(f"[{time.monotonic() - STARTED:6.2f}s] {text}{took}", flush=True)


def detail(text):
    print(f"           {text}", flush=True)


class CycleFailed(Exception):
    pass


def invoke(stack, handler, event, **kwargs):
    began = time.monotonic()
    logs = []
    result, failed = stack.invoke(handler, event, logs=logs, **kwargs)
    for line in logs:
        detail(f"log: {line}")
    if failed:
        raise CycleFailed(f"{handler} failed: {result.get('errorType')}: {result.get('errorMessage')}")
    return result, began


def cycle(moto, postgres, api):
    began = time.monotonic()
    snapshots = create_production(moto)
    step(f"production: Aurora cluster {PRODUCTION} (aurora-postgresql 15.4) with snapshots", began)
    for name in snapshots:
        info = moto.client("rds").describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=name)["DBClusterSnapshots"][0]
        detail(f"{name}  {info['Status']:9}  taken {info['SnapshotCreateTime']:%Y-%m-%d %H:%M} UTC")

    began = time.monotonic()
    stack = StagingStack(moto, DIST / "bootstrap", layer_zip=DIST / "migrations-layer.zip", code_zip=DIST / "bootstrap.zip")
    parameters = stack.prepare()
    created = stack.deploy(**parameters)
    step(f"deployed template.yml as stack {stack.name}: {created['StackStatus']}", began)
    for logical, resource in sorted(stack.resources().items()):
        detail(f"{resource['ResourceType']:30} {logical}")
    if created["StackStatus"] != "CREATE_COMPLETE":
        raise CycleFailed(f"stack {stack.name} is {created['StackStatus']}: {created.get('StackStatusReason')}")

    latest, began = invoke(stack, "update-latest-snapshot-id", SCHEDULED_EVENT)
    step(f"update-latest-snapshot-id: latest = {latest['snapshot']} (taken {latest['snapshotCreateTime']}, "
         f"changed: {latest['changed']})", began)

    restore, began = invoke(stack, "restore-from-snapshot", SCHEDULED_EVENT)
    step(f"restore-from-snapshot: current = {restore['snapshot']}; stack {restore.get('stackName')} {restore.get('stackAction')}", began)
    status = stack.describe()["StackStatus"]
    cluster = stack.resources().get("StagingCluster", {}).get("PhysicalResourceId")
    detail(f"CloudFormation: stack {status}; restored cluster {cluster} from {restore['snapshot']}")

    began = time.monotonic()
    logs = []
    answers = answer_custom_resources(stack, api, postgres, logs=logs)
    for line in logs:
        detail(f"log: {line}")
    if not answers:
        raise CycleFailed("CloudFormation sent no Custom::SchemaMigration request")
    received = {answer["RequestId"]: answer for answer in custom_resource_responses(moto)}
    for event, result, failed in answers:
        answer = received.get(event["RequestId"])
        if answer is None:
            raise CycleFailed(f"schema-migration did not answer {event['RequestType']} request {event['RequestId']}")
        step(f"schema-migration ({event['RequestType']} of {event['LogicalResourceId']}): {answer['Status']}: {answer.get('Reason')}", began)
        if failed or answer["Status"] != "SUCCESS":
            raise CycleFailed(f"the migration failed: {answer.get('Reason')}")
    final = stack.describe()
    step(f"stack {stack.name}: {final['StackStatus']}")

    ssm = moto.client("ssm")
    values = {name: ssm.get_parameter(Name=f"/staging-refresh/{name}")["Parameter"]["Value"]
              for name in ("latest-snapshot-id", "current-snapshot-id")}
    record = stack.record()
    applied = postgres.psql("-At", "-c", "SELECT 'V' || version || ' ' || description FROM staging_refresh_schema_history ORDER BY applied_at",
                            database="app").split("\n")
    print("\nsummary", flush=True)
    detail(f"snapshot chosen:     {latest['snapshot']}")
    for name, value in values.items():
        detail(f"SSM /staging-refresh/{name}: {value}")
    detail(f"stack:               {stack.name} {final['StackStatus']} (SnapshotIdentifier = {restore['snapshot']})")
    detail(f"CNAME:               {record[0]} → {record[1]}" if record else "CNAME:               none")
    detail(f"staging DB secret:   {stack.output('StagingSecretArn')} (RDS-managed; user {stack.output('StagingMasterUsername')})")
    detail(f"migrations applied:  {', '.join(line for line in applied if line)}")
    if final["StackStatus"] != "UPDATE_COMPLETE" or values["current-snapshot-id"] != latest["snapshot"] or not record:
        raise CycleFailed("the cycle did not end with the stack updated, current = latest and a CNAME")
    failure_path(stack)
    clone_cycle(moto, postgres, api)
    masked_cycle(moto, postgres, api, latest["snapshot"])
    in_place_cycle(moto)


def in_place_cycle(moto):
    """refresh-in-place on RDS instances that another tool owns, the way a laptop runs it: start and follow."""
    from harness.aws_fixtures import moto_control

    began = time.monotonic()
    rds = moto.client("rds")
    rds.create_db_instance(DBInstanceIdentifier="prod-db", Engine="postgres", DBInstanceClass="db.r6g.large", MasterUsername="app",
                           MasterUserPassword="not-a-secret-prod", AllocatedStorage=100, BackupRetentionPeriod=7)
    rds.create_db_instance(DBInstanceIdentifier="legacy-staging", Engine="postgres", DBInstanceClass="db.t4g.medium", MasterUsername="app",
                           MasterUserPassword="not-a-secret-stg", AllocatedStorage=20, BackupRetentionPeriod=1,
                           PreferredMaintenanceWindow="sun:05:00-sun:06:00", Tags=[{"Key": "owner", "Value": "terraform"}])
    rds.create_db_instance_read_replica(DBInstanceIdentifier="legacy-staging-r1", SourceDBInstanceIdentifier="legacy-staging",
                                        DBInstanceClass="db.t4g.small")
    moto_control(moto, "rds-transitions", {"describes": 2})  # RDS takes a while for each change; moto does not
    step("in place: prod-db (postgres) and legacy-staging with its replica legacy-staging-r1 (owned by Terraform)", began)
    environment = {"PATH": os.environ["PATH"], **moto.env(), "SOURCE_DB_IDENTIFIER": "prod-db", "TARGET_DB_IDENTIFIER": "legacy-staging",
                   "SWAP_METHOD": "replica", "IN_PLACE_POLL_SECONDS": "0"}
    began = time.monotonic()
    plan = subprocess.run([str(DIST / "bootstrap"), "invoke", "refresh-in-place", "--event", "-"], input='{"plan": true}',
                          env=environment, capture_output=True, text=True, timeout=120)
    steps = json.loads(plan.stdout)["steps"] if plan.returncode == 0 else []
    step(f"flight plan: {len(steps)} steps", began)
    for line in steps:
        detail(line if len(line) < 150 else line[:147] + "...")
    began = time.monotonic()
    result = subprocess.run([str(DIST / "bootstrap"), "invoke", "refresh-in-place", "--event", "-"], input='{"start": true, "follow": true}',
                            env=environment, capture_output=True, text=True, timeout=300)
    for line in result.stderr.splitlines():
        if "refresh-in-place r" in line and "now waiting for" in line:
            detail(line.split("\t")[-1])
    outcome = json.loads(result.stdout) if result.returncode == 0 else {"state": "failed", "reason": result.stderr[-500:]}
    step(f"refresh-in-place {outcome.get('run', '')}: {outcome['state']}", began)
    instances = {i["DBInstanceIdentifier"]: i for i in rds.describe_db_instances()["DBInstances"]}
    for name in ("legacy-staging", "legacy-staging-r1"):
        node = instances.get(name, {})
        detail(f"{name}: {node.get('DBInstanceStatus')}, {node.get('AllocatedStorage')} GB (production's), source "
               f"{node.get('ReadReplicaSourceDBInstanceIdentifier') or '-'}, class {node.get('DBInstanceClass')}")
    leftovers = [name for name in instances if name.startswith(("temp-", "old-"))]
    if outcome["state"] != "done" or leftovers or instances.get("legacy-staging", {}).get("AllocatedStorage") != 100:
        raise CycleFailed(f"the in-place refresh did not end with the copy under the target's names: {outcome}, left: {leftovers}")


def masked_cycle(moto, postgres, api, snapshot):
    """MaskingSpec: the staging DB is masked before anyone can connect, then migrated, then opened."""
    began = time.monotonic()
    database = "app_masked"
    samples = ROOT / "tools" / "sample-migrations"
    # What the restore brings: production's schema at V2 (BaselineVersion=2) and its customers.
    postgres.psql("-d", "postgres", "-c", f"CREATE DATABASE {database}")
    for name in ("V1__accounts.sql", "V2__orders.sql"):
        postgres.psql("-f", str(samples / name), database=database)
    postgres.psql("-c", "INSERT INTO accounts (email) SELECT 'customer' || n || '@real.example' FROM generate_series(1, 1000) n; "
                  "INSERT INTO orders (account_id, total_cents) SELECT id, 100 * id FROM accounts", database=database)
    app = moto.client("ec2").create_security_group(GroupName="staging-app", Description="the app servers")["GroupId"]
    stack = StagingStack(moto, DIST / "bootstrap", layer_zip=DIST / "migrations-layer.zip", code_zip=DIST / "bootstrap.zip",
                         name="staging-refresh-masked")
    created = stack.deploy(**stack.prepare(), **stack.snapshot_parameters(snapshot, "app"), ParameterPrefix="/staging-refresh-masked",
                           DatabaseName=database, MaskingSpec="masking.json", SecurityGroupIds=app, BaselineVersion="2")
    step(f"sanitization: deployed stack {stack.name} (MaskingSpec=masking.json, SecurityGroupIds={app}): {created['StackStatus']}", began)
    cluster = stack.resources()["StagingCluster"]["PhysicalResourceId"]
    rds = moto.client("rds")

    def groups():
        found = rds.describe_db_clusters(DBClusterIdentifier=cluster)["DBClusters"][0]["VpcSecurityGroups"]
        return ", ".join(g["VpcSecurityGroupId"] for g in found)

    closed = stack.resources()["ClosedSecurityGroup"]["PhysicalResourceId"]
    detail(f"cluster {cluster} restored in {groups()} (ClosedSecurityGroup {closed}: no ingress rule)")
    detail(f"before: {postgres.psql('-At', '-c', 'SELECT email FROM accounts ORDER BY id LIMIT 2', database=database).split()}")
    began = time.monotonic()
    # One round at a time: CloudFormation hands each custom resource its event once those it depends on answered.
    while answers := answer_custom_resources(stack, api, postgres, logs=(logs := [])):
        received = {answer["RequestId"]: answer for answer in custom_resource_responses(moto)}
        for line in logs:
            if "\tsanitize: " in line:
                detail(f"log: {line.split(chr(9))[-1]}")
        for event, _, failed in answers:
            answer = received.get(event["RequestId"], {})
            step(f"{event['ResourceType']}: {answer.get('Status')}: {answer.get('Reason')}", began)
            detail(f"cluster's security groups now: {groups()}")
            if failed or answer.get("Status") != "SUCCESS":
                raise CycleFailed(f"{event['ResourceType']} failed: {answer.get('Reason')}")
            began = time.monotonic()
    final = stack.describe()["StackStatus"]
    detail(f"after:  {postgres.psql('-At', '-c', 'SELECT email FROM accounts ORDER BY id LIMIT 2', database=database).split()}")
    detail(f"SanitizeResponse: {stack.output('SanitizeResponse')}")
    detail(f"stack:  {stack.name} {final}")
    if final != "CREATE_COMPLETE" or groups() != app:
        raise CycleFailed("the sanitization cycle did not end with the stack complete and the cluster opened to the app's group")


def clone_cycle(moto, postgres, api):
    """RefreshMethod clone: a second stack whose staging cluster is a copy-on-write clone of production
    as of its latest restorable time, migrated and behind its own CNAME."""
    began = time.monotonic()
    rds = moto.client("rds")
    rds.create_db_instance(DBInstanceIdentifier=f"{PRODUCTION}-1", DBClusterIdentifier=PRODUCTION, Engine="aurora-postgresql",
                           DBInstanceClass="db.r6g.large")  # Aurora clones only a cluster with an instance
    postgres.psql("-d", "postgres", "-c", "CREATE DATABASE app_clone")
    stack = StagingStack(moto, DIST / "bootstrap", layer_zip=DIST / "migrations-layer.zip", code_zip=DIST / "bootstrap.zip",
                         name="staging-refresh-clone")
    created = stack.deploy(**stack.prepare(), RefreshMethod="clone", ParameterPrefix="/staging-refresh-clone", DatabaseName="app_clone")
    step(f"clone mode: deployed template.yml as stack {stack.name} (RefreshMethod=clone): {created['StackStatus']}", began)
    latest, began = invoke(stack, "update-latest-snapshot-id", SCHEDULED_EVENT)
    step(f"update-latest-snapshot-id: {PRODUCTION} is clonable; latest restorable time {latest['restoreTime']}", began)
    restore, began = invoke(stack, "restore-from-snapshot", SCHEDULED_EVENT)
    step(f"restore-from-snapshot: RestoreTime = {restore['snapshot']}; stack {restore.get('stackAction')}", began)
    began = time.monotonic()
    answers = answer_custom_resources(stack, api, postgres)
    received = {answer["RequestId"]: answer for answer in custom_resource_responses(moto)}
    for event, _, failed in answers:
        answer = received.get(event["RequestId"], {})
        step(f"schema-migration on the clone: {answer.get('Status')}: {answer.get('Reason')}", began)
        if failed or answer.get("Status") != "SUCCESS":
            raise CycleFailed(f"the clone's migration failed: {answer.get('Reason')}")
    clone = rds.describe_db_clusters(DBClusterIdentifier=stack.resources()["StagingCluster"]["PhysicalResourceId"])["DBClusters"][0]
    record = stack.record()
    final = stack.describe()["StackStatus"]
    detail(f"clone:               {clone['DBClusterIdentifier']} (copy-on-write of {PRODUCTION} at {restore['snapshot']})")
    detail(f"CNAME:               {record[0]} → {record[1]}" if record else "CNAME:               none")
    detail(f"stack:               {stack.name} {final}")
    if final != "UPDATE_COMPLETE" or not record or record[1] != clone["Endpoint"]:
        raise CycleFailed("the clone cycle did not end with the stack updated and the CNAME on the clone")
    developer_clone(moto)


def developer_clone(moto):
    """A developer's own clone with `bootstrap clone`, as they would run it with their credentials."""
    began = time.monotonic()
    environment = {"PATH": os.environ["PATH"], **moto.env(), "SOURCE_DB_CLUSTER_IDENTIFIER": PRODUCTION, "ENGINE": "aurora-postgresql",
                   "CLONE_TEMPLATE": str(ROOT / "templates" / "clone.yml"), "CLONE_POLL_SECONDS": "0"}
    for arguments in (["create", "alice-bugfix", "--ttl", "8h", "--wait"], ["list"], ["delete", "alice-bugfix", "--wait"]):
        result = subprocess.run([str(DIST / "bootstrap"), "clone", *arguments], env=environment, capture_output=True, text=True, timeout=120)
        step(f"bootstrap clone {' '.join(arguments)}: exit {result.returncode}", began)
        for line in (result.stdout + result.stderr).splitlines():
            detail(line)
        if result.returncode != 0:
            raise CycleFailed(f"bootstrap clone {arguments[0]} failed: {result.stderr.strip()}")
        began = time.monotonic()


def failure_path(stack):
    """A scheduled run that fails ends as a message on the stack's failure topic, as someone
    subscribed to it (here an SQS queue) receives it."""
    began = time.monotonic()
    topic = stack.output("FailureTopicArn")
    sqs = stack.moto.client("sqs")
    queue = sqs.create_queue(QueueName="staging-refresh-failures")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    stack.moto.client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
    result, failed, _ = stack.invoke_async("restore-from-snapshot", {"snapshot": "prod-cluster-no-such-snapshot"})
    if not failed:
        raise CycleFailed("restore-from-snapshot accepted a snapshot that does not exist")
    messages = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=2).get("Messages", [])
    if not messages:
        raise CycleFailed(f"nothing arrived on the failure topic {topic}")
    record = json.loads(messages[0]["Body"])
    step(f"a failing run (restore-from-snapshot of a snapshot that does not exist) after "
         f"{record['requestContext']['approximateInvokeCount']} attempts: on the failure topic", began)
    detail(f"topic:   {topic}")
    detail(f"message: {record['requestContext']['condition']}: {record['responsePayload']['errorType']}: "
           f"{record['responsePayload']['errorMessage'][:120]}")


def main():
    if not (DIST / "bootstrap.zip").exists():
        print("dist/bootstrap.zip is missing: run 'make run' (it packages first)", file=sys.stderr)
        return 2
    began = time.monotonic()
    try:
        # The Data API emulator accepts moto's key, so each function has one set of credentials, as on AWS.
        with MotoServer() as moto, PostgresServer(database="app") as postgres, \
                DataAPIServer([], credentials={moto.access_key_id: moto.secret_access_key}) as api:
            step(f"peers: moto_server {moto.endpoint} (signatures checked), PostgreSQL 15 on {postgres.host}:{postgres.port}, "
                 f"Data API emulator {api.endpoint}", began)
            cycle(moto, postgres, api)
    except CycleFailed as error:
        step(f"FAILED: {error}")
        return 1
    step("stopped moto_server, PostgreSQL and the Data API emulator")
    return 0


if __name__ == "__main__":
    sys.exit(main())
