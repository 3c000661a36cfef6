"""template.yml deployed into moto and run the way Lambda runs it, for its tests and `make run`.

- `create_production(moto)`: the "production" Aurora cluster with snapshots of known ages.
- `StagingStack`: uploads the two zips, deploys template.yml with the parameters a user would give,
  and runs a deployed function through the Runtime API loop with the configuration moto's Lambda holds
  for it (its Handler and environment, exactly as the template set them).
- `answer_custom_resources`: hands moto's pending custom-resource events (SchemaMigration, Sanitize,
  StagingAccess) to their functions in CloudFormation's order, with the Data API emulator serving the
  cluster CloudFormation made and the layer unpacked where Lambda would mount it.
"""
import hashlib
import json
import pathlib
import tempfile
import zipfile
from datetime import datetime, timedelta, timezone

from .aws_fixtures import lambda_invocations, moto_control, pending_custom_resource_requests
from .data_api import DataAPIServer
from .refresh import invoke
from .snapshot_fixtures import set_snapshot

ROOT = pathlib.Path(__file__).resolve().parents[3]
TEMPLATE = ROOT / "template.yml"
BUCKET, CODE_KEY, LAYER_KEY = "staging-refresh-artifacts", "staging-refresh/bootstrap.zip", "staging-refresh/migrations-layer.zip"
PRODUCTION = "prod-cluster"
ZONE = "staging.internal"


def create_production(moto, now=None):
    """prod-cluster (aurora-postgresql 15.4) with two nightly snapshots and one still being taken.
    Returns the snapshot identifiers, oldest first."""
    now = now or datetime.now(timezone.utc).replace(microsecond=0)
    rds = moto.client("rds")
    rds.create_db_cluster(DBClusterIdentifier=PRODUCTION, Engine="aurora-postgresql", EngineVersion="15.4",
                          MasterUsername="app", MasterUserPassword="not-a-secret-prod")
    # moto, like RDS, takes an automated snapshot when a cluster is created: make it the oldest.
    for initial in rds.describe_db_cluster_snapshots(DBClusterIdentifier=PRODUCTION)["DBClusterSnapshots"]:
        set_snapshot(moto, initial["DBClusterSnapshotIdentifier"], cluster=True, createTime=now - timedelta(days=3, hours=1))
    names = []
    for days_ago, status in ((2, "available"), (1, "available"), (0, "creating")):
        taken = now - timedelta(days=days_ago, hours=1)
        name = f"{PRODUCTION}-{taken:%Y-%m-%d-%H-%M}"
        rds.create_db_cluster_snapshot(DBClusterIdentifier=PRODUCTION, DBClusterSnapshotIdentifier=name)
        set_snapshot(moto, name, cluster=True, createTime=taken, status=status, snapshotType="automated")
        names.append(name)
    return names


