"""What a Runtime API, an event, a ResponseURL or an AWS error can send that must never crash the
runtime or leak into the log: each case through the real binary, ending in a logged exit or a
bounded, redacted message — never SIGABRT (exit 134)."""
import json
import re
import time

import pytest

from harness.runtime_api import Runtime, RuntimeEmulator
from harness.scripted_http import ScriptedHTTPServer

NEXT = "/2018-06-01/runtime/invocation/next"
INVOCATION_HEADERS = (b"Lambda-Runtime-Aws-Request-Id: r1\r\nLambda-Runtime-Deadline-Ms: 9999999999999\r\n"
                      b"Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:123456789012:function:f\r\n")


def run_against(server, handler="echo", env=None, timeout=10):
    """bootstrap with the scripted server as its Runtime API; returns (exit status, logs)."""

    class Address:
        address = server.address
        function_name = "f"

    process = Runtime(Address, handler=handler, env=env)
    with process:
        try:
            status = process.wait(timeout=timeout)
        except Exception:
            process.process.kill()
            status = process.wait()
    return status, process.logs


@pytest.mark.parametrize("answer, says", [
    (b"HTTP/1.1 200 OK\r\n" + INVOCATION_HEADERS + b"Transfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\nab",
     "bad chunk size '7fffffffffffffff'"),
    (b"HTTP/1.1 200 OK\r\n" + INVOCATION_HEADERS + b"Transfer-Encoding: chunked\r\n\r\n" + b"640001\r\n",
     "a body of 6553601 bytes is over the 6292480-byte limit"),
    (b"HTTP/1.1 200 OK\r\n" + INVOCATION_HEADERS + b"Content-Length: 9223372036854775807\r\n\r\n{}",
     "Content-Length '9223372036854775807' is not a non-negative decimal"),
    (b"HTTP/1.1 200 OK\r\n" + INVOCATION_HEADERS + b"Content-Length: 999999999999\r\n\r\n{}",
     "a body of 999999999999 bytes is over the 6292480-byte limit"),
    (b"HTTP/1.1 200 OK\r\n" + INVOCATION_HEADERS + b"Content-Length: -5\r\n\r\n{}",
     "Content-Length '-5' is not a non-negative decimal"),
    (b"HTTP/1.1 200 OK\r\n" + INVOCATION_HEADERS + b"Content-Length: 18446744073709551621\r\n\r\n{}",
     "Content-Length '18446744073709551621' is not a non-negative decimal"),
], ids=["chunk-int-max", "chunk-over-limit", "length-int-max", "length-unallocatable", "length-negative", "length-overflow"])
def test_bad_framing_from_the_runtime_api_is_a_logged_exit(answer, says):
    with ScriptedHTTPServer([(answer, False)]) as server:
        status, logs = run_against(server)
    assert status == 1, logs
    assert f"malformed response from the Runtime API on {NEXT}: malformed HTTP message: {says}; exiting" in logs, logs


EVENT = b'{"n":1}'
SIZED_NEXT = b"HTTP/1.1 200 OK\r\n" + INVOCATION_HEADERS + b"Content-Length: %d\r\n\r\n" % len(EVENT) + EVENT
# No length, no chunking: the body ends when the server closes.
CLOSING_NEXT = b"HTTP/1.1 200 OK\r\n" + INVOCATION_HEADERS + b"\r\n" + EVENT
SIZED_ACCEPTED = b"HTTP/1.1 202 Accepted\r\nContent-Length: 15\r\n\r\n{\"status\":\"OK\"}"
CLOSING_ACCEPTED = b"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\n\r\n{\"status\":\"OK\"}"


@pytest.mark.parametrize("answers", [[(SIZED_NEXT, False), (CLOSING_ACCEPTED, True)], [(CLOSING_NEXT, True), (SIZED_ACCEPTED, False)]],
                         ids=["response-ends-by-close", "event-ends-by-close"])
def test_a_body_ended_by_closing_is_not_followed_by_reusing_the_connection(answers):
    with ScriptedHTTPServer(answers) as server:
        class Address:
            address = server.address
            function_name = "f"

        with Runtime(Address, handler="echo") as process:
            deadline = time.monotonic() + 10
            while len(server.requests) < 3 and time.monotonic() < deadline:
                time.sleep(0.02)
            process.process.kill()
            process.wait()
        paths = [(method, target) for method, target, _, _ in server.requests]
    assert paths == [("GET", NEXT), ("POST", "/2018-06-01/runtime/invocation/r1/response"), ("GET", NEXT)], paths
    assert server.requests[1][3] == EVENT  # echoed once, whole
    assert server.connections == 2


