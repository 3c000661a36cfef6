"""The Runtime API emulator (tools/RuntimeEmulator) and runtime processes driven against it."""
import base64
import http.client
import json
import os
import subprocess
import time

from .build import binary


class RuntimeEmulator:
    """`runtime-emulator serve` on a free loopback port."""

    def __init__(self, timeout_seconds: int = 30, function_name: str = "test_function"):
        self.timeout_seconds = timeout_seconds
        self.function_name = function_name
        self.process = None
        self.port = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [str(binary("runtime-emulator")), "serve", "--port", "0",
             "--timeout", str(self.timeout_seconds), "--function-name", self.function_name],
            stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("listening on 127.0.0.1:"):
            self.process.kill()
            raise RuntimeError(f"runtime-emulator did not start: {line!r}")
        self.port = int(line.rsplit(":", 1)[1])
        return self

    def __exit__(self, *exc):
        self.process.kill()
        self.process.wait()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def request(self, method, path, body=b"", headers=None, timeout=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout or self.timeout_seconds + 5)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read(), dict(response.getheaders())
        finally:
            connection.close()

    def invoke(self, event: bytes = b"{}", *, trace_id=None, client_context=None, cognito_identity=None,
               request_id=None, tenant_id=None, timeout=None):
        """POST to the local invoke endpoint, as `curl` to RIE would. Returns (status, body bytes)."""
        headers = {}
        if trace_id:
            headers["X-Amzn-Trace-Id"] = trace_id
        if client_context is not None:
            headers["X-Amz-Client-Context"] = base64.b64encode(json.dumps(client_context).encode()).decode()
        if cognito_identity is not None:
            headers["X-Amz-Cognito-Identity"] = json.dumps(cognito_identity)
        if request_id:
            headers["X-Amzn-RequestId"] = request_id
        if tenant_id:
            headers["X-Amz-Tenant-Id"] = tenant_id
        status, body, _ = self.request("POST", "/2015-03-31/functions/function/invocations", event, headers, timeout)
        return status, body

    def calls(self):
        """What the runtime asked of the Runtime API: method, path, status, errorType header."""
        return json.loads(self.request("GET", "/_emulator/calls")[1])

    def fail_next(self, status: int = 500):
        self.request("POST", "/_emulator/fail-next", str(status).encode())


class Runtime:
    """A runtime process (bootstrap, awslambdaric, …) pointed at an emulator."""

    def __init__(self, emulator: RuntimeEmulator, command=None, handler=None, env=None):
        self.emulator = emulator
        self.command = command or [str(binary("bootstrap"))]
        self.env = dict(os.environ)
        self.env.update({
            "AWS_LAMBDA_RUNTIME_API": emulator.address,
            "AWS_LAMBDA_FUNCTION_NAME": emulator.function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{emulator.function_name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": "2026/11/22/[$LATEST]0123456789abcdef",
        })
        if handler is not None:
            self.env["_HANDLER"] = handler
        self.env.update(env or {})
        self.process = None
        self._stderr = None

    def __enter__(self):
        self.process = subprocess.Popen(self.command, env=self.env, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.kill()
        self.wait()

    def wait(self, timeout=10):
        """Waits for exit; returns the exit status."""
        status = self.process.wait(timeout=timeout)
        if self._stderr is None:
            self._stderr = self.process.stderr.read().decode()
        return status

    def stop(self, timeout=10) -> int:
        self.process.terminate()
        return self.wait(timeout)

    @property
    def logs(self) -> str:
        """Everything the runtime wrote on stderr; available once it has exited."""
        if self._stderr is None:
            raise RuntimeError("logs are available after wait() or stop()")
        return self._stderr


def wait_until(predicate, timeout=5.0, interval=0.01):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
