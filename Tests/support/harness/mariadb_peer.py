"""A real MariaDB 10.11 server for tests: mariadb-install-db into a temp dir, listening on a free
127.0.0.1 port with a password user, stopped and removed on exit. As root it runs as the `mysql` user
Debian's package creates."""
import os
import pathlib
import shutil
import subprocess
import tempfile
import time

from .postgres_peer import free_port


class MariaDBServer:
    def __init__(self, user="staging", password="not-a-secret-maria", database="staging"):
        self.user, self.password, self.database = user, password, database
        self.host, self.port = "127.0.0.1", None
        self.directory = self.process = None

    def __enter__(self):
        self.directory = pathlib.Path(tempfile.mkdtemp(prefix="staging-refresh-mariadb-"))
        as_user = ["--user=mysql"] if os.geteuid() == 0 else []
        if os.geteuid() == 0:
            shutil.chown(self.directory, "mysql")
        self.port = free_port()
        self.socket = self.directory / "mysqld.sock"
        try:
            subprocess.run(["mariadb-install-db", "--no-defaults", f"--datadir={self.directory / 'data'}", *as_user,
                            "--auth-root-authentication-method=socket", "--skip-test-db"],
                           check=True, capture_output=True)
            self.process = subprocess.Popen(
                ["mariadbd", "--no-defaults", f"--datadir={self.directory / 'data'}", *as_user, "--bind-address=127.0.0.1",
                 f"--port={self.port}", f"--socket={self.socket}", f"--pid-file={self.directory / 'pid'}",
                 "--innodb-flush-log-at-trx-commit=0", "--skip-log-bin"],
                stdout=subprocess.DEVNULL, stderr=open(self.directory / "log", "w"))
            for _ in range(200):
                if self.socket.exists():
                    break
                time.sleep(0.05)
            self.root_sql(f"CREATE USER '{self.user}'@'127.0.0.1' IDENTIFIED BY '{self.password}'; "
                          f"GRANT ALL ON *.* TO '{self.user}'@'127.0.0.1' WITH GRANT OPTION; CREATE DATABASE {self.database};")
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def root_sql(self, sql):
        subprocess.run(["mariadb", "--no-defaults", f"--socket={self.socket}", "-uroot", "-e", sql], check=True, capture_output=True)

    def client(self, *arguments, database=None, input_text=None) -> str:
        """The `mariadb` client, the reference for what a file does, in utf8mb4 as the Data API connects."""
        command = ["mariadb", "--no-defaults", "--default-character-set=utf8mb4", f"-h{self.host}", f"-P{self.port}", f"-u{self.user}", f"-p{self.password}",
                   *arguments, database or self.database]
        result = subprocess.run(command, input=input_text, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"mariadb failed: {result.stderr.strip()}")
        return result.stdout

    def dump_schema(self, database, skip_table=None):
        command = ["mariadb-dump", "--no-defaults", f"-h{self.host}", f"-P{self.port}", f"-u{self.user}", f"-p{self.password}",
                   "--no-data", "--routines", "--triggers", "--skip-dump-date", "--skip-comments"]
        if skip_table:
            command.append(f"--ignore-table={database}.{skip_table}")
        return subprocess.run(command + [database], capture_output=True, text=True, check=True).stdout
