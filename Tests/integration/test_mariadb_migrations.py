"""schema-migration on MariaDB 10.11 through the binary, our Data API client and the Data API emulator:
a set with DELIMITER, a procedure, a trigger and an executable comment gives the same
`mariadb-dump --no-data --routines --triggers` as the `mariadb` client; a failing file leaves a dirty row
that blocks later runs with the repair steps; concurrent runs apply each file once."""

import pytest

from harness.data_api import DataAPIServer, migrate_concurrently, migrate_directly
from harness.mariadb_peer import MariaDBServer

FILES = {
    "V1__tables.sql": """
CREATE TABLE accounts (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(100) NOT NULL,
                       balance DECIMAL(10,2) NOT NULL DEFAULT 0) ENGINE=InnoDB; # trailing comment
-- a comment line; with a semicolon
CREATE TABLE audit (id INT PRIMARY KEY AUTO_INCREMENT, account_id INT, note VARCHAR(255) DEFAULT 'it''s \\\\ ok;');
""",
    "V2__routines.sql": """
DELIMITER //
CREATE PROCEDURE deposit(IN account INT, IN amount DECIMAL(10,2))
BEGIN
  UPDATE accounts SET balance = balance + amount WHERE id = account;
  INSERT INTO audit (account_id, note) VALUES (account, CONCAT('deposit; ', amount));
END//
CREATE TRIGGER accounts_audit AFTER INSERT ON accounts FOR EACH ROW
BEGIN
  INSERT INTO audit (account_id, note) VALUES (NEW.id, "opened; \\"new\\"");
END//
DELIMITER ;
/*!50003 CREATE FUNCTION doubled(x INT) RETURNS INT DETERMINISTIC RETURN x * 2 */;
CREATE VIEW rich AS SELECT `name` FROM accounts WHERE balance > 1000;
""",
}


@pytest.fixture(scope="module")
def peers():
    with MariaDBServer() as mariadb:
        cluster = DataAPIServer.cluster_for(mariadb, engine="mysql")
        with DataAPIServer([cluster]) as api:
            yield mariadb, api, cluster


def migrate(peers, directory, database):
    _, api, cluster = peers
    return migrate_directly(api, cluster, directory, database, engine="mysql")


def test_delimiter_procedures_and_triggers_match_the_mariadb_client(peers, tmp_path):
    mariadb, _, _ = peers
    mariadb.root_sql("CREATE DATABASE reference; CREATE DATABASE migrated;")
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
        mariadb.client(database="reference", input_text=text)
    status, summary = migrate(peers, tmp_path, "migrated")
    assert status == 0, summary
    assert (summary["applied"], summary["currentVersion"]) == (["1", "2"], "2")
    migrated = mariadb.dump_schema("migrated", skip_table="staging_refresh_schema_history")
    reference = mariadb.dump_schema("reference")
    assert "CREATE DEFINER" in reference and "accounts_audit" in reference and "FUNCTION `doubled`" in reference
    assert migrated.replace("`migrated`", "`reference`") == reference
    # The procedure and trigger work as written.
    mariadb.client("-e", "INSERT INTO accounts (name) VALUES ('a'); CALL deposit(1, 5);", database="migrated")
    notes = mariadb.client("-N", "-e", "SELECT note FROM audit ORDER BY id", database="migrated")
    assert notes.split("\n")[:2] == ['opened; "new"', "deposit; 5.00"]
    assert migrate(peers, tmp_path, "migrated")[1]["applied"] == []


def test_a_failing_file_leaves_a_dirty_row_that_blocks_later_runs(peers, tmp_path):
    mariadb, _, _ = peers
    mariadb.root_sql("CREATE DATABASE dirty;")
    (tmp_path / "V1__ok.sql").write_text("CREATE TABLE ok (a INT);")
    (tmp_path / "V2__broken.sql").write_text("CREATE TABLE half (a INT);\nINSERT INTO nowhere VALUES (1);\n")
    status, error = migrate(peers, tmp_path, "dirty")
    assert status == 1 and error["errorMessage"].startswith("V2__broken.sql:2: ") and "nowhere" in error["errorMessage"]
    rows = mariadb.client("-N", "-e", "SELECT version, success FROM staging_refresh_schema_history ORDER BY version", database="dirty")
    assert rows.split("\n")[:2] == ["1\t1", "2\t0"]
    (tmp_path / "V2__broken.sql").write_text("CREATE TABLE half (a INT);\n")
    status, error = migrate(peers, tmp_path, "dirty")
    assert status == 1
    assert "V2 started but did not finish" in error["errorMessage"]
    assert "DELETE FROM staging_refresh_schema_history WHERE version = '2'" in error["errorMessage"]
    # The repair the message describes: undo the half-applied DDL, delete the row, run again.
    mariadb.client("-e", "DROP TABLE half; DELETE FROM staging_refresh_schema_history WHERE version = '2';", database="dirty")
    status, summary = migrate(peers, tmp_path, "dirty")
    assert status == 0 and summary["applied"] == ["2"]


def test_concurrent_runs_apply_each_file_once(peers, tmp_path):
    """MySQL has no transactional DDL, so the claim row decides: one run applies each file, and a run that
    finds a file claimed but unfinished stops rather than running it again."""
    mariadb, _, _ = peers
    mariadb.root_sql("CREATE DATABASE concurrent; CREATE TABLE concurrent.runs (file VARCHAR(10));")
    for version in range(1, 6):
        (tmp_path / f"V{version}__step.sql").write_text(f"INSERT INTO runs VALUES ('V{version}');\nDO SLEEP(0.05);\n")
    _, api, cluster = peers
    results = migrate_concurrently(api, cluster, tmp_path, "concurrent", engine="mysql")
    succeeded = [summary for status, summary in results if status == 0]
    assert succeeded, results
    for status, outcome in results:
        assert status == 0 or "started but did not finish" in outcome["errorMessage"] and "another run" in outcome["errorMessage"], outcome
    counts = mariadb.client("-N", "-e", "SELECT file, COUNT(*) FROM runs GROUP BY file ORDER BY file", database="concurrent")
    assert counts.strip().split("\n") == [f"V{v}\t1" for v in range(1, 6)]
    # Once the runs are over, a new one finds everything applied.
    status, summary = migrate(peers, tmp_path, "concurrent")
    assert (status, summary["applied"], summary["currentVersion"]) == (0, [], "5"), summary


def test_an_apps_own_schema_migrations_is_left_alone_and_naming_it_is_refused(peers, tmp_path):
    mariadb, api, cluster = peers
    mariadb.root_sql("CREATE DATABASE rails; CREATE TABLE rails.schema_migrations (version varchar(255) NOT NULL PRIMARY KEY); "
                     "INSERT INTO rails.schema_migrations VALUES ('20240101000000');")
    (tmp_path / "V1__a.sql").write_text("CREATE TABLE a (x int);")
    status, error = migrate_directly(api, cluster, tmp_path, "rails", engine="mysql", MIGRATIONS_TABLE="schema_migrations")
    assert status == 1 and "exists with other columns (version)" in error["errorMessage"], error
    assert mariadb.client("-N", "-e", "SHOW TABLES", database="rails").split() == ["schema_migrations"]
    status, summary = migrate(peers, tmp_path, "rails")
    assert status == 0 and summary["applied"] == ["1"], summary
    assert mariadb.client("-N", "-e", "SELECT version FROM schema_migrations", database="rails").split() == ["20240101000000"]