def test_an_unknown_5mb_key_is_quoted_in_a_few_hundred_characters():
    key = "k" * 5_000_000
    with RuntimeEmulator(timeout_seconds=30) as emulator:
        with Runtime(emulator, handler="update-latest-snapshot-id",
                     env={"SOURCE_DB_CLUSTER_IDENTIFIER": "prod", "AWS_REGION": "us-east-1"}) as process:
            status, body = emulator.invoke(json.dumps({key: 1}).encode(), timeout=60)
            process.stop()
    error = json.loads(body)
    assert error["errorType"] == "Function.InvalidEvent"
    assert len(error["errorMessage"]) < 600, len(error["errorMessage"])
    assert "(5000000 characters)" in error["errorMessage"]
    assert max(len(line) for line in process.logs.splitlines()) < 1_000


STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/staging-db/5b7f0a50-1a2b-11ef-9c3d-0a1b2c3d4e5f"


def custom_resource(url):
    return {"RequestType": "Create", "ResponseURL": url, "StackId": STACK_ID, "RequestId": "request-1",
            "LogicalResourceId": "SchemaMigration", "ResourceType": "Custom::SchemaMigration",
            "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:f", "ResourceProperties": {}}


def run_schema_migration(event):
    with RuntimeEmulator(timeout_seconds=60) as emulator:
        with Runtime(emulator, handler="schema-migration", env={"AWS_REGION": "us-east-1"}) as process:
            started = time.monotonic()
            status, body = emulator.invoke(json.dumps(event).encode(), timeout=90)
            elapsed = time.monotonic() - started
            process.stop()
    return json.loads(body), elapsed, process.logs


def test_a_response_url_with_userinfo_is_answered_and_its_userinfo_never_logged():
    with ScriptedHTTPServer([(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", False)]) as server:
        url = f"http://cfn-user:hunter2-secret@{server.address}/cfnresponse?X-Amz-Signature=0123abcd&X-Amz-Credential=AKIAEXAMPLE"
        answer, _, logs = run_schema_migration(custom_resource(url))
        assert [(m, t.split("?")[0]) for m, t, _, _ in server.requests] == [("PUT", "/cfnresponse")]
        assert json.loads(server.requests[0][3])["Status"] == "FAILED"  # no settings: answered FAILED, not left waiting
    for secret in ("hunter2-secret", "cfn-user", "0123abcd", "AKIAEXAMPLE"):
        assert secret not in logs and secret not in json.dumps(answer), secret


@pytest.mark.parametrize("url", ["file:///etc/passwd", "dict://127.0.0.1:1/x", "ftp://127.0.0.1:1/x", "http://[::1", "not a url"])
def test_only_http_and_https_response_urls_are_tried_and_a_bad_one_is_not_retried(url):
    answer, elapsed, logs = run_schema_migration(custom_resource(url))
    assert answer["errorType"] == "Function.ResponseNotDelivered", answer
    assert elapsed < 5, f"{url} took {elapsed:.1f} s: retried"
    assert "retrying" not in logs


def test_an_aws_error_echoing_the_request_headers_is_logged_redacted():
    def echo_headers(request):
        _, _, headers, _ = request
        message = (f"The request signature we calculated does not match. Authorization: {headers.get('authorization')} "
                   f"X-Amz-Security-Token: {headers.get('x-amz-security-token')}")
        body = json.dumps({"__type": "IncompleteSignatureException", "message": message}).encode()
        return (b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: %d\r\n\r\n" % len(body) + body, False)

    with ScriptedHTTPServer(echo_headers) as aws:
        env = {"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
               "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS_SESSION_TOKEN": "FQoGZXIvYXdzEXAMPLETOKEN",
               "AWS_ENDPOINT_URL": f"http://{aws.address}", "SOURCE_DB_CLUSTER_IDENTIFIER": "prod"}
        with RuntimeEmulator(timeout_seconds=30) as emulator:
            with Runtime(emulator, handler="update-latest-snapshot-id", env=env) as process:
                _, body = emulator.invoke(b"{}", timeout=60)
                process.stop()
        sent = aws.requests[0][2]["authorization"]
    signature = re.search(r"Signature=([0-9a-f]{64})", sent).group(1)
    error = json.loads(body)
    assert "IncompleteSignatureException" in error["errorMessage"] and "<redacted>" in error["errorMessage"]
    for secret in (signature, "FQoGZXIvYXdzEXAMPLETOKEN", "wJalrXUtnFEMI"):
        assert secret not in process.logs and secret not in body.decode(), secret
