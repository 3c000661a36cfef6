"""`make bench`: the differential test on whole corpora, with the splitters' speed on them.

PostgreSQL: every file of the installed PostgreSQL's regression suite (src/test/regress/sql, from Debian's
source package of the installed version, fetched once into .build/corpus with `apt-get source`), with
whole-line psql meta-commands and COPY FROM stdin blocks removed. MariaDB: the SQL scripts its server
package installs. Each file goes to the real client and to the splitter (harness/splitter_differential.py)."""
import collections
import json
import pathlib
import re
import subprocess
import sys
import tarfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "support"))

from harness.postgres_peer import BIN  # noqa: E402
from harness.splitter_differential import compare, without_psql_lines  # noqa: E402
from harness.statement_recorder import MySQLRecorder, PostgresRecorder  # noqa: E402

RELEASE = ROOT / ".build" / "release"
CORPUS = ROOT / ".build" / "corpus"


def postgres_regression_suite():
    """The regression suite's .sql files of the installed PostgreSQL major version, fetched once."""
    major = re.search(r"(\d+)\.", subprocess.run([str(BIN / "psql"), "--version"], capture_output=True, text=True).stdout).group(1)
    package = f"postgresql-{major}"
    target = CORPUS / package
    if not (target / "sql").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        versions = re.findall(r"^Version: (\S+)$", subprocess.run(["apt-cache", "showsrc", package], capture_output=True, text=True).stdout, re.M)
        for version in versions:  # the newest may not be on the mirror yet
            if subprocess.run(["apt-get", "source", "--download-only", f"{package}={version}"], cwd=target, capture_output=True).returncode == 0:
                break
        else:
            raise RuntimeError(f"cannot download {package}'s source ({', '.join(versions) or 'no deb-src entry'}); `make curl` adds deb-src entries")
        [archive] = target.glob("*.orig.tar.*")
        (target / "sql").mkdir()
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                if re.search(r"/src/test/regress/sql/[^/]+\.sql$", member.name) or member.name.endswith("/COPYRIGHT"):
                    member.name = ("sql/" if member.name.endswith(".sql") else "") + pathlib.Path(member.name).name
                    tar.extract(member, target, filter="data")
    return sorted((target / "sql").glob("*.sql"))


def splitter_speed(dialect, path, seconds=2.0):
    result = subprocess.run([str(RELEASE / "split-bench"), dialect, str(path), str(seconds)], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def speed_over(dialect, files, seconds_each=0.05):
    """One MB/s over many files, each split on its own (a file may leave settings such as
    standard_conforming_strings that the next must not inherit): all bytes split / all time taken."""
    megabytes = seconds = 0.0
    total = 0
    for path in files:
        one = splitter_speed(dialect, path, seconds_each)
        done = one["bytes"] * one["iterations"] / 1e6
        megabytes, seconds, total = megabytes + done, seconds + done / one["megabytesPerSecond"], total + one["bytes"]
    return {"bytes": total, "megabytesPerSecond": megabytes / seconds}


def run(files, dialect, recorder, client=None):
    counts, statements, same = collections.Counter(), 0, []
    started = time.perf_counter()
    for path in files:
        verdict, detail = compare(path, dialect, recorder, RELEASE / "split-bench", client)
        counts[verdict] += 1
        if verdict == "same":
            statements += detail
            same.append(path)
        elif verdict == "different":
            print(json.dumps(detail)[:1000], file=sys.stderr)
    return {"files": len(files), "verdicts": dict(counts), "statements": statements, "seconds": time.perf_counter() - started}, same


def main():
    cleaned = CORPUS / "postgres-cleaned"
    cleaned.mkdir(parents=True, exist_ok=True)
    files = []
    for source in postgres_regression_suite():
        path = cleaned / source.name
        path.write_text(without_psql_lines(source.read_text(errors="surrogateescape")), errors="surrogateescape")
        files.append(path)
    with PostgresRecorder() as recorder:
        postgres, same = run(files, "postgres", recorder, BIN / "psql")
    postgres["speed"] = speed_over("postgres", same)
    mariadb_files = sorted(pathlib.Path("/usr/share/mysql").glob("*.sql"))
    with MySQLRecorder() as recorder:
        mariadb, _ = run(mariadb_files, "mysql", recorder)
    mariadb["speed"] = speed_over("mysql", mariadb_files, seconds_each=0.5)
    result = {"postgres": postgres, "mariadb": mariadb}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
