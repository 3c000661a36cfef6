"""`make run`: the local cycle on embedded defaults, with a readable timeline.

For now the cycle is the runtime itself: bootstrap serves a few invocations through the Runtime
API emulator, one of which fails, and the results and log lines are shown.
"""
import json
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from harness.runtime_api import Runtime, RuntimeEmulator  # noqa: E402

STARTED = time.monotonic()


def step(text):
    print(f"[{time.monotonic() - STARTED:6.3f}s] {text}", flush=True)


def shorten(body: bytes, limit=100) -> str:
    text = body.decode(errors="replace")
    return text if len(text) <= limit else f"{text[:limit]}… ({len(body):,} bytes)"


def invoke(emulator, label, event):
    began = time.monotonic()
    status, body = emulator.invoke(event, timeout=30)
    elapsed_ms = (time.monotonic() - began) * 1000
    failed = status != 200 or body.startswith(b'{"errorMessage"') or b'"errorType"' in body[:200]
    outcome = "FAILED" if failed else "ok"
    step(f"invoke {label}: {outcome} in {elapsed_ms:.1f} ms → {shorten(body)}")
    return not failed


def main():
    results = []
    with RuntimeEmulator(timeout_seconds=30) as emulator:
        step(f"Runtime API emulator listening on {emulator.address}")
        runtime = Runtime(emulator, handler="echo", env={"AWS_LAMBDA_LOG_FORMAT": "JSON"})
        with runtime:
            step("bootstrap started with _HANDLER=echo (JSON logs)")
            results.append(invoke(emulator, "echo small JSON", json.dumps({"refresh": "staging", "n": 1}).encode()))
            results.append(invoke(emulator, "echo non-JSON bytes", b"plain text survives untouched"))
            results.append(invoke(emulator, "echo 1 MiB", b'"' + b"x" * (1024 * 1024) + b'"'))
            results.append(invoke(emulator, "echo 6.5 MB (over Lambda's response limit)", b'"' + b"y" * 6_500_000 + b'"'))
            results.append(invoke(emulator, "echo after the failure", b'{"still":"serving"}'))
            runtime.stop()
        step("bootstrap stopped with SIGTERM; its log lines:")
        for line in runtime.logs.splitlines():
            print(f"           {line}")
        step("Runtime API calls it made:")
        for call in emulator.calls():
            extra = f"  errorType={call['errorType']}" if call.get("errorType") else ""
            print(f"           {call['method']:4} {call['path']} → {call['status']}{extra}")
    ok = sum(results)
    step(f"summary: {ok} invocations succeeded, {len(results) - ok} failed (the 6.5 MB echo is meant to fail)")
    return 0 if results == [True, True, True, False, True] else 1


if __name__ == "__main__":
    sys.exit(main())
