"""The emulator is held to AWS's own client: awslambdaric, AWS's Python runtime, drives it, and its
RIE rules are checked with a plain HTTP client acting as the runtime."""
import http.client
import json
import pathlib
import sys
import threading

import pytest

from harness.runtime_api import Runtime

HANDLERS = pathlib.Path(__file__).with_name("awslambdaric_handlers.py")


def awslambdaric(emulator, handler):
    command = [sys.executable, "-m", "awslambdaric", handler]
    return Runtime(emulator, command=command, env={"PYTHONPATH": str(HANDLERS.parent)})


def test_awslambdaric_round_trip(emulator):
    with awslambdaric(emulator, "awslambdaric_handlers.echo"):
        status, body = emulator.invoke(b'{"k": [1, 2, 3]}')
        assert status == 200
        assert json.loads(body) == {"k": [1, 2, 3]}


def test_awslambdaric_reads_every_header(emulator):
    with awslambdaric(emulator, "awslambdaric_handlers.context"):
        status, body = emulator.invoke(
            b"{}", request_id="ric-1", trace_id="Root=1-abc",
            client_context={"custom": {"k": "v"}},
            cognito_identity={"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool-1"})
    assert status == 200
    seen = json.loads(body)
    assert seen["aws_request_id"] == "ric-1"
    assert seen["invoked_function_arn"] == "arn:aws:lambda:us-east-1:012345678912:function:test_function"
    assert seen["custom"] == {"k": "v"}
    assert seen["cognito_identity_id"] == "id-1"
    assert seen["cognito_identity_pool_id"] == "pool-1"
    assert 15_000 < seen["remaining_ms"] <= 20_000
    assert seen["trace"] == "Root=1-abc"


def test_awslambdaric_error_is_reported(emulator):
    with awslambdaric(emulator, "awslambdaric_handlers.boom"):
        status, body = emulator.invoke()
    assert status == 200
    error = json.loads(body)
    assert error["errorType"] == "ValueError"
    assert error["errorMessage"] == "boom"
    posted = [c for c in emulator.calls() if c["path"].endswith("/error")]
    # awslambdaric sends no error-type header, so RIE records Runtime.Unknown.
    assert [(c["status"], c.get("errorTypeHeader"), c.get("errorType")) for c in posted] == [(202, None, "Runtime.Unknown")]


def test_awslambdaric_init_error_reaches_the_invoker(emulator):
    with awslambdaric(emulator, "no_such_module.handler") as runtime:
        assert runtime.wait() != 0
    init = [c for c in emulator.calls() if c["path"].endswith("/init/error")]
    assert [c["status"] for c in init] == [202]
    status, body = emulator.invoke()
    assert status == 502
    assert json.loads(body)["errorType"] == "Runtime.ImportModuleError"


class RawRuntime:
    """A runtime written with http.client only, to reach states a real runtime avoids."""

    def __init__(self, emulator):
        self.connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=10)

    def call(self, method, path, body=None, headers=None):
        self.connection.request(method, "/2018-06-01/runtime/" + path, body=body, headers=headers or {})
        response = self.connection.getresponse()
        return response.status, response.read(), response


def invoke_in_background(emulator, event=b"{}"):
    results = []
    thread = threading.Thread(target=lambda: results.append(emulator.invoke(event)))
    thread.start()
    return thread, results


def test_rie_rules_for_ids_states_and_sizes(emulator):
    raw = RawRuntime(emulator)
    thread, results = invoke_in_background(emulator, b'{"n":1}')
    status, body, response = raw.call("GET", "invocation/next")
    assert (status, body) == (200, b'{"n":1}')
    request_id = response.getheader("Lambda-Runtime-Aws-Request-Id")
    assert response.getheader("Content-Type") == "application/json"
    assert response.getheader("Lambda-Runtime-Trace-Id") is None  # RIE omits empty headers

    # A second GET next while the invocation runs delivers it again.
    status, body, again = raw.call("GET", "invocation/next")
    assert status == 200 and again.getheader("Lambda-Runtime-Aws-Request-Id") == request_id

    # init/error is allowed only before the first GET next.
    status, body, _ = raw.call("POST", "init/error", b"{}", {"Lambda-Runtime-Function-Error-Type": "Runtime.X"})
    assert status == 403
    assert json.loads(body) == {"errorMessage": "State transition from Running to InitError failed for runtime. Error: State transition is not allowed",
                                "errorType": "InvalidStateTransition"}

    status, body, _ = raw.call("POST", "invocation/not-the-id/response", b"{}")
    assert (status, body) == (400, b'{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}\n')

    status, body, _ = raw.call("POST", f"invocation/{request_id}/response", b"x" * 6_291_557)
    assert (status, json.loads(body)["errorType"]) == (413, "RequestEntityTooLarge")
    thread.join(10)
    assert json.loads(results[0][1])["errorType"] == "Function.ResponseSizeTooLarge"

    # After the 413 the id is released: a late error post is an invalid id.
    status, _, _ = raw.call("POST", f"invocation/{request_id}/error", b"{}")
    assert status == 400


@pytest.mark.parametrize("sent, recorded", [
    ("Function.MyError", "Function.MyError"),
    ("Runtime.Crash", "Runtime.Crash"),
    ("Function.lowercase", "Function.Unknown"),
    ("garbage", "Runtime.Unknown"),
])
def test_error_type_rewrite_rule(emulator, sent, recorded):
    raw = RawRuntime(emulator)
    thread, results = invoke_in_background(emulator)
    _, _, response = raw.call("GET", "invocation/next")
    request_id = response.getheader("Lambda-Runtime-Aws-Request-Id")
    status, body, _ = raw.call("POST", f"invocation/{request_id}/error", b'{"errorMessage":"m","errorType":"t"}',
                               {"Lambda-Runtime-Function-Error-Type": sent})
    assert (status, body) == (202, b'{"status":"OK"}\n')
    thread.join(10)
    assert results[0][1] == b'{"errorMessage":"m","errorType":"t"}'  # the payload passes through unchanged
    posted = [c for c in emulator.calls() if c["path"].endswith("/error")]
    assert [(c.get("errorTypeHeader"), c.get("errorType")) for c in posted] == [(sent, recorded)]
