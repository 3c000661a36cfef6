"""The migration runner through the binary (`bootstrap invoke schema-migration` with {"action": "migrate"}),
our Data API client and the Data API emulator, on real PostgreSQL 15: pagila gives the same schema as
`psql -f`, re-runs are no-ops, edited files are refused, failures roll back, and concurrent runs apply
each file once."""
import pathlib
import subprocess

import pytest

from harness.data_api import DataAPIServer, migrate_concurrently, migrate_directly
from harness.postgres_peer import BIN, PostgresServer

# pagila's schema (its licence beside it), kept in the repository so a clean clone tests it.
PAGILA = pathlib.Path(__file__).with_name("data") / "pagila-schema.sql"


@pytest.fixture(scope="module")
def peers():
    with PostgresServer() as postgres:
        postgres.psql("-c", "CREATE ROLE postgres")  # pagila's dump gives its objects to this owner
        cluster = DataAPIServer.cluster_for(postgres)
        with DataAPIServer([cluster]) as api:
            yield postgres, api, cluster


def migrate(peers, directory, database):
    _, api, cluster = peers
    return migrate_directly(api, cluster, directory, database, engine="postgres")


def fresh_database(postgres, name):
    postgres.psql("-d", "postgres", "-c", f"DROP DATABASE IF EXISTS {name}", "-c", f"CREATE DATABASE {name}")


def schema_dump(postgres, database):
    result = subprocess.run([str(BIN / "pg_dump"), "--schema-only", "--no-owner", "--exclude-table=staging_refresh_schema_history", database],
                            env=postgres.env(), capture_output=True, text=True, check=True)
    # pg_dump 15.14+ brackets its output with \restrict / \unrestrict and a random key per run.
    return "\n".join(line for line in result.stdout.splitlines() if not line.startswith(("\\restrict", "\\unrestrict")))


def test_pagila_gives_the_schema_psql_gives(peers, tmp_path):
    postgres, _, _ = peers
    fresh_database(postgres, "pagila_reference")
    postgres.psql("-f", str(PAGILA), database="pagila_reference")
    fresh_database(postgres, "pagila_migrated")
    (tmp_path / "V1__pagila.sql").write_bytes(PAGILA.read_bytes())
    status, summary = migrate(peers, tmp_path, "pagila_migrated")
    assert status == 0, summary
    assert (summary["applied"], summary["currentVersion"]) == (["1"], "1")
    assert schema_dump(postgres, "pagila_migrated") == schema_dump(postgres, "pagila_reference")

    status, again = migrate(peers, tmp_path, "pagila_migrated")
    assert (status, again["applied"], again["message"]) == (0, [], "no pending migrations; database at V1")


def test_an_edited_applied_file_refuses_the_whole_run(peers, tmp_path):
    postgres, _, _ = peers
    fresh_database(postgres, "edited")
    (tmp_path / "V1__table.sql").write_text("CREATE TABLE t (a int);\n")
    assert migrate(peers, tmp_path, "edited")[0] == 0
    (tmp_path / "V1__table.sql").write_text("CREATE TABLE t (a bigint);\n")
    (tmp_path / "V2__more.sql").write_text("CREATE TABLE u (a int);\n")
    status, error = migrate(peers, tmp_path, "edited")
    assert status == 1 and "V1__table.sql was changed after V1 was applied" in error["errorMessage"]
    tables = postgres.psql("-At", "-c", "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'", database="edited")
    assert tables.strip() == "staging_refresh_schema_history,t"  # V2 did not run


def test_a_failing_statement_rolls_its_file_back_and_names_file_and_line(peers, tmp_path):
    postgres, _, _ = peers
    fresh_database(postgres, "failing")
    (tmp_path / "V1__ok.sql").write_text("CREATE TABLE ok (a int);\n")
    (tmp_path / "V2__broken.sql").write_text("CREATE TABLE half (a int);\n\nINSERT INTO half VALUES ('not a number');\n")
    status, error = migrate(peers, tmp_path, "failing")
    assert status == 1
    assert "V2__broken.sql:3:" in error["errorMessage"] and "invalid input syntax for type integer" in error["errorMessage"]
    rows = postgres.psql("-At", "-c", "SELECT string_agg(version, ',' ORDER BY version) FROM staging_refresh_schema_history", database="failing")
    assert rows.strip() == "1"
    exists = postgres.psql("-At", "-c", "SELECT to_regclass('public.half') IS NULL", database="failing")
    assert exists.strip() == "t"  # the file's CREATE TABLE was rolled back with it


