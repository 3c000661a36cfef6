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

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import aws_client  # noqa: E402
import instructions  # noqa: E402
import migrations  # noqa: E402
import sanitize  # noqa: E402
import splitter_corpus  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
RELEASE = ROOT / ".build" / "release"
BENCH = ROOT / "tools" / "bench"
OUT = ROOT / ".build" / "bench"


def compile_c(name):
    OUT.mkdir(parents=True, exist_ok=True)
    binary = OUT / name
    subprocess.run(["cc", "-O2", "-Wall", "-o", str(binary), str(BENCH / f"{name}.c")], check=True)
    return binary


def bench(label, command, cold_starts=30, invocations=20_000, env=(), unique_trace_ids=False):
    args = [str(RELEASE / "runtime-emulator"), "bench", "--label", label, "--cold-starts", str(cold_starts),
            "--invocations", str(invocations)] + (["--unique-trace-ids", "yes"] if unique_trace_ids else [])
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
    # Lambda sends a new trace id with every invocation; the runtime must not grow with them.
    memory = {count: bench(f"bootstrap (echo), {count:,} invocations with unique trace ids", [str(RELEASE / "bootstrap")],
                           cold_starts=1, invocations=count, env=["_HANDLER=echo"], unique_trace_ids=True)["peakRssKiB"]
              for count in (5_000, 100_000)}
    growth = (memory[100_000] - memory[5_000]) / 1024
    # valgrind cannot read the release binary's DWARF 5; the stripped one in dist/ is the same code.
    counted = instructions.main(floor, ROOT / "dist" / "bootstrap")
    size = (RELEASE / "bootstrap").stat().st_size
    zips = {name: (ROOT / "dist" / name).stat().st_size
            for name in ("bootstrap.zip", "bootstrap", "lib/libcurl-staging-refresh.so", "migrations-layer.zip")}
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

Peak RSS of bootstrap (echo) with a unique trace id per invocation: {memory[5_000] / 1024:.2f} MB after 5,000 invocations,
{memory[100_000] / 1024:.2f} MB after 100,000: growth {growth:.2f} MB (goal ≤ 0.25 MB).

Instructions per warm invocation (callgrind, user space only; repeatable where times are not):
C floor {counted['floor']:,.0f}, bootstrap {counted['bootstrap']:,.0f} (`tools/bench/instructions.py`).

bootstrap release binary: {size / 1e6:.1f} MB (static Swift stdlib and libstdc++, unstripped; the bench runs it).
`make package`: dist/bootstrap.zip {zips['bootstrap.zip'] / 1e6:.2f} MB (stripped binary {zips['bootstrap'] / 1e6:.1f} MB,
carried lib/libcurl-staging-refresh.so {zips['lib/libcurl-staging-refresh.so'] / 1e6:.1f} MB),
dist/migrations-layer.zip {zips['migrations-layer.zip']:,} B (the sample migrations).

Loopback round trip on this machine (`tools/bench/loopback-pingpong.c`):
```
{pingpong.strip()}
```
<!-- runtime-bench:end -->"""
    replace_section("runtime-bench", section)
    print(section)

    aws = aws_client.main()
    signing, trip = aws["signing"], aws["roundTrip"]
    section = f"""<!-- aws-bench:start (written by `make bench`) -->
Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; `make bench` (`tools/bench/aws_client.py`).

| | ours | botocore / boto3 | ratio |
|---|---|---|---|
| SigV4 signatures/s ({signing['requests']:,} differential-test requests, bodies under 3 KB) | {signing['oursPerSecond']:,.0f} | {signing['botocorePerSecond']:,.0f} | {signing['oursPerSecond'] / signing['botocorePerSecond']:.1f}× |
| signed SSM GetParameter to moto, warm, median of {trip['calls']} | {trip['oursMedianUs'] / 1000:.2f} ms | {trip['boto3MedianUs'] / 1000:.2f} ms | {trip['oursMedianUs'] / trip['boto3MedianUs']:.2f} |
| same, p90 | {trip['oursP90Us'] / 1000:.2f} ms | {trip['boto3P90Us'] / 1000:.2f} ms | {trip['oursP90Us'] / trip['boto3P90Us']:.2f} |
| first call (loads libcurl, connects) | {trip['oursFirstUs'] / 1000:.2f} ms | | |
<!-- aws-bench:end -->"""
    replace_section("aws-bench", section)
    print(section)

    result = migrations.main()
    ours, runs, statements = result["pagila"]["ours"], result["pagila"]["runs"], result["postgresSplitter"]["statements"]
    requests = ours["requests"]
    per = lambda seconds: f"{seconds / requests * 1e3:.2f} ms"  # noqa: E731
    section = f"""<!-- migrations-bench:start (written by `make bench`) -->
Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; `make bench` (`tools/bench/migrations.py`).

