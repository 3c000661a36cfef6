"""What moto 5.2.1 lacks, added inside the moto_server process (moto_peer.py starts it) before it serves:

- CodePipeline StartPipelineExecution and GetPipelineExecution.
- RDS DescribeDBSnapshots and DescribeDBClusterSnapshots pagination (moto returns every snapshot in one
  page, ignoring MaxRecords and Marker).
- RDS snapshots shared from another account reported as SnapshotType "shared", as AWS does (moto reports
  the owner's "manual").
- RDS DescribeAccountAttributes (moto has none): the DB cluster quota and its use, as AWS reports it.
- RDS DescribeDBClusters, and so RestoreDBClusterToPointInTime's source, by the ARN of another account's
  Aurora cluster shared with this one through AWS RAM (moto's own RAM shares), as AWS lets the recipient
  of a cross-account clone name it; moto looks only among the caller's own clusters.
- /moto-api/data.json that survives models with unreadable properties (moto's own view raises on an RDS
  cluster's master_user_password), so tests can compare all of moto's state before and after a call.
- CloudFormation custom resources without Docker: moto would run the ServiceToken's Lambda function in a
  container; instead each request event is kept, and GET /moto-api/staging-refresh/custom-resource-requests
  hands them out (oldest first, each once), so a test can run bootstrap with the event moto built. A
  FAILED answer on moto's cfnresponse URL rolls the stack back to ROLLBACK_COMPLETE with the Reason, as
  AWS does (moto ignores FAILED and leaves the stack waiting). Every answer is kept, and
  GET /moto-api/staging-refresh/custom-resource-responses lists them, so a test reads back the body
  moto received, with its Content-Type; POST /moto-api/staging-refresh/cfnresponse-failures
  {"count": N} makes the next N answers get 503.
- Custom-resource events handed out in CloudFormation's order: an event waits until every custom resource
  its resource refers to (Ref, GetAtt, DependsOn) has answered, as CloudFormation creates or updates a
  resource only after those it depends on ("DependsOn attribute", AWS CloudFormation User Guide).
- Lambda invocations without Docker: Invoke with InvocationType Event on an existing function answers 202
  and the event is kept; a synchronous Invoke answers what POST /moto-api/staging-refresh/lambda-results
  {"function", "payload", "error"} set (X-Amz-Function-Error with the error) and is kept too;
  GET /moto-api/staging-refresh/lambda-invocations hands them out
  (oldest first, each once) so a test runs the function with it as Lambda would ("Lambda places the event
  in a queue and returns a success response", https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html).
- SigV4 signatures of requests whose path holds an escaped character, as AWS checks them: moto rebuilds the
  canonical request from the decoded path, so a Lambda Invoke naming its function by ARN
  (/functions/arn%3Aaws%3Alambda…) never matched, botocore's own included. "Create a signed AWS API request":
  each path segment is URI-encoded twice, except for Amazon S3
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html); the wire path is the
  first encoding, so here each decoded segment is encoded again before botocore encodes it once more.
- A record of the AWS calls served since the last read: GET /moto-api/staging-refresh/calls hands out
  [{"service", "action", "params"}] (and empties it), so a test can check that an IAM policy covers every
  call a handler made. POST /moto-api/staging-refresh/function {"name"} gives a Lambda function's Handler and
  environment, and POST /moto-api/staging-refresh/records {"zone"} a hosted zone's records: moto's own
  Lambda and Route53 APIs refuse signed reads while signatures are checked.
- Stack updates that follow dependencies and conditions, RDS clusters and restores in templates, and
  custom-resource Update events: moto_stack_updates.py.
- RDS read replicas, renames and status transitions as an in-place swap meets them: moto_rds_swap.py.
- A harness control call, POST /moto-api/staging-refresh/rds-snapshot, that sets an RDS snapshot's status,
  engine, engine version, creation time and type, which no AWS API can (snapshot_fixtures.set_snapshot).

Each AWS operation is a method on moto's own response and backend classes, so moto's dispatch, error
serialisation and signature checking apply to it as to moto's own operations. The control call is one more
of moto's own /moto-api/ routes, which, like /moto-api/reset-auth, are unsigned.

`python3 moto_extensions.py` installs them and serves on a free 127.0.0.1 port, printing
"listening on 127.0.0.1:PORT" once the socket is bound.
"""
import copy
import json
import logging
import os
from datetime import datetime, timezone
from functools import partialmethod

