"""`make run`'s cycle (tools/run.py, on the packaged binary) ends with exit status 0 and a summary that
names the snapshot, both SSM values, the completed stack, the CNAME and the applied migrations; then a
failing scheduled run ends, after Lambda's retries, as a message on the stack's failure topic; a stack with
MaskingSpec masks its staging DB while it is closed and opens it last."""
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_make_run_shows_the_whole_cycle_and_exits_0():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "run.py")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = result.stdout.split("\nsummary\n", 1)[1]
    chosen = summary.split("snapshot chosen:")[1].split()[0]
    assert f"latest-snapshot-id: {chosen}" in summary and f"current-snapshot-id: {chosen}" in summary
    assert "UPDATE_COMPLETE" in summary and "CNAME:               db.staging.internal →" in summary
    assert "migrations applied:  V1 accounts, V2 orders, V3 mask emails" in summary
    assert "after 3 attempts: on the failure topic" in result.stdout
    assert "message: RetriesExhausted: Function.SnapshotNotFound:" in result.stdout
    # Sanitization: masked and verified while closed, migrated, then opened to the app's group only.
    masked = result.stdout.split("sanitization: deployed stack", 1)[1]
    assert "Custom::Sanitize: SUCCESS: masked 1 column in 1 table (1000 rows); verified" in masked
    closed = masked.split("(ClosedSecurityGroup ", 1)[1].split(":")[0]
    opened = masked.split("Custom::StagingAccess: SUCCESS", 1)[1].split("cluster's security groups now: ")[1].split()[0]
    before_access = masked.split("Custom::StagingAccess", 1)[0]
    assert before_access.count(f"cluster's security groups now: {closed}") == 2 and opened != closed
    assert "@real.example" not in masked.split("after:", 1)[1].splitlines()[0]
    # In place: the flight plan, the run followed to the end, production's copy under the target's names.
    in_place = result.stdout.split("in place: prod-db", 1)[1]
    assert "flight plan: 15 steps" in in_place and "now waiting for temp-legacy-staging is creating" in in_place
    assert ": done (" in in_place and "legacy-staging-r1: available, 100 GB (production's), source legacy-staging" in in_place
    assert "stopped moto_server, PostgreSQL and the Data API emulator" in result.stdout
