"""What Flyway users expect, on PostgreSQL 15 and MariaDB 10.11 through the binary, our Data API client and
the Data API emulator: a baseline, repeatable R__ files, ${placeholders}, plain file sets, and the
`bootstrap migrate info|validate|migrate|repair` CLI. Each test runs on both engines."""
import pytest

from harness.data_api import DataAPIServer, migrate_cli, migrate_directly
from harness.mariadb_peer import MariaDBServer
from harness.postgres_peer import PostgresServer


class Engine:
    """One database server behind the emulator, and what a test needs of it."""

    def __init__(self, name, server, api, cluster):
        self.name, self.server, self.api, self.cluster = name, server, api, cluster
        self.engine = "postgres" if name == "postgres" else "mysql"

    def create(self, database):
        if self.name == "postgres":
            self.server.psql("-d", "postgres", "-c", f"CREATE DATABASE {database}")
        else:
            self.server.root_sql(f"CREATE DATABASE {database}")

    def query(self, database, sql):
        """Rows as tuples of text, as the reference client prints them."""
        if self.name == "postgres":
            out = self.server.psql("-At", "-F", "\t", "-c", sql, database=database)
        else:
            out = self.server.client("-N", "-B", "-e", sql, database=database)
        return [tuple(line.split("\t")) for line in out.splitlines() if line]

    def sql(self, database, text):
        if self.name == "postgres":
            self.server.psql("-c", text, database=database)
        else:
            self.server.client(database=database, input_text=text)

    def migrate(self, directory, database, **settings):
        return migrate_directly(self.api, self.cluster, directory, database, engine=self.engine, **settings)

    def cli(self, directory, database, *arguments, **settings):
        return migrate_cli(self.api, self.cluster, directory, database, self.engine, *arguments, **settings)

    def history(self, database):
        return self.query(database, "SELECT version, description, success FROM staging_refresh_schema_history ORDER BY version")


@pytest.fixture(scope="module", params=["postgres", "mariadb"])
def engine(request):
    if request.param == "postgres":
        with PostgresServer() as server:
            cluster = DataAPIServer.cluster_for(server)
            with DataAPIServer([cluster]) as api:
                yield Engine("postgres", server, api, cluster)
    else:
        with MariaDBServer() as server:
            cluster = DataAPIServer.cluster_for(server, engine="mysql")
            with DataAPIServer([cluster]) as api:
                yield Engine("mariadb", server, api, cluster)


def write(directory, files):
    for name, text in files.items():
        (directory / name).write_text(text)


TRUE = {"postgres": "t", "mariadb": "1"}


def test_a_baseline_counts_earlier_versions_as_applied_on_a_database_without_history(engine, tmp_path):
    engine.create("baseline_app")
    # Production was migrated by another tool: V1's table is there, so running V1 would fail.
    engine.sql("baseline_app", "CREATE TABLE users (id INT PRIMARY KEY, made_by VARCHAR(20));")
    write(tmp_path, {"V1__users.sql": "CREATE TABLE users (id INT PRIMARY KEY);",
                     "V2__orders.sql": "CREATE TABLE orders (id INT PRIMARY KEY, user_id INT);"})
    status, summary = engine.migrate(tmp_path, "baseline_app", MIGRATIONS_BASELINE_VERSION="1")
    assert status == 0, summary
    assert (summary["applied"], summary["currentVersion"]) == (["2"], "2")
    assert engine.history("baseline_app") == [("1", "<< Baseline >>", TRUE[engine.name]), ("2", "orders", TRUE[engine.name])]
    status, info, _ = engine.cli(tmp_path, "baseline_app", "info")
    assert status == 0 and "| V1      | users       | Versioned | Baseline" in info and "| V2      | orders      | Versioned | Success" in info, info

    # With history already there, a baseline changes nothing and says so.
    engine.create("baseline_later")
    (tmp_path / "later").mkdir()
    write(tmp_path / "later", {"V1__t.sql": "CREATE TABLE t (a INT);"})
    status, _ = engine.migrate(tmp_path / "later", "baseline_later")
    write(tmp_path / "later", {"V2__u.sql": "CREATE TABLE u (a INT);"})
    status, summary = engine.migrate(tmp_path / "later", "baseline_later", MIGRATIONS_BASELINE_VERSION="5")
    assert status == 0 and summary["applied"] == ["2"], summary
    assert any("BaselineVersion 5 is ignored" in warning for warning in summary["warnings"]), summary