from moto.cloudformation import cloudformation_backends
from moto.cloudformation.custom_model import CustomModel
from moto.cloudformation.responses import CloudFormationResponse
from moto.codepipeline.models import CodePipeline, CodePipelineBackend
from moto.codepipeline.responses import CodePipelineResponse
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult, BaseResponse, PaginatedResult
from moto.core.utils import get_pagination_model
from moto.moto_api._internal import mock_random
from moto.moto_api._internal import urls as moto_api_urls
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.rds.exceptions import InvalidParameterValue
from moto.rds.models import DBClusterSnapshot, DBSnapshot, RDSBackend, rds_backends
from moto.rds.responses import RDSResponse
from moto.sts.models import sts_backends
from moto.utilities.utils import get_partition
from werkzeug.serving import make_server

import moto_stack_updates
import moto_rds_swap


# --- CodePipeline executions ---------------------------------------------------------------------------

class PipelineExecutionNotFoundException(JsonRESTError):
    code = 400

    def __init__(self, message: str):
        super().__init__("PipelineExecutionNotFoundException", message)


class PipelineExecution:
    """An execution started by StartPipelineExecution. Moto runs no actions, so it stays InProgress."""

    def __init__(self, pipeline: CodePipeline, variables, started_by: str):
        declaration = pipeline.pipeline
        self.id = str(mock_random.uuid4())
        self.pipeline_name = declaration["name"]
        self.pipeline_version = declaration["version"]
        self.execution_mode = declaration.get("executionMode", "SUPERSEDED")  # AWS's default mode
        # Pipeline-level variables resolve to the value given at start, else to their declared default.
        resolved = {v["name"]: v["defaultValue"] for v in declaration.get("variables", []) if "defaultValue" in v}
        resolved.update({v["name"]: v["value"] for v in variables or []})
        self.variables = [{"name": name, "resolvedValue": value} for name, value in resolved.items()]
        self.started_by = started_by

    def to_dict(self):
        return {
            "pipelineName": self.pipeline_name,
            "pipelineVersion": self.pipeline_version,
            "pipelineExecutionId": self.id,
            "status": "InProgress",
            "artifactRevisions": [],
            "variables": self.variables,
            "trigger": {"triggerType": "StartPipelineExecution", "triggerDetail": self.started_by},
            "executionMode": self.execution_mode,
            "executionType": "STANDARD",
        }


def _pipeline(backend: CodePipelineBackend, name: str) -> CodePipeline:
    backend.get_pipeline(name)  # raises moto's PipelineNotFoundException for an unknown name
    return backend.pipelines[name]


def start_pipeline_execution(self, name, variables, client_request_token, started_by) -> str:
    pipeline = _pipeline(self, name)
    # Idempotency: a token already seen for this pipeline names the execution it started.
    if client_request_token in pipeline.execution_ids_by_token:
        return pipeline.execution_ids_by_token[client_request_token]
    execution = PipelineExecution(pipeline, variables, started_by)
    pipeline.executions[execution.id] = execution
    if client_request_token:
        pipeline.execution_ids_by_token[client_request_token] = execution.id
    return execution.id


def get_pipeline_execution(self, pipeline_name, execution_id) -> PipelineExecution:
    execution = _pipeline(self, pipeline_name).executions.get(execution_id)
    if execution is None:
        raise PipelineExecutionNotFoundException(
            f"Pipeline execution ID {execution_id} does not exist in pipeline {pipeline_name}")
    return execution


