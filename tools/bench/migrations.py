"""The migrations half of `make bench`: pagila applied by the release `bootstrap` through the Data API
emulator to PostgreSQL 15, next to `psql -f` of the same file, and each splitter's throughput."""
import json
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "Tests" / "support"))

from harness.data_api import DataAPIServer, migrate_directly  # noqa: E402
from harness.postgres_peer import PostgresServer  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
RELEASE = ROOT / ".build" / "release"
PAGILA = ROOT / "Tests" / "integration" / "data" / "pagila-schema.sql"


def mysql_sample() -> str:
    """A MySQL migration of everyday shapes, repeated to about pagila's size: tables with comments,
    quoted strings with escapes, and a DELIMITER-wrapped procedure and trigger."""
    block = """-- orders, part {n}
CREATE TABLE orders_{n} (
  id BIGINT PRIMARY KEY AUTO_INCREMENT, # surrogate key
  note VARCHAR(200) DEFAULT 'it''s \\'quoted\\' ; not the end',
  `select` INT /* a reserved word as a column */
) ENGINE=InnoDB /*!50100 COMMENT='partitioned later' */;
INSERT INTO orders_{n} (note, `select`) VALUES ("double \\" quoted; still one", 1), ('two', 2);
DELIMITER //
CREATE PROCEDURE bump_{n}(IN amount INT)
BEGIN
  UPDATE orders_{n} SET `select` = `select` + amount; -- inside the body; no split here
  SELECT 'done;' AS status;
END //
CREATE TRIGGER orders_{n}_touch BEFORE UPDATE ON orders_{n} FOR EACH ROW BEGIN SET NEW.note = CONCAT(NEW.note, ';'); END //
DELIMITER ;
"""
    text, n = "", 0
    while len(text) < PAGILA.stat().st_size:
        text += block.format(n=n)
        n += 1
    return text


def splitter(dialect, path, seconds=2.0):
    result = subprocess.run([str(RELEASE / "split-bench"), dialect, str(path), str(seconds)], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def stats(api):
    with urllib.request.urlopen(api.endpoint + "/_emulator/stats", timeout=10) as response:
        return json.load(response)


def child_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def pagila(runs=5):
    """Median of `runs` fresh databases each way: our binary through the emulator, and psql -f."""
    os.environ["BUILD_DIR"] = str(RELEASE)
    ours, reference = [], []
    with PostgresServer() as postgres, tempfile.TemporaryDirectory() as directory:
        postgres.psql("-c", "CREATE ROLE postgres")  # pagila's dump gives its objects to this owner
        (pathlib.Path(directory) / "V1__pagila.sql").write_bytes(PAGILA.read_bytes())
        cluster = DataAPIServer.cluster_for(postgres)
        with DataAPIServer([cluster]) as api:
            for run in range(runs):
                database = f"bench_{run}"
                postgres.psql("-d", "postgres", "-c", f"CREATE DATABASE {database}")
                before, cpu_before = stats(api), child_cpu_seconds()
                started = time.perf_counter()
                status, summary = migrate_directly(api, cluster, directory, database)
                wall = time.perf_counter() - started
                after, cpu = stats(api), child_cpu_seconds() - cpu_before
                if status != 0:
                    raise RuntimeError(f"pagila did not apply: {summary}")
                ours.append({"wall": wall, "clientCpu": cpu,
                             **{key: after[key] - before[key] for key in before}})
            for run in range(runs):
                database = f"reference_{run}"
                postgres.psql("-d", "postgres", "-c", f"CREATE DATABASE {database}")
                started = time.perf_counter()
                postgres.psql("-f", str(PAGILA), database=database)
                reference.append(time.perf_counter() - started)
    ours.sort(key=lambda r: r["wall"])
    reference.sort()
    return {"runs": runs, "ours": ours[len(ours) // 2], "psqlSeconds": reference[len(reference) // 2]}


def main():
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as sample:
        sample.write(mysql_sample())
    try:
        result = {"postgresSplitter": splitter("postgres", PAGILA), "mysqlSplitter": splitter("mysql", sample.name),
                  "pagila": pagila()}
    finally:
        os.unlink(sample.name)
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