class StagingStack:
    def __init__(self, moto, bootstrap, layer_zip, code_zip=None, name="staging-refresh"):
        self.moto, self.bootstrap, self.name = moto, pathlib.Path(bootstrap), name
        self.code_zip, self.layer_zip = code_zip, pathlib.Path(layer_zip)
        self.parameters = {}

    def prepare(self):
        """The bucket with the zips and the hosted zone. Returns the parameters template.yml needs for
        them. The migrations sign in with the staging DB's own RDS-managed secret."""
        s3 = self.moto.client("s3")
        if BUCKET not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:  # a second stack shares the artifacts
            s3.create_bucket(Bucket=BUCKET)
        code = pathlib.Path(self.code_zip) if self.code_zip else None
        if code is None:  # a zip of the binary under test, as make package would lay it out
            code = pathlib.Path(tempfile.mkdtemp(prefix="staging-refresh-code-")) / "bootstrap.zip"
            with zipfile.ZipFile(code, "w") as archive:
                archive.write(self.bootstrap, "bootstrap")
        s3.upload_file(str(code), BUCKET, CODE_KEY)
        s3.upload_file(str(self.layer_zip), BUCKET, LAYER_KEY)
        zone = self.moto.client("route53").create_hosted_zone(Name=ZONE, CallerReference=self.name)
        return {"HostedZoneId": zone["HostedZone"]["Id"].split("/")[-1], "RecordName": f"db.{ZONE}",
                "CodeS3Bucket": BUCKET, "CodeS3Key": CODE_KEY, "LayerS3Key": LAYER_KEY}

    def override_secret(self, user, password):
        """A secret of a staging DB user made by hand, for DatabaseSecretArn."""
        secret = self.moto.client("secretsmanager").create_secret(
            Name="staging-db-user", SecretString=json.dumps({"username": user, "password": password}))
        return {"DatabaseSecretArn": secret["ARN"]}

    @staticmethod
    def snapshot_parameters(snapshot, master_username=None):
        """The parameters restore-from-snapshot sets with a snapshot (StackParameters.swift)."""
        generation = hashlib.sha256(snapshot.encode()).hexdigest()[:12]
        return {"SnapshotIdentifier": snapshot, "StagingDBGeneration": generation, "SnapshotMasterUsername": master_username or ""}

    def update_to(self, snapshot, master_username=None):
        """What restore-from-snapshot does in stack mode: the same template, a newer snapshot."""
        given = self.snapshot_parameters(snapshot, master_username)
        keep = [{"ParameterKey": p["ParameterKey"], "UsePreviousValue": True} for p in self.describe()["Parameters"]
                if p["ParameterKey"] not in given]
        self.moto.client("cloudformation").update_stack(
            StackName=self.name, UsePreviousTemplate=True, Capabilities=["CAPABILITY_NAMED_IAM"],
            Parameters=keep + [{"ParameterKey": k, "ParameterValue": v} for k, v in given.items()])

    def deploy(self, **parameters):
        self.parameters = {"SourceDBIdentifier": PRODUCTION, "SourceKind": "cluster", "Engine": "aurora-postgresql", **parameters}
        self.moto.client("cloudformation").create_stack(
            StackName=self.name, TemplateBody=TEMPLATE.read_text(), Capabilities=["CAPABILITY_NAMED_IAM"],
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in self.parameters.items()])
        return self.describe()

    def describe(self):
        return self.moto.client("cloudformation").describe_stacks(StackName=self.name)["Stacks"][0]

    def resources(self):
        return {r["LogicalResourceId"]: r for r in
                self.moto.client("cloudformation").list_stack_resources(StackName=self.name)["StackResourceSummaries"] if r.get("LogicalResourceId")}

    def output(self, key):
        return {o["OutputKey"]: o["OutputValue"] for o in self.describe().get("Outputs", [])}.get(key)

    def function_name(self, handler):
        return f"{self.name}-{handler}"

    def invoke(self, handler, event, env=None, logs=None, timeout_seconds=120):
        """Runs the deployed function `handler` once through the Runtime API loop. Returns (result, failed)."""
        configuration = function_configuration(self.moto, self.function_name(handler))
        result, failed, lines = invoke(self.moto, configuration["Handler"], event, configuration["Environment"]["Variables"], env,
                                       command=[str(self.bootstrap)], function_name=configuration["FunctionName"],
                                       timeout_seconds=timeout_seconds)
        if logs is not None:
            logs.extend(lines.splitlines())
        return result, failed

    def invoke_async(self, handler, event, env=None, logs=None):
        """An asynchronous invocation as Lambda makes it (EventBridge schedules invoke this way): the
        first attempt and the function's MaximumRetryAttempts retries, and when they all failed, the
        invocation record sent to its on-failure destination, an SNS topic here. The record's shape is
        AWS's ("Capturing records of Lambda asynchronous invocations",
        https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
        Returns (the last result, failed, the record sent or None)."""
        configuration = function_configuration(self.moto, self.function_name(handler))
        invoke_config = configuration.get("EventInvokeConfig") or {}
        attempts = 1 + invoke_config.get("MaximumRetryAttempts", 2)
        for _ in range(attempts):
            result, failed = self.invoke(handler, event, env, logs)
            if not failed:
                return result, False, None
        destination = invoke_config.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
        if not destination:
            return result, True, None
        arn = f"arn:aws:lambda:{self.moto.region}:{self.moto.account_id}:function:{configuration['FunctionName']}"
        record = {
            "version": "1.0", "timestamp": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "requestContext": {"requestId": "00000000-0000-4000-8000-000000000000", "functionArn": f"{arn}:$LATEST",
                               "condition": "RetriesExhausted", "approximateInvokeCount": attempts},
            "requestPayload": event,
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
            "responsePayload": result,
        }
        self.moto.client("sns").publish(TopicArn=destination, Message=json.dumps(record))
        return result, True, record

    def record(self):
        """The CNAME and its target, as Route53 (moto) holds them."""
        for record in moto_control(self.moto, "records", {"zone": self.parameters["HostedZoneId"]})["records"]:
            if record["Type"] == "CNAME":
                return record["Name"], record["Values"][0]
        return None


def function_configuration(moto, name):
    """What moto's Lambda holds for the function."""
    return moto_control(moto, "function", {"name": name})


HANDLERS = {"Custom::SchemaMigration": "schema-migration", "Custom::Sanitize": "sanitize", "Custom::StagingAccess": "sanitize"}


def answer_custom_resources(stack, api, database_server, logs=None, timeout_seconds=120, until_none_left=False):
    """Answers the pending custom-resource events with the deployed functions, in CloudFormation's order
    (an event is handed out once the custom resources it depends on answered), until none is left. The
    cluster CloudFormation made is served by the Data API emulator from `database_server`; a function's
    asynchronous invocations of itself (a sanitize continuation) run as Lambda would run them. Returns the
    invocations' (event, result, failed). By default one round: the events pending now; `until_none_left`
    also answers those that become pending meanwhile (the next resources, or a rollback's)."""
    answers = []
    with tempfile.TemporaryDirectory(prefix="staging-refresh-opt-") as opt:
        with zipfile.ZipFile(stack.layer_zip) as layer:
            layer.extractall(opt)  # Lambda unpacks a layer under /opt
        pending = pending_custom_resource_requests(stack.moto)
        while pending:
            for event in pending:
                properties = event["ResourceProperties"]
                if "SecretArn" in properties:
                    entry = DataAPIServer.cluster_for(database_server)
                    entry.update(resourceArn=properties["ClusterArn"], secretArn=properties["SecretArn"])
                    api.add_cluster(entry)
                # With moto's key trusted by the emulator the function keeps one set of credentials, as on
                # AWS, and can read its stack from moto too.
                reach = {"AWS_ENDPOINT_URL_RDS_DATA": api.endpoint} if api.trusts(stack.moto.access_key_id) else api.env()
                handler = HANDLERS[event["ResourceType"]]
                queue = [event]
                while queue:
                    result, failed = stack.invoke(handler, queue.pop(0), env={**reach, "MIGRATIONS_DIR": f"{opt}/migrations"},
                                                  logs=logs, timeout_seconds=timeout_seconds)
                    answers.append((event, result, failed))
                    queue += [i["payload"] for i in lambda_invocations(stack.moto) if i["function"] == stack.function_name(handler)]
            pending = pending_custom_resource_requests(stack.moto) if until_none_left else []
    return answers