def start_pipeline_execution_response(self) -> str:
    """sourceRevisions is accepted and ignored: moto runs no source action whose revision it could set."""
    # AWS records the caller's ARN as the trigger detail; STS resolves it from the signing key as
    # GetCallerIdentity does.
    sts = sts_backends[self.current_account][get_partition(self.region)]
    _, caller_arn, _ = sts.get_caller_identity(self.get_access_key(), self.region)
    execution_id = self.codepipeline_backend.start_pipeline_execution(
        self._get_param("name"), self._get_param("variables"), self._get_param("clientRequestToken"), caller_arn)
    return json.dumps({"pipelineExecutionId": execution_id})


def get_pipeline_execution_response(self) -> str:
    execution = self.codepipeline_backend.get_pipeline_execution(
        self._get_param("pipelineName"), self._get_param("pipelineExecutionId"))
    return json.dumps({"pipelineExecution": execution.to_dict()})


def _install_codepipeline():
    # Executions live on the pipeline, so deleting a pipeline drops its history as on AWS.
    original_init = CodePipeline.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.executions = {}
        self.execution_ids_by_token = {}

    CodePipeline.__init__ = init
    # data.json lists a model's JSON-serialisable attributes: this makes started executions one of them.
    CodePipeline.started_executions = property(lambda self: [e.to_dict() for e in self.executions.values()])
    CodePipelineBackend.start_pipeline_execution = start_pipeline_execution
    CodePipelineBackend.get_pipeline_execution = get_pipeline_execution
    CodePipelineResponse.start_pipeline_execution = start_pipeline_execution_response
    CodePipelineResponse.get_pipeline_execution = get_pipeline_execution_response


# --- RDS snapshot pagination ---------------------------------------------------------------------------

def _paginated(operation: str, describe):
    """`describe` paged by moto's own PaginatedResult (as moto does for DescribeDBInstances), after the
    MaxRecords check AWS makes."""
    # moto's Marker names the first snapshot of the next page; the ARN is unique even among snapshots
    # shared from several accounts, where identifiers can repeat.
    get_pagination_model("rds")[operation]["unique_attribute"] = "arn"

    def method(self):
        max_records = self.params.get("MaxRecords")
        if max_records is not None and not 20 <= max_records <= 100:
            raise InvalidParameterValue(f"Invalid value {max_records} for MaxRecords. Must be between 20 and 100")
        return PaginatedResult(describe(self).result)

    return method


def _install_rds():
    RDSResponse.describe_db_snapshots = _paginated("DescribeDBSnapshots", RDSResponse.describe_db_snapshots)
    RDSResponse.describe_db_cluster_snapshots = _paginated(
        "DescribeDBClusterSnapshots", RDSResponse.describe_db_cluster_snapshots)
    _install_shared_snapshot_type()
    RDSResponse.describe_account_attributes = _describe_account_attributes
    _install_shared_clusters()


def _install_shared_clusters():
    """"Cross-account cloning with AWS RAM and Amazon Aurora" (Aurora User Guide): the owner shares the
    cluster through AWS RAM; the recipient names it by its ARN to describe and clone it."""
    from moto.ram.models import ram_backends

    original = RDSBackend.describe_db_clusters

    def shared_with(arn, owner, region, account):
        return any(share.status == "ACTIVE" and arn in share.resource_arns
                   and (account in share.principals or f"arn:aws:iam::{account}:root" in share.principals)
                   for share in ram_backends[owner][region].resource_shares)

    def describe_db_clusters(self, db_cluster_identifier=None, filters=None):
        if db_cluster_identifier and db_cluster_identifier.startswith("arn:"):
            owner = db_cluster_identifier.split(":")[4]
            if owner != self.account_id and shared_with(db_cluster_identifier, owner, self.region_name, self.account_id):
                return original(rds_backends[owner][self.region_name], db_cluster_identifier.split(":")[-1], filters)
        return original(self, db_cluster_identifier, filters)

    RDSBackend.describe_db_clusters = describe_db_clusters


# AWS: "DB clusters: 40 per Region (adjustable)" (Amazon Aurora User Guide, "Quotas in Amazon Aurora");
# DescribeAccountAttributes lists each quota as AccountQuotaName, Used, Max
# (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeAccountAttributes.html).
DB_CLUSTER_QUOTA = 40


