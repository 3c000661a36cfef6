"""`bootstrap` outside Lambda: invoke, help, exit statuses."""
import json
import os
import subprocess

from harness.build import binary


def run(*args, stdin=b"", env=None):
    environment = {k: v for k, v in os.environ.items() if k != "AWS_LAMBDA_RUNTIME_API"}
    environment.update(env or {})
    return subprocess.run([str(binary("bootstrap")), *args], input=stdin, capture_output=True, env=environment, timeout=30)


def test_invoke_prints_result_from_a_file(tmp_path):
    event = tmp_path / "event.json"
    event.write_text('{"hello": "world"}')
    result = run("invoke", "echo", "--event", str(event))
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"hello": "world"}


def test_invoke_reads_standard_input():
    result = run("invoke", "echo", "--event", "-", stdin=b'[1,2,3]')
    assert (result.returncode, result.stdout) == (0, b"[1,2,3]\n")


def test_invoke_defaults_to_an_empty_object():
    assert run("invoke", "echo").stdout == b"{}\n"


def test_invoke_failure_prints_error_json_on_stderr_and_exits_1():
    result = run("invoke", "fail")
    assert result.returncode == 1
    assert result.stdout == b""
    error = json.loads(result.stderr.decode().strip().splitlines()[-1])
    assert error["errorType"] == "Function.DiagnosticFailure"
    assert error["stackTrace"][0] == "handler: fail"


def test_invoke_unknown_handler_lists_the_valid_ones():
    result = run("invoke", "nope")
    assert result.returncode == 1
    error = json.loads(result.stderr)
    assert error["errorType"] == "Runtime.HandlerNotFound"
    assert "echo, context, fail" in error["errorMessage"]


def test_invoke_context_has_lambdas_15_minute_deadline():
    result = run("invoke", "context", env={"AWS_REGION": "eu-west-1"})
    context = json.loads(result.stdout)
    assert 899_000 < context["remainingMs"] <= 900_000
    assert context["invokedFunctionArn"] == "arn:aws:lambda:eu-west-1:000000000000:function:context"
    assert context["functionName"] == "context"


def test_missing_event_file_is_a_usage_error():
    result = run("invoke", "echo", "--event", "/nonexistent/event.json")
    assert result.returncode == 2
    assert b"cannot read event file '/nonexistent/event.json'" in result.stderr


def test_help_names_every_handler():
    for args in (["--help"], ["invoke", "--help"]):
        result = run(*args)
        assert result.returncode == 0
        text = result.stdout.decode()
        for name in ("echo", "context", "fail"):
            assert name in text
    assert b"AWS_LAMBDA_LOG_FORMAT" in run("--help").stdout


def test_unknown_command_is_a_usage_error():
    result = run("frobnicate")
    assert result.returncode == 2
    assert b"unknown command 'frobnicate'" in result.stderr
