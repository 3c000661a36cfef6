"""The invoke loop of bootstrap (README: How the runtime behaves), through the real binary on the Runtime API emulator."""
import json
import re
import socket
import time

from harness.runtime_api import Runtime


def test_every_header_ends_up_in_context(emulator, runtime):
    runtime("context")
    status, body = emulator.invoke(
        b'{"x":1}', request_id="6b1c5c1e-0000-4000-8000-000000000001",
        trace_id="Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
        client_context={"client": {"app_title": "t"}, "custom": {"k": "v"}, "env": {"platform": "linux"}},
        cognito_identity={"cognitoIdentityId": "us-east-1:id", "cognitoIdentityPoolId": "us-east-1:pool"},
        tenant_id="tenant-7")
    assert status == 200
    context = json.loads(body)
    assert context["requestId"] == "6b1c5c1e-0000-4000-8000-000000000001"
    assert context["traceId"].startswith("Root=1-5759e988")
    assert json.loads(context["clientContext"])["custom"] == {"k": "v"}
    assert json.loads(context["cognitoIdentity"]) == {"cognitoIdentityId": "us-east-1:id", "cognitoIdentityPoolId": "us-east-1:pool"}
    assert context["tenantId"] == "tenant-7"
    assert context["invokedFunctionArn"] == "arn:aws:lambda:us-east-1:012345678912:function:test_function"
    assert context["functionName"] == "test_function"
    assert context["functionVersion"] == "$LATEST"
    assert context["memoryLimitMB"] == 128
    assert context["logGroupName"] == "/aws/lambda/test_function"
    assert context["logStreamName"] == "2026/11/22/[$LATEST]0123456789abcdef"
    deadline_ms = context["deadlineMs"]
    now_ms = time.time() * 1000
    assert now_ms + 15_000 < deadline_ms <= now_ms + 20_000  # the emulator's 20 s timeout
    assert 15_000 < context["remainingMs"] <= 20_000


def test_trace_variable_is_set_then_unset(emulator, runtime):
    runtime("context")
    _, first = emulator.invoke(trace_id="Root=1-00000000-000000000000000000000001")
    _, second = emulator.invoke()
    assert json.loads(first)["traceEnvironment"] == "Root=1-00000000-000000000000000000000001"
    assert json.loads(second)["traceEnvironment"] is None
    assert json.loads(second)["traceId"] is None


def test_error_body_shape_and_header(emulator, runtime):
    runtime("fail")
    status, body = emulator.invoke(b'{"a":1}')
    assert status == 200  # RIE answers a function error with 200 and the runtime's body
    error = json.loads(body)
    assert set(error) == {"errorMessage", "errorType", "stackTrace"}
    assert error["errorType"] == "Function.DiagnosticFailure"
    assert "event of 7 bytes" in error["errorMessage"]
    assert error["stackTrace"][0] == "handler: fail"
    posted = [c for c in emulator.calls() if c["path"].endswith("/error")]
    assert len(posted) == 1
    assert posted[0]["status"] == 202
    assert posted[0]["errorTypeHeader"] == "Function.DiagnosticFailure"
    assert posted[0]["errorType"] == "Function.DiagnosticFailure"  # valid, so RIE keeps it


def test_unknown_handler_posts_init_error_and_exits_1(emulator, runtime):
    process = runtime("no-such-handler")
    assert process.wait() == 1
    init_errors = [c for c in emulator.calls() if c["path"] == "/2018-06-01/runtime/init/error"]
    assert [(c["status"], c.get("errorTypeHeader"), c.get("errorType")) for c in init_errors] == [
        (202, "Runtime.HandlerNotFound", "Runtime.HandlerNotFound")]
    status, body = emulator.invoke()
    assert status == 502
    error = json.loads(body)
    assert error["errorType"] == "Runtime.HandlerNotFound"
    assert "no-such-handler" in error["errorMessage"]
    assert "echo, context, fail" in error["errorMessage"]
    assert "HandlerNotFound" in process.logs


def test_missing_handler_setting_fails_init(emulator, runtime):
    process = runtime(None, env={"_HANDLER": ""})
    assert process.wait() == 1
    _, body = emulator.invoke()
    assert "_HANDLER is not set" in json.loads(body)["errorMessage"]