def test_concurrent_runs_apply_each_file_once(peers, tmp_path):
    postgres, _, _ = peers
    fresh_database(postgres, "concurrent")
    postgres.psql("-c", "CREATE TABLE runs (file text)", database="concurrent")
    for version in range(1, 6):
        (tmp_path / f"V{version}__step.sql").write_text(
            f"INSERT INTO runs VALUES ('V{version}');\nSELECT pg_sleep(0.05);\n")
    _, api, cluster = peers
    results = migrate_concurrently(api, cluster, tmp_path, "concurrent", engine="postgres")
    assert all(status == 0 for status, _ in results), results
    assert sorted(v for _, summary in results for v in summary["applied"]) == ["1", "2", "3", "4", "5"]
    counts = postgres.psql("-At", "-c", "SELECT file || '=' || count(*) FROM runs GROUP BY file ORDER BY file", database="concurrent")
    assert counts.split() == [f"V{v}=1" for v in range(1, 6)]


def test_a_missing_file_is_a_warning(peers, tmp_path):
    postgres, _, _ = peers
    fresh_database(postgres, "missing")
    (tmp_path / "V1__a.sql").write_text("SELECT 1;")
    (tmp_path / "V2__b.sql").write_text("SELECT 2;")
    assert migrate(peers, tmp_path, "missing")[0] == 0
    (tmp_path / "V1__a.sql").unlink()
    status, summary = migrate(peers, tmp_path, "missing")
    assert status == 0 and summary["warnings"] == ["V1 is applied but its file is missing from the migrations directory"]


def test_a_resuming_serverless_cluster_is_waited_for(peers, tmp_path):
    postgres, _, cluster = peers
    fresh_database(postgres, "resuming")
    (tmp_path / "V1__a.sql").write_text("CREATE TABLE a (x int);")
    with DataAPIServer([cluster], resuming_calls=3) as waking:
        # The emulator does answer as a waking cluster: once here, twice more for the handler to wait out.
        with pytest.raises(waking.client().exceptions.DatabaseResumingException):
            waking.client().execute_statement(resourceArn=cluster["resourceArn"], secretArn=cluster["secretArn"], sql="SELECT 1")
        status, summary = migrate((postgres, waking, cluster), tmp_path, "resuming")
    assert status == 0, summary
    assert summary["applied"] == ["1"]


def test_a_refused_password_says_how_to_fix_it_for_scram(peers, tmp_path):
    # PostgreSQL 15 here stores passwords as scram-sha-256, as Aurora PostgreSQL 14+ does; a user whose
    # password the server refuses gets the same FATAL the Data API passes on.
    postgres, _, cluster = peers
    wrong = {**cluster, "resourceArn": cluster["resourceArn"] + "-wrong-password", "password": "not-the-password"}
    (tmp_path / "V1__a.sql").write_text("CREATE TABLE a (x int);")
    with DataAPIServer([wrong]) as api:
        status, error = migrate_directly(api, wrong, tmp_path, postgres.database)
    assert status == 1
    assert "password authentication failed" in error["errorMessage"]
    assert "scram-sha-256" in error["errorMessage"] and "ALTER ROLE" in error["errorMessage"], error


# A Rails app's own table, as `rails db:migrate` creates it.
RAILS_HISTORY = "CREATE TABLE schema_migrations (version character varying NOT NULL PRIMARY KEY); INSERT INTO schema_migrations VALUES ('20240101000000');"


def test_an_apps_own_schema_migrations_is_left_alone_and_ours_is_used(peers, tmp_path):
    postgres, _, _ = peers
    fresh_database(postgres, "rails")
    postgres.psql("-c", RAILS_HISTORY, database="rails")
    (tmp_path / "V1__a.sql").write_text("CREATE TABLE a (x int);")
    status, summary = migrate(peers, tmp_path, "rails")
    assert status == 0 and summary["applied"] == ["1"], summary
    assert postgres.psql("-At", "-c", "SELECT version FROM schema_migrations", database="rails").strip() == "20240101000000"
    assert postgres.psql("-At", "-c", "SELECT version FROM staging_refresh_schema_history", database="rails").strip() == "1"