def _describe_account_attributes(self):
    return ActionResult({"AccountQuotas": [{"AccountQuotaName": "DBClusters", "Used": len(self.backend.clusters),
                                            "Max": DB_CLUSTER_QUOTA}]})


# --- RDS shared snapshots' type ------------------------------------------------------------------------

def _install_shared_snapshot_type():
    """Describe*Snapshots(SnapshotType="shared") answers with a view of each snapshot typed "shared": the
    owner's own snapshot keeps "manual", as on AWS, because the view is a copy."""
    original = RDSBackend.get_shared_snapshots

    def get_shared_snapshots(self, resource_type):
        views = []
        for snapshot in original(self, resource_type):
            view = copy.copy(snapshot)  # shares the owner's backend, so its ARN still names the owner
            # BaseModel.__new__ tracks every instance, copies too: a view is no model of its own, and
            # left tracked it would pile up with each describe and show as new state in data.json.
            tracked = type(view).instances_tracked
            tracked[:] = [instance for instance in tracked if instance is not view]
            view.snapshot_type = "shared"
            views.append(view)
        return views

    RDSBackend.get_shared_snapshots = get_shared_snapshots
    # moto's describe methods call these partialmethods, which hold the original function itself.
    RDSBackend.get_shared_db_snapshots = partialmethod(get_shared_snapshots, resource_type=DBSnapshot)
    RDSBackend.get_shared_db_cluster_snapshots = partialmethod(get_shared_snapshots, resource_type=DBClusterSnapshot)


# --- CloudFormation custom resources -------------------------------------------------------------------

CUSTOM_RESOURCE_REQUESTS_PATH = "/moto-api/staging-refresh/custom-resource-requests"
_custom_resource_requests = []  # events not yet handed out, oldest first