def test_repeatables_run_after_the_versioned_ones_and_again_whenever_they_change(engine, tmp_path):
    engine.create("repeatable_app")
    write(tmp_path, {"V1__accounts.sql": "CREATE TABLE accounts (id INT PRIMARY KEY, email VARCHAR(100), active INT);",
                     "R__views.sql": "CREATE OR REPLACE VIEW active_accounts AS SELECT id FROM accounts WHERE active = 1;"})
    status, summary = engine.migrate(tmp_path, "repeatable_app")
    assert status == 0 and summary["applied"] == ["1", "R__views"], summary
    assert summary["message"] == "applied 2 migrations (V1, R__views); database at V1"
    assert engine.migrate(tmp_path, "repeatable_app")[1]["applied"] == []

    # A new version and a changed view in one release: the version first, then the view that needs it.
    write(tmp_path, {"V2__names.sql": "ALTER TABLE accounts ADD COLUMN name VARCHAR(100);",
                     "R__views.sql": "CREATE OR REPLACE VIEW active_accounts AS SELECT id, name FROM accounts WHERE active = 1;"})
    status, summary = engine.migrate(tmp_path, "repeatable_app")
    assert status == 0 and summary["applied"] == ["2", "R__views"], summary
    engine.sql("repeatable_app", "INSERT INTO accounts (id, email, active, name) VALUES (1, 'a@example.com', 1, 'Ann');")
    assert engine.query("repeatable_app", "SELECT id, name FROM active_accounts") == [("1", "Ann")]
    rows = engine.query("repeatable_app", "SELECT version FROM staging_refresh_schema_history WHERE version LIKE 'R%'")
    assert rows == [("R__views",)]  # one row per repeatable, with its latest checksum


def test_placeholders_are_replaced_and_an_unknown_one_stops_the_run_before_anything_runs(engine, tmp_path):
    engine.create("placeholder_app")
    files = {"V1__grants.sql": "CREATE TABLE ${table_name} (id INT PRIMARY KEY, note VARCHAR(50) DEFAULT '${note}');"}
    if engine.name == "postgres":
        # $${…} is a dollar quote before a brace, not a placeholder.
        files["V2__kept.sql"] = "CREATE VIEW kept AS SELECT $${not_a_placeholder}$$::text AS t, $tag$${also_kept}$tag$::text AS u;"
    write(tmp_path, files)
    status, error = engine.migrate(tmp_path, "placeholder_app", MIGRATIONS_PLACEHOLDER_table_name="audit_log")
    assert status == 1 and "V1__grants.sql:1: ${note} has no value" in error["errorMessage"], error
    assert "table_name" in error["errorMessage"]
    assert engine.query("placeholder_app", "SELECT COUNT(*) FROM staging_refresh_schema_history") == [("0",)]

    status, summary = engine.migrate(tmp_path, "placeholder_app", MIGRATIONS_PLACEHOLDER_table_name="audit_log",
                                     MIGRATIONS_PLACEHOLDER_note="it works")
    assert status == 0, summary
    engine.sql("placeholder_app", "INSERT INTO audit_log (id) VALUES (1);")
    assert engine.query("placeholder_app", "SELECT note FROM audit_log") == [("it works",)]
    if engine.name == "postgres":
        assert engine.query("placeholder_app", "SELECT t, u FROM kept") == [("{not_a_placeholder}", "${also_kept}")]
    # The checksum is the file's, not the replaced text's: another value is not an edit.
    status, summary = engine.migrate(tmp_path, "placeholder_app", MIGRATIONS_PLACEHOLDER_table_name="other",
                                     MIGRATIONS_PLACEHOLDER_note="x")
    assert status == 0 and summary["applied"] == [], summary