def test_exits_promptly_on_500(emulator, runtime):
    emulator.fail_next(500)
    process = runtime("echo")
    started = time.monotonic()
    assert process.wait(timeout=5) == 1
    assert time.monotonic() - started < 2
    assert "answered 500" in process.logs
    assert "InternalServerError" in process.logs


def test_response_over_6mb_becomes_error_and_loop_goes_on(emulator, runtime):
    process = runtime("echo")
    too_large = b'"' + b"x" * 6_291_556 + b'"'
    status, body = emulator.invoke(too_large)
    assert status == 200
    assert json.loads(body)["errorType"] == "Function.ResponseSizeTooLarge"
    assert [c["status"] for c in emulator.calls() if c["path"].endswith("/response")] == [413]
    status, body = emulator.invoke(b'{"after":"413"}')
    assert (status, body) == (200, b'{"after":"413"}')
    process.stop()
    assert "Function.ResponseSizeTooLarge" in process.logs


def test_api_down_gives_nonzero_exit_with_one_clear_line(emulator):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    process = Runtime(emulator, handler="echo", env={"AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{closed_port}"})
    with process:
        started = time.monotonic()
        assert process.wait(timeout=10) == 1
        elapsed = time.monotonic() - started
    assert elapsed < 5
    lines = [line for line in process.logs.splitlines() if line.strip()]
    assert len(lines) == 1
    assert f"127.0.0.1:{closed_port} unreachable after 6 attempts" in lines[0]
    assert "Connection refused" in lines[0]


def test_6mb_event_is_echoed_intact(emulator, runtime):
    runtime("echo")
    event = bytes(range(256)) * (6 * 1024 * 1024 // 256)
    status, body = emulator.invoke(event, timeout=30)
    assert status == 200
    assert body == event


def test_non_json_bytes_reach_echo_untouched(emulator, runtime):
    runtime("echo")
    for event in (b"plain text, not JSON", bytes(range(256)), b"\xff\xfe\x00\x01", b"{unterminated"):
        assert emulator.invoke(event) == (200, event)


def test_json_log_lines_parse_and_carry_the_request_id(emulator, runtime):
    process = runtime("context", env={"AWS_LAMBDA_LOG_FORMAT": "JSON"})
    emulator.invoke(request_id="req-json-1")
    process.stop()
    records = [json.loads(line) for line in process.logs.splitlines()]
    handled = [r for r in records if r["message"] == "context requested"]
    assert len(handled) == 1
    assert handled[0]["requestId"] == "req-json-1"
    assert handled[0]["level"] == "INFO"
    assert handled[0]["eventBytes"] == 2
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", handled[0]["timestamp"])


def test_text_log_lines_and_level_filter(emulator, runtime):
    process = runtime("fail", env={"AWS_LAMBDA_LOG_FORMAT": "TEXT", "AWS_LAMBDA_LOG_LEVEL": "ERROR"})
    emulator.invoke(request_id="req-text-1")
    process.stop()
    lines = process.logs.splitlines()
    errors = [line.split("\t") for line in lines if "\tERROR\t" in line]
    assert len(errors) == 1
    timestamp, request_id, level, message = errors[0]
    assert request_id == "req-text-1"
    assert message.startswith("the fail handler always fails") and "errorType=Function.DiagnosticFailure" in message
    assert not any("\tINFO\t" in line for line in lines)  # SIGTERM's INFO line is filtered too


def test_sigterm_flushes_and_exits_0(emulator, runtime):
    process = runtime("echo")
    assert emulator.invoke(b"1") == (200, b"1")  # running, and now blocked in GET next
    assert process.stop() == 0
    assert "SIGTERM received" in process.logs


def test_kept_alive_connection_serves_many_invocations(emulator, runtime):
    runtime("echo")
    for index in range(200):
        payload = json.dumps({"n": index}).encode()
        assert emulator.invoke(payload) == (200, payload)
    # A call is recorded when answered: the GET next now waiting is not counted yet.
    calls = emulator.calls()
    assert len(calls) == 400
    assert all(c["status"] in (200, 202) for c in calls)