def create_custom_resource(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """moto's CustomModel.create_from_cloudformation_json, with the event kept instead of sent to Docker.
    The ResponseURL names this server on loopback (moto's would name a Docker host)."""
    properties = cloudformation_json["Properties"]
    stack_id = kwargs["StackId"]
    request_id = str(mock_random.uuid4())
    resource = CustomModel(region_name, request_id, kwargs["LogicalId"], resource_name)
    resource.stack_id, resource.resource_type, resource.properties = stack_id, kwargs["ResourceType"], properties
    stack = cloudformation_backends[account_id][region_name].get_stack(stack_id)
    stack.add_custom_resource(resource)
    _custom_resource_requests.append(_custom_resource_event("Create", resource, properties, region_name))
    return resource


def _waits_for(event):
    """The custom resources of the event's stack that its resource refers to, per the stack's template."""
    account_id = event["StackId"].split(":")[4]
    region_name = event["StackId"].split(":")[3]
    try:
        stack = cloudformation_backends[account_id][region_name].get_stack(event["StackId"])
    except Exception:  # noqa: BLE001 - a deleted stack waits for nothing
        return set(), None
    resource_json = stack.template_dict.get("Resources", {}).get(event["LogicalResourceId"], {})
    return moto_stack_updates.references(resource_json) & set(stack.custom_resources), stack


def _custom_resource_event(request_type, resource, properties, region_name):
    host = f"http://127.0.0.1:{os.environ['MOTO_PORT']}"
    return {
        "RequestType": request_type,
        "ServiceToken": properties["ServiceToken"],
        "ResponseURL": f"{host}/cloudformation_{region_name}/cfnresponse?stack={resource.stack_id}",
        "StackId": resource.stack_id,
        "RequestId": str(mock_random.uuid4()) if request_type != "Create" else resource.request_id,
        "LogicalResourceId": resource.logical_id,
        "ResourceType": resource.resource_type,
        "ResourceProperties": properties,
    }


def queue_custom_resource_update(resource, properties, region_name):
    """An Update event for a custom resource whose properties changed (moto_stack_updates.py)."""
    event = _custom_resource_event("Update", resource, properties, region_name)
    event["PhysicalResourceId"] = resource.physical_id if getattr(resource, "physical_id", None) else resource.resource_name
    event["OldResourceProperties"] = resource.properties
    resource.rollback_properties = resource.properties  # what a rollback of this update sends back
    resource.properties = properties
    _custom_resource_requests.append(event)


def queue_custom_resource_rollback(resource, region_name):
    """The Update a failed stack update sends each updated custom resource while it rolls back: the
    previous properties again, and the failed ones as OldResourceProperties ("If the update fails and
    CloudFormation rolls back, it sends an Update request with the previous properties":
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/crpg-ref-requesttypes-update.html)."""
    queue_custom_resource_update(resource, resource.rollback_properties, region_name)


def custom_resource_requests(request, full_url, headers):
    handed, waiting = [], []
    for event in _custom_resource_requests:
        names, stack = _waits_for(event)
        ready = stack is None or all(stack.custom_resources[name].is_created() for name in names)
        (handed if ready else waiting).append(event)
    _custom_resource_requests[:] = waiting
    return _json_response(200, {"requests": handed})


# --- Lambda asynchronous invocations -------------------------------------------------------------------

LAMBDA_INVOCATIONS_PATH = "/moto-api/staging-refresh/lambda-invocations"
_lambda_invocations = []  # {"function", "payload"} of Event invocations not yet handed out
_original_lambda_invoke = None


_lambda_results = {}  # function name -> {"error", "payload"} a synchronous Invoke answers with


def lambda_invoke(self, function_name, qualifier, body, headers, response_headers):
    function = self.get_function(function_name, qualifier)  # ResourceNotFoundException for an unknown one
    payload = body.decode() if isinstance(body, bytes) else body
    _lambda_invocations.append({"function": function.function_name, "payload": json.loads(payload or "{}"),
                                "type": headers.get("X-Amz-Invocation-Type") or "RequestResponse"})
    if headers.get("X-Amz-Invocation-Type") == "Event":
        return b""
    # RequestResponse without Docker: the result the test set, with X-Amz-Function-Error when the function
    # "failed" ("Invoke": a function error is a 200 response with that header and the error as payload).
    result = _lambda_results.get(function.function_name, {})
    if result.get("error"):
        response_headers["x-amz-function-error"] = result["error"]
    return (result.get("payload") or "{}").encode()


LAMBDA_RESULTS_PATH = "/moto-api/staging-refresh/lambda-results"


def lambda_results(request, full_url, headers):
    result = json.loads(request.get_data() or b"{}")
    _lambda_results[result["function"]] = result
    return _json_response(200, result)


def lambda_invocations(request, full_url, headers):
    handed, _lambda_invocations[:] = list(_lambda_invocations), []
    return _json_response(200, {"invocations": handed})


def _install_lambda():
    global _original_lambda_invoke
    from moto.awslambda.models import LambdaBackend

    _original_lambda_invoke = LambdaBackend.invoke
    LambdaBackend.invoke = lambda_invoke


CUSTOM_RESOURCE_RESPONSES_PATH = "/moto-api/staging-refresh/custom-resource-responses"
_custom_resource_responses = []  # every answer received, in order, as parsed JSON
_cfnresponse_failures = [0]  # how many next answers get 503, to exercise the sender's retries
CFNRESPONSE_FAILURES_PATH = "/moto-api/staging-refresh/cfnresponse-failures"


def process_cfn_response(self):
    """Every answer is kept for tests to read back. An answer to a stack that is creating moves it as
    AWS would: SUCCESS through moto's own handling, FAILED to ROLLBACK_COMPLETE with the Reason. Answers
    to Update and Delete requests, or for stacks moto does not know, change no stack."""
    body = json.loads(self.body or "{}")
    _custom_resource_responses.append({**body, "_contentType": self.headers.get("Content-Type")})
    try:
        stack = self.cloudformation_backend.get_stack(body.get("StackId", ""))
    except Exception:  # noqa: BLE001 - moto raises its ValidationError for an unknown stack
        return 200, {"status": 200}, json.dumps("{}")
    if stack.status in ("UPDATE_IN_PROGRESS", "UPDATE_ROLLBACK_IN_PROGRESS"):
        moto_stack_updates.answer_update(stack, body)
        return 200, {"status": 200}, json.dumps("{}")
    if stack.status != "CREATE_IN_PROGRESS":
        return 200, {"status": 200}, json.dumps("{}")
    if body.get("PhysicalResourceId"):
        try:
            stack.get_custom_resource(body.get("LogicalResourceId")).physical_id = body["PhysicalResourceId"]
        except KeyError:
            pass
    if body.get("Status") == "FAILED":
        stack.status = "ROLLBACK_COMPLETE"
        stack.status_reason = f"The following resource(s) failed to create: [{body.get('LogicalResourceId')}]. " \
                              f"{body.get('Reason', '')}"
        stack._add_stack_event("ROLLBACK_COMPLETE")
        return 200, {"status": 200}, json.dumps("{}")
    return _original_process_cfn_response(self)


def cfnresponse_failures(request, full_url, headers):
    _cfnresponse_failures[0] = int(json.loads(request.get_data() or b"{}").get("count", 0))
    return _json_response(200, {"count": _cfnresponse_failures[0]})


def custom_resource_responses(request, full_url, headers):
    return _json_response(200, {"responses": list(_custom_resource_responses)})


_original_process_cfn_response = CloudFormationResponse.process_cfn_response


def cfnresponse(request, full_url, headers):
    """The ResponseURL is pre-signed on AWS: its query authorises the PUT, not a SigV4 header. moto's route
    would check the header like an API call's, so the answer is processed without that check. The
    answer's Content-Type header is kept with it ("_contentType"), since CloudFormation wants it empty."""
    if _cfnresponse_failures[0] > 0:
        _cfnresponse_failures[0] -= 1
        return 503, {}, "Service Unavailable"
    response = CloudFormationResponse()
    response.automated_parameter_parsing = False  # the answer is a JSON body, as moto's own route reads it
    response.setup_class(request, full_url, headers)
    return process_cfn_response(response)


def _install_cloudformation():
    from moto.cloudformation import urls as cloudformation_urls

    CustomModel.create_from_cloudformation_json = classmethod(create_custom_resource)
    cloudformation_urls.url_paths["{0}/cloudformation_(?P<region>[^/]+)/cfnresponse$"] = cfnresponse


# --- The calls served, for IAM coverage checks ------------------------------------------------------

CALLS_PATH = "/moto-api/staging-refresh/calls"
_calls = []
_original_call_action = BaseResponse.call_action


def recorded_call_action(self):
    """Keeps each call's service, operation and top-level parameters, then serves it as moto does."""
    try:
        if self.querystring and "Action" in self.querystring:
            params = {key: values[0] for key, values in self.querystring.items() if values}
        else:
            body = json.loads(self.body or "{}") if isinstance(self.body, (str, bytes)) else {}
            # Lists and objects are kept as a marker: the coverage check asks only whether they were sent.
            params = {key: value if isinstance(value, (str, int, bool)) else "…" for key, value in body.items()} \
                if isinstance(body, dict) else {}
        # Passwords and secret values never leave moto, not even into a failing test's output.
        params = {key: "(redacted)" if "Password" in key or key in ("SecretString", "SecretBinary", "Value") else value
                  for key, value in params.items()}
        _calls.append({"service": self.service_name, "action": self._get_action(), "params": params})
    except Exception as error:  # noqa: BLE001 - a record that cannot be made must say so, not hide the call
        _calls.append({"service": getattr(self, "service_name", "?"), "action": "?", "params": {"error": str(error)}})
    return _original_call_action(self)


def calls(request, full_url, headers):
    handed, _calls[:] = list(_calls), []
    return _json_response(200, {"calls": handed})


FUNCTION_PATH = "/moto-api/staging-refresh/function"


def function_configuration(request, full_url, headers):
    """A Lambda function's Handler and environment as moto holds them. moto 5.2.1 refuses every signed
    Lambda API call with SignatureDoesNotMatch while signatures are checked, so the harness reads them here."""
    from moto.awslambda.models import lambda_backends

    query = json.loads(request.get_data() or b"{}")
    function = lambda_backends[query.get("account", DEFAULT_ACCOUNT_ID)][query.get("region", "us-east-1")].get_function(query["name"])
    return _json_response(200, {"FunctionName": function.function_name, "Handler": function.handler,
                                "Runtime": function.run_time, "MemorySize": function.memory_size, "Timeout": function.timeout,
                                "Environment": {"Variables": dict(function.environment_vars or {})},
                                "Layers": [layer["Arn"] for layer in function.layers or []],
                                "EventInvokeConfig": function.event_invoke_config[-1].config if function.event_invoke_config else None})


RECORDS_PATH = "/moto-api/staging-refresh/records"


def zone_records(request, full_url, headers):
    """A hosted zone's record sets; moto 5.2.1 answers every signed Route53 read with an empty error while
    signatures are checked."""
    from moto.route53.models import route53_backends

    query = json.loads(request.get_data() or b"{}")
    zone = route53_backends[query.get("account", DEFAULT_ACCOUNT_ID)]["global"].get_hosted_zone(query["zone"])
    return _json_response(200, {"records": [{"Name": r.name, "Type": r.type, "TTL": r.ttl, "Values": list(r.records or [])}
                                            for r in zone.rrsets]})


def _install_signature_paths():
    from urllib.parse import quote

    from moto.iam.access_control import IAMRequest

    original = IAMRequest._create_aws_request

    def create_aws_request(self):
        request = original(self)
        path, _, query = request.url.partition("?")
        encoded = "/".join(quote(segment, safe="-_.~") for segment in path.split("/"))
        request.url = encoded + ("?" + query if query else "")
        return request

    IAMRequest._create_aws_request = create_aws_request


def _install_call_record():
    BaseResponse.call_action = recorded_call_action


# --- Harness control: edit an RDS snapshot ------------------------------------------------------------

RDS_SNAPSHOT_CONTROL_PATH = "/moto-api/staging-refresh/rds-snapshot"
SNAPSHOT_TYPES = ("automated", "manual")


def _json_response(status: int, body: dict):
    return status, {"Content-Type": "application/json"}, json.dumps(body)


def _utc(text: str) -> datetime:
    """ISO-8601 with a zone ("2026-11-01T02:00:00Z") as the naive UTC datetime moto keeps: its serialiser
    writes a snapshot's time with strftime and a literal "Z"."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"createTime {text!r} has no time zone")
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def set_rds_snapshot(request, full_url, headers):
    """POST {"account", "region", "identifier", "cluster": bool, and any of "status", "engine",
    "engineVersion", "createTime", "snapshotType"}: sets those on the snapshot, so that its owner's and its
    sharees' Describe*Snapshots report them. 404 for an unknown snapshot, 400 for a bad body."""
    if request.method != "POST":
        return _json_response(405, {"error": "POST a JSON body"})
    try:
        body = json.loads(request.get_data() or b"null")
        if not isinstance(body, dict) or not isinstance(body.get("identifier"), str):
            raise ValueError("the body must be a JSON object with an identifier")
        create_time = _utc(body["createTime"]) if body.get("createTime") is not None else None
        snapshot_type = body.get("snapshotType")
        if snapshot_type is not None and snapshot_type not in SNAPSHOT_TYPES:
            raise ValueError(f"snapshotType must be one of {SNAPSHOT_TYPES}")
    except (ValueError, TypeError) as error:
        return _json_response(400, {"error": str(error)})

    account = body.get("account", DEFAULT_ACCOUNT_ID)
    region = body.get("region", "us-east-1")
    if account not in rds_backends or region not in rds_backends[account]:
        return _json_response(404, {"error": f"no RDS backend for account {account} in {region}"})
    backend = rds_backends[account][region]
    cluster = bool(body.get("cluster"))
    snapshots = backend.cluster_snapshots if cluster else backend.database_snapshots
    snapshot = snapshots.get(body["identifier"])  # moto's dict ignores case, as AWS identifiers do
    if snapshot is None:
        kind = "DB cluster snapshot" if cluster else "DB snapshot"
        return _json_response(404, {"error": f"{kind} {body['identifier']} not found in {account} {region}"})

    # The snapshot keeps a copy of its cluster or instance as it was when taken, which moto's own "engine"
    # filter reads; editing that copy keeps the filter in step with what Describe reports.
    source = snapshot.cluster if cluster else snapshot.database
    if body.get("status") is not None:
        snapshot.status = body["status"]
    if body.get("engine") is not None:
        snapshot.engine = source.engine = body["engine"]
    if body.get("engineVersion") is not None:
        snapshot.engine_version = source.engine_version = body["engineVersion"]
    if create_time is not None:
        snapshot.created = create_time  # SnapshotCreateTime is a property reading this
        if not cluster:
            snapshot.original_snapshot_create_time = create_time
    if snapshot_type is not None:
        snapshot.snapshot_type = snapshot_type
    return _json_response(200, {"status": "ok", "arn": snapshot.arn})


def model_data(request, full_url, headers):
    """moto's data.json, except that an attribute whose getter raises is left out instead of failing the
    whole answer."""
    from moto.core.model_instances import model_data as tracked

    def readable(instance):
        values = {}
        for attr in dir(instance):
            if attr.startswith("_"):
                continue
            try:
                value = getattr(instance, attr)
                json.dumps(value)
            except Exception:  # noqa: BLE001 - moto's properties raise NotImplementedError, TypeError, ...
                continue
            values[attr] = value
        return values

    results = {service: {name: [readable(i) for i in model.instances_tracked] for name, model in sorted(models.items())}
               for service, models in sorted(tracked.items())}
    return 200, {"Content-Type": "application/json"}, json.dumps(results)


def _install_control():
    # moto builds its /moto-api/ Flask app from this module's url_paths when that app is first used, so a
    # route added before serving is served like moto's own, and unsigned like them. AWS API requests never
    # reach that app (werkzeug_app routes only /moto-api/ paths to it), so their signature checks stand.
    moto_api_urls.url_paths["{0}" + RDS_SNAPSHOT_CONTROL_PATH] = set_rds_snapshot
    moto_api_urls.url_paths["{0}/moto-api/data.json"] = model_data
    moto_api_urls.url_paths["{0}" + CUSTOM_RESOURCE_REQUESTS_PATH] = custom_resource_requests
    moto_api_urls.url_paths["{0}" + CUSTOM_RESOURCE_RESPONSES_PATH] = custom_resource_responses
    moto_api_urls.url_paths["{0}" + CFNRESPONSE_FAILURES_PATH] = cfnresponse_failures
    moto_api_urls.url_paths["{0}" + CALLS_PATH] = calls
    moto_api_urls.url_paths["{0}" + LAMBDA_INVOCATIONS_PATH] = lambda_invocations
    moto_api_urls.url_paths["{0}" + LAMBDA_RESULTS_PATH] = lambda_results
    moto_api_urls.url_paths["{0}" + FUNCTION_PATH] = function_configuration
    moto_api_urls.url_paths["{0}" + RECORDS_PATH] = zone_records


# The moto these patches were written against: they replace private internals that change between
# releases, so another version must be a deliberate upgrade (tools/requirements.txt pins it).
PATCHED_MOTO = "5.2.1"


def install():
    import moto

    if moto.__version__ != PATCHED_MOTO:
        raise SystemExit(f"moto_extensions.py patches moto {PATCHED_MOTO}'s internals, and moto {moto.__version__} is installed: "
                         f"install moto=={PATCHED_MOTO} (make deps does), or port the patches and update tools/requirements.txt")
    _install_codepipeline()
    _install_rds()
    _install_cloudformation()
    _install_lambda()
    _install_signature_paths()
    _install_call_record()
    _install_control()
    moto_stack_updates.install(queue_custom_resource_update, queue_custom_resource_rollback)
    moto_rds_swap.install(moto_api_urls.url_paths)


def serve(host: str = "127.0.0.1"):
    server = make_server(host, 0, DomainDispatcherApplication(create_backend_app), threaded=True)
    # Lambda, Batch and CloudFormation custom resources call back into moto on MOTO_PORT.
    os.environ["MOTO_PORT"] = str(server.server_port)
    # A line per request would bury the tracebacks of real failures.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    print(f"listening on {host}:{server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    install()
    serve()