def test_plain_naming_runs_every_file_once_in_name_order(engine, tmp_path):
    engine.create("plain_app")
    write(tmp_path, {"010_data.sql": "INSERT INTO items (id) VALUES (1);", "001_schema.sql": "CREATE TABLE items (id INT PRIMARY KEY);",
                     "notes.txt": "not SQL"})
    status, summary = engine.migrate(tmp_path, "plain_app", MIGRATION_NAMING="plain")
    assert status == 0, summary
    assert summary["message"] == "applied 2 files (001_schema.sql, 010_data.sql); 2 files applied in all"
    write(tmp_path, {"020_more.sql": "INSERT INTO items (id) VALUES (2);"})
    status, summary = engine.migrate(tmp_path, "plain_app", MIGRATION_NAMING="plain")
    assert status == 0 and summary["applied"] == ["020_more.sql"], summary
    assert engine.query("plain_app", "SELECT id FROM items ORDER BY id") == [("1",), ("2",)]
    write(tmp_path, {"001_schema.sql": "CREATE TABLE items (id BIGINT PRIMARY KEY);"})
    status, error = engine.migrate(tmp_path, "plain_app", MIGRATION_NAMING="plain")
    assert status == 1 and error["errorMessage"].startswith("001_schema.sql was changed after"), error


def test_the_cli_shows_validates_migrates_and_repairs(engine, tmp_path):
    engine.create("cli_app")
    write(tmp_path, {"V1__a.sql": "CREATE TABLE a (id INT);", "V2__b.sql": "CREATE TABLE b (id INT);"})
    status, info, _ = engine.cli(tmp_path, "cli_app", "info")
    assert status == 0 and info.count("| Pending ") == 2, info
    here = "current_schema()" if engine.name == "postgres" else "DATABASE()"
    assert engine.query("cli_app", "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'staging_refresh_schema_history' "
                                   f"AND table_schema = {here}") == [("0",)]  # info changes nothing
    status, out, err = engine.cli(tmp_path, "cli_app", "migrate")
    assert (status, out.strip()) == (0, "applied 2 migrations (V1..V2); database at V2"), err
    status, out, _ = engine.cli(tmp_path, "cli_app", "validate")
    assert (status, out.strip()) == (0, "valid: 2 applied and matching their files, 0 pending")

    # V1's file was edited after it ran: validate refuses, repair records the new checksum.
    write(tmp_path, {"V1__a.sql": "CREATE TABLE a (id INT); -- now with a comment"})
    status, _, err = engine.cli(tmp_path, "cli_app", "validate")
    assert status == 1 and "invalid: V1__a.sql was changed after V1 was applied" in err, err
    status, out, _ = engine.cli(tmp_path, "cli_app", "repair")
    assert (status, out.strip()) == (0, "recorded V1__a.sql's new checksum for V1")
    assert engine.cli(tmp_path, "cli_app", "validate")[0] == 0

    # A failed row (MySQL leaves one when a file stops half way): validate refuses, repair removes it.
    engine.sql("cli_app", "INSERT INTO staging_refresh_schema_history (version, description, checksum, execution_ms, success) "
                          "VALUES ('3', 'c', '" + "0" * 64 + "', 0, false);")
    write(tmp_path, {"V3__c.sql": "CREATE TABLE c (id INT);"})
    status, _, err = engine.cli(tmp_path, "cli_app", "validate")
    assert status == 1 and "V3 started but did not finish" in err, err
    status, out, _ = engine.cli(tmp_path, "cli_app", "repair")
    assert status == 0 and out.startswith("removed the failed row of V3"), out
    status, out, _ = engine.cli(tmp_path, "cli_app", "migrate", "--database", "cli_app")
    assert (status, out.strip()) == (0, "applied 1 migration (V3); database at V3")
    status, info, _ = engine.cli(tmp_path, "cli_app", "info")
    assert info.count("| Success ") == 3, info

    status, _, err = engine.cli(tmp_path, "cli_app", "frobnicate")
    assert status == 2 and "the commands are info, validate, migrate, repair" in err
