"""Running the refresh handlers the way Lambda does: bootstrap under the Runtime API emulator,
pointed at moto, with settings in the environment."""
import json

from .runtime_api import Runtime, RuntimeEmulator


def invoke(moto, handler, event=None, settings=None, env=None, command=None, function_name="test_function",
           timeout_seconds=60):
    """One invocation through the real invoke loop (bootstrap, or `command`) with `timeout_seconds` for the
    function. Returns (result or error dict, is_error, logs)."""
    environment = moto.env()
    environment.update(settings or {})
    environment.update(env or {})
    with RuntimeEmulator(timeout_seconds=timeout_seconds, function_name=function_name) as emulator:
        runtime = Runtime(emulator, command=command, handler=handler, env=environment)
        with runtime:
            status, body = emulator.invoke(json.dumps(event if event is not None else {}).encode()
                                           if not isinstance(event, bytes) else event, timeout=timeout_seconds + 30)
            runtime.stop()
        calls = emulator.calls()
    failed = status != 200 or any(c["path"].endswith("/error") for c in calls)
    return json.loads(body), failed, runtime.logs


def moto_state(moto):
    """Everything moto holds, for before/after comparisons. IAM and STS are left out: each signed
    request updates an access key's last-used data there. moto advances a resource's status
    (creating -> available) when the status is first read, so the first read settles it and the
    second is the state."""
    import urllib.request

    for _ in range(2):
        with urllib.request.urlopen(moto.endpoint + "/moto-api/data.json") as response:
            state = json.loads(response.read())
    for volatile in ("iam", "sts", "core"):
        state.pop(volatile, None)
    return state
