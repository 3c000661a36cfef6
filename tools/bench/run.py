"""`make bench`: the runtime measured against awslambdaric and a C floor, on the same emulator in
the same run; the results replace the runtime section of BENCHMARKS.md."""
import datetime
import json
import os
import pathlib
import platform
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
RELEASE = ROOT / ".build" / "release"
BENCH = ROOT / "tools" / "bench"
OUT = ROOT / ".build" / "bench"


def compile_c(name):
    OUT.mkdir(parents=True, exist_ok=True)
    binary = OUT / name
    subprocess.run(["cc", "-O2", "-Wall", "-o", str(binary), str(BENCH / f"{name}.c")], check=True)
    return binary


def bench(label, command, cold_starts=30, invocations=20_000, env=()):
    args = [str(RELEASE / "runtime-emulator"), "bench", "--label", label, "--cold-starts", str(cold_starts),
            "--invocations", str(invocations)]
    for item in env:
        args += ["--env", item]
    result = subprocess.run(args + ["--", *command], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": str(BENCH)})
    report = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"{label}: {report}", flush=True)
    return report


def main():
    pingpong = subprocess.run([str(compile_c("loopback-pingpong"))], capture_output=True, text=True, check=True).stdout
    pingpong += subprocess.run([str(compile_c("loopback-pingpong")), "spin"], capture_output=True, text=True, check=True).stdout
    floor = compile_c("floor-client")
    reports = [
        bench("C raw-socket client (floor)", [str(floor)]),
        bench("bootstrap (echo)", [str(RELEASE / "bootstrap")], env=["_HANDLER=echo"]),
        bench("awslambdaric 4.2.2 (echo)", [sys.executable, "-m", "awslambdaric", "echo_handler.handler"]),
    ]
    size = (RELEASE / "bootstrap").stat().st_size
    rows = "\n".join(
        f"| {r['label']} | {r['initMedianMs']:.2f} ms | {r['initP90Ms']:.2f} ms | {r['firstInvokeMedianUs']:.0f} µs | "
        f"{r['invokesPerSecond']:,.0f} | {r['p50Us']:.0f} µs | {r['p99Us']:.0f} µs | {r['peakRssKiB'] / 1024:.1f} MB | "
        f"{r['emulatorServiceUs']:.0f} µs | {r['wrongAnswers']} |"
        for r in reports)
    section = f"""<!-- runtime-bench:start (written by `make bench`; edit the prose outside the markers) -->
Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, {platform.machine()}, Linux {platform.release()};
`make bench` (`tools/bench/run.py`). Each row: 30 cold starts, each answering one invocation, then 20,000 warm invocations of a 1 KiB
JSON event, one runtime process, on the same emulator.

| runtime | init median | init p90 | first invoke (median) | invokes/s | p50 | p99 | peak RSS | emulator µs/invoke | wrong answers |
|---|---|---|---|---|---|---|---|---|---|
{rows}

bootstrap release binary: {size / 1e6:.1f} MB (static Swift stdlib, unstripped).

Loopback round trip on this machine (`tools/bench/loopback-pingpong.c`):
```
{pingpong.strip()}
```
<!-- runtime-bench:end -->"""
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n\n<!-- runtime-bench:start -->\n<!-- runtime-bench:end -->\n"
    text = re.sub(r"<!-- runtime-bench:start.*?<!-- runtime-bench:end -->", lambda _: section, text, flags=re.S)
    path.write_text(text)
    print(section)


if __name__ == "__main__":
    main()
