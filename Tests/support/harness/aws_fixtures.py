"""AWS resources the tests and `make run` create in moto with boto3."""
import json

CODEPIPELINE_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "codepipeline.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def create_pipeline(moto, name="refresh", role_name="pipeline"):
    """A minimal valid V2 pipeline (S3 source → S3 deploy) with two variables; returns its name."""
    role = moto.client("iam").create_role(RoleName=role_name, AssumeRolePolicyDocument=CODEPIPELINE_TRUST)
    source = {"name": "Source", "actions": [{
        "name": "Source", "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
        "configuration": {"S3Bucket": "sources", "S3ObjectKey": "app.zip"}, "outputArtifacts": [{"name": "app"}]}]}
    deploy = {"name": "Deploy", "actions": [{
        "name": "Deploy", "actionTypeId": {"category": "Deploy", "owner": "AWS", "provider": "S3", "version": "1"},
        "configuration": {"BucketName": "site", "Extract": "true"}, "inputArtifacts": [{"name": "app"}]}]}
    moto.client("codepipeline").create_pipeline(pipeline={
        "name": name, "roleArn": role["Role"]["Arn"], "pipelineType": "V2",
        "artifactStore": {"type": "S3", "location": "artifacts"}, "stages": [source, deploy],
        "variables": [{"name": "SNAPSHOT", "defaultValue": "latest"}, {"name": "TARGET", "defaultValue": "staging"}]})
    return name


def moto_control(moto, route, body=None):
    """One of moto_extensions.py's /moto-api/staging-refresh/ routes: GET, or POST of `body` as JSON."""
    import urllib.request

    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{moto.endpoint}/moto-api/staging-refresh/{route}", data=data,
                                     method="GET" if data is None else "POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def pending_custom_resource_requests(moto):
    """The custom-resource events moto's CloudFormation has sent since the last call (moto_extensions.py)."""
    return moto_control(moto, "custom-resource-requests")["requests"]


def lambda_invocations(moto):
    """The asynchronous (Event) Lambda invocations moto has queued since the last call (moto_extensions.py)."""
    return moto_control(moto, "lambda-invocations")["invocations"]


def custom_resource_responses(moto):
    """Every answer moto's cfnresponse URL has received, in order (moto_extensions.py)."""
    return moto_control(moto, "custom-resource-responses")["responses"]


def answer_custom_resource(request, status, reason, physical_id="test-answer"):
    """PUTs an answer to a custom-resource event's ResponseURL the way CloudFormation's custom-resource response documentation describes."""
    import urllib.request

    body = json.dumps({"Status": status, "Reason": reason, "PhysicalResourceId": physical_id,
                       "StackId": request["StackId"], "RequestId": request["RequestId"],
                       "LogicalResourceId": request["LogicalResourceId"]}).encode()
    answer = urllib.request.Request(request["ResponseURL"], data=body, method="PUT", headers={"Content-Type": ""})
    with urllib.request.urlopen(answer, timeout=10) as response:
        response.read()


def served_calls(moto):
    """The AWS calls moto served since the last call, [{"service", "action", "params"}] (moto_extensions.py)."""
    return moto_control(moto, "calls")["calls"]