| splitter | input | statements | MB/s |
|---|---|---|---|
| PostgreSQL | pagila-schema.sql, {result['postgresSplitter']['bytes']:,} B | {statements} | {result['postgresSplitter']['megabytesPerSecond']:.1f} |
| MySQL | DELIMITER/procedure/trigger sample, {result['mysqlSplitter']['bytes']:,} B | {result['mysqlSplitter']['statements']} | {result['mysqlSplitter']['megabytesPerSecond']:.1f} |

pagila ({statements} statements) into a fresh PostgreSQL 15 database, median of {runs} runs:

| | wall | statements/s |
|---|---|---|
| `bootstrap invoke schema-migration` → Data API emulator → PostgreSQL | {ours['wall']:.3f} s | {statements / ours['wall']:,.0f} |
| `psql -f` of the same file (one connection, no HTTP) | {result['pagila']['psqlSeconds']:.3f} s | {statements / result['pagila']['psqlSeconds']:,.0f} |

Where one Data API call's time goes ({requests} calls: the statements, the history table, the lock, begin and commit):

| per call | |
|---|---|
| wall (whole run / calls) | {per(ours['wall'])} |
| emulator: request read → reply written | {per(ours['serviceSeconds'])} |
| of which the database driver (statement + rows) | {per(ours['databaseSeconds'])} |
| bootstrap's CPU (user + system, incl. start-up and loading libcurl) | {per(ours['clientCpu'])} |
<!-- migrations-bench:end -->"""
    replace_section("migrations-bench", section)
    print(section)

    masked = sanitize.main()
    section = f"""<!-- sanitize-bench:start (written by `make bench`) -->
Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; `make bench` (`tools/bench/sanitize.py`).

{masked['rows']:,} rows (users: email, name, phone; orders: the users' emails, a foreign key) on PostgreSQL 15; both
databases end byte-identical:

| | wall | rows/s |
|---|---|---|
| `bootstrap invoke sanitize` → Data API emulator → PostgreSQL (chunks, verification, progress) | {masked['oursSeconds']:.1f} s | {masked['oursRowsPerSecond']:,.0f} |
| `psql`: the same UPDATEs with the same expressions, one transaction | {masked['directSeconds']:.1f} s | {masked['directRowsPerSecond']:,.0f} |
| ratio (goal ≥ 50 %) | {masked['ratio'] * 100:.0f} % | |

Chunks: {", ".join(f"{name} {t['chunks']}" for name, t in masked['tables'].items())}.
<!-- sanitize-bench:end -->"""
    replace_section("sanitize-bench", section)
    print(section)

    corpus = splitter_corpus.main()
    pg, maria = corpus["postgres"], corpus["mariadb"]
    verdicts = lambda v: ", ".join(f"{count} {name}" for name, count in sorted(v.items()))  # noqa: E731
    section = f"""<!-- differential-bench:start (written by `make bench`) -->
Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; `make bench` (`tools/bench/splitter_corpus.py`).

| corpus | files | verdicts | statements identical | compare time | splitter MB/s (release) |
|---|---|---|---|---|---|
| PostgreSQL regression suite (psql) | {pg['files']} | {verdicts(pg['verdicts'])} | {pg['statements']:,} | {pg['seconds']:.1f} s | {pg['speed']['megabytesPerSecond']:.1f} over the {pg['speed']['bytes']:,} B of identical files |
| MariaDB server scripts (mariadb client) | {maria['files']} | {verdicts(maria['verdicts'])} | {maria['statements']:,} | {maria['seconds']:.1f} s | {maria['speed']['megabytesPerSecond']:.1f} over all {maria['speed']['bytes']:,} B |

"refused": a psql meta-command in mid-line (`\\gset`, `\\;`), which the splitter refuses by design; "psql variable":
psql substituted one of its own variables. Every other file must be identical (DELIBERATE in
`Tests/support/harness/splitter_differential.py` lists what is normalized and why).
<!-- differential-bench:end -->"""
    replace_section("differential-bench", section)
    print(section)


def replace_section(name, section):
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text()
    text = re.sub(rf"<!-- {name}:start.*?<!-- {name}:end -->", lambda _: section, text, flags=re.S)
    path.write_text(text)


if __name__ == "__main__":
    main()