def test_naming_the_apps_table_is_refused_before_anything_runs(peers, tmp_path):
    postgres, api, cluster = peers
    fresh_database(postgres, "rails_named")
    postgres.psql("-c", RAILS_HISTORY, database="rails_named")
    (tmp_path / "V1__a.sql").write_text("CREATE TABLE a (x int);")
    status, error = migrate_directly(api, cluster, tmp_path, "rails_named", MIGRATIONS_TABLE="schema_migrations")
    assert status == 1
    assert "the history table \"public\".schema_migrations exists with other columns (version)" in error["errorMessage"]
    assert "Set MIGRATIONS_TABLE" in error["errorMessage"] and "nothing was run" in error["errorMessage"]
    tables = postgres.psql("-At", "-c", "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'", database="rails_named")
    assert tables.strip() == "schema_migrations"


def test_a_database_migrated_under_the_former_default_keeps_its_history(peers, tmp_path):
    postgres, _, _ = peers
    fresh_database(postgres, "former")
    (tmp_path / "V1__a.sql").write_text("CREATE TABLE a (x int);")
    assert migrate(peers, tmp_path, "former")[0] == 0
    postgres.psql("-c", "ALTER TABLE staging_refresh_schema_history RENAME TO schema_migrations", database="former")
    (tmp_path / "V2__b.sql").write_text("CREATE TABLE b (x int);")
    status, summary = migrate(peers, tmp_path, "former")
    assert status == 0 and summary["applied"] == ["2"], summary  # V1 is not run again
    assert any("former default name" in warning and "RENAME TO staging_refresh_schema_history" in warning for warning in summary["warnings"])
    assert postgres.psql("-At", "-c", "SELECT string_agg(version, ',' ORDER BY version) FROM schema_migrations", database="former").strip() == "1,2"


def test_pg_dump_output_with_a_multi_action_rule_and_restrict_lines_applies_as_psql_applies_it(peers, tmp_path):
    postgres, _, _ = peers
    fresh_database(postgres, "rule_source")
    postgres.psql("-c", "CREATE TABLE t (a int); CREATE TABLE audit (a int, at timestamptz DEFAULT now());"
                        "CREATE RULE log_insert AS ON INSERT TO t DO ALSO (INSERT INTO audit (a) VALUES (new.a); NOTIFY t_changed);",
                  database="rule_source")
    dump = subprocess.run([str(BIN / "pg_dump"), "--schema-only", "--no-owner", "rule_source"], env=postgres.env(),
                          capture_output=True, text=True, check=True).stdout
    assert "DO ( INSERT INTO" in dump.replace("\n", " ") or "DO (INSERT INTO" in dump.replace("\n", " "), dump
    assert dump.lstrip().startswith("--") and "\n\\restrict " in dump  # pg_dump 15.14+ brackets its output
    fresh_database(postgres, "rule_reference")
    (tmp_path / "V1__dump.sql").write_text(dump)
    postgres.psql("-f", str(tmp_path / "V1__dump.sql"), database="rule_reference")
    fresh_database(postgres, "rule_migrated")
    status, summary = migrate(peers, tmp_path, "rule_migrated")
    assert status == 0, summary
    assert schema_dump(postgres, "rule_migrated") == schema_dump(postgres, "rule_reference")
    assert "log_insert" in schema_dump(postgres, "rule_migrated")


def test_standard_conforming_strings_off_splits_and_stores_as_psql_does(peers, tmp_path):
    postgres, _, _ = peers
    sql = "SET standard_conforming_strings = off;\nCREATE TABLE s (v text);\nINSERT INTO s VALUES ('a\\';b'), ('c');\n"
    (tmp_path / "V1__escapes.sql").write_text(sql)
    fresh_database(postgres, "escapes_reference")
    postgres.psql("-f", str(tmp_path / "V1__escapes.sql"), database="escapes_reference")
    fresh_database(postgres, "escapes_migrated")
    status, summary = migrate(peers, tmp_path, "escapes_migrated")
    assert status == 0, summary
    rows = {database: postgres.psql("-At", "-c", "SELECT string_agg(v, '|' ORDER BY v) FROM s", database=database).strip()
            for database in ("escapes_reference", "escapes_migrated")}
    assert rows["escapes_migrated"] == rows["escapes_reference"] == "a';b|c", rows
