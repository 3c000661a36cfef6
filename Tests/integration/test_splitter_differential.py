"""The splitter held to the real clients: each file goes to psql / the mariadb client, connected to a server
that records the exact text of every statement it receives (harness/statement_recorder.py), and to
`split-bench --statements`; the statements must be the same (harness/splitter_differential.py says what is
normalized and why). PostgreSQL: a pinned sample of PostgreSQL 15's regression suite (data/pg-regress);
`make bench` runs all of it. MariaDB: the SQL scripts the MariaDB server package installs (its system tables,
the sys schema's procedures and functions with DELIMITER, the help tables' 3,700 INSERTs)."""
import collections
import pathlib

import pytest

from harness.build import binary
from harness.postgres_peer import BIN
from harness.splitter_differential import compare, without_psql_lines
from harness.statement_recorder import MySQLRecorder, PostgresRecorder

SAMPLE = pathlib.Path(__file__).with_name("data") / "pg-regress"
MARIADB_SCRIPTS = sorted(pathlib.Path("/usr/share/mysql").glob("*.sql"))


def verdicts(files, dialect, recorder, client=None):
    found = collections.defaultdict(list)
    for path in files:
        verdict, detail = compare(path, dialect, recorder, binary("split-bench"), client)
        found[verdict].append((path.name, detail))
    return found


def test_postgres_regression_sample_splits_as_psql_splits(tmp_path):
    files = []
    for source in sorted(SAMPLE.glob("*.sql")):
        cleaned = tmp_path / source.name
        cleaned.write_text(without_psql_lines(source.read_text()))
        files.append(cleaned)
    with PostgresRecorder() as recorder:
        found = verdicts(files, "postgres", recorder, BIN / "psql")
    assert found["different"] == [], found["different"]
    same = dict(found["same"])
    assert len(same) >= 12 and sum(same.values()) > 4000, same
    # Refused where psql would run a meta-command in mid-line (the Data API runs SQL, not psql).
    assert sorted(name for name, _ in found["refused"]) == ["advisory_lock.sql", "transactions.sql"], found["refused"]
    assert [name for name, _ in found["psql variable"]] == ["create_function_c.sql"]


def test_a_difference_is_found(tmp_path):
    """The comparison can fail: a statement psql ends at a `;` inside an unterminated-looking construct the
    splitter reads differently is reported, not normalized away."""
    path = tmp_path / "one.sql"
    path.write_text("SELECT 1;\nSELECT 2;\n")
    with PostgresRecorder() as recorder:
        recorded = recorder.record(path, BIN / "psql")
    assert recorded == ["SELECT 1;", "SELECT 2;"]
    from harness import splitter_differential

    class Extra:
        def record(self, path, client=None):
            return recorded + ["SELECT 3;"]

    verdict, detail = splitter_differential.compare(path, "postgres", Extra(), binary("split-bench"), BIN / "psql")
    assert verdict == "different" and detail["client count"] == 3 and detail["splitter count"] == 2


@pytest.mark.skipif(not MARIADB_SCRIPTS, reason="the MariaDB server package's scripts are not installed")
def test_mariadb_server_scripts_split_as_the_mariadb_client_splits():
    with MySQLRecorder() as recorder:
        found = verdicts(MARIADB_SCRIPTS, "mysql", recorder)
    assert set(found) == {"same"}, {k: v for k, v in found.items() if k != "same"}
    statements = dict(found["same"])
    assert statements.get("mysql_sys_schema.sql", 0) > 150 and sum(statements.values()) > 1000, statements
