"""A real PostgreSQL 15 server for tests and `make run`: initdb into a temp dir, listening on a free
127.0.0.1 port with password (SCRAM) authentication, stopped and removed on exit. PostgreSQL refuses to
run as root, so as root the server runs as the `postgres` user Debian's package creates."""
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile

BIN = pathlib.Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    def __init__(self, user="staging", password="not-a-secret-pg", database="staging"):
        self.user, self.password, self.database = user, password, database
        self.host, self.port = "127.0.0.1", None
        self.directory = None

    def _run(self, *command):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(prefix + [str(c) for c in command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def __enter__(self):
        self.directory = pathlib.Path(tempfile.mkdtemp(prefix="staging-refresh-pg-"))
        data = self.directory / "data"
        password_file = self.directory / "password"
        password_file.write_text(self.password)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
            shutil.chown(password_file, "postgres")
        self.port = free_port()
        try:
            self._run(BIN / "initdb", "-D", data, "-U", self.user, "--pwfile", password_file, "--auth", "scram-sha-256",
                      "-E", "UTF8", "--locale", "C")
            self._run(BIN / "pg_ctl", "-D", data, "-l", self.directory / "log", "-w", "start", "-o",
                      f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.directory} "
                      "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
            self.psql("-d", "postgres", "-c", f"CREATE DATABASE {self.database}")
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        if self.directory is None:
            return
        if (self.directory / "data" / "postmaster.pid").exists():
            try:
                self._run(BIN / "pg_ctl", "-D", self.directory / "data", "-m", "immediate", "-w", "stop")
            except subprocess.CalledProcessError:
                pass
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory = None

    def env(self) -> dict:
        return {**os.environ, "PGHOST": self.host, "PGPORT": str(self.port), "PGUSER": self.user, "PGPASSWORD": self.password}

    def psql(self, *arguments, database=None, input_text=None) -> str:
        """psql, the reference client, with ON_ERROR_STOP; returns its stdout."""
        command = [str(BIN / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database or self.database, *arguments]
        if "-d" in arguments:
            command = [str(BIN / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", *arguments]
        result = subprocess.run(command, env=self.env(), input=input_text, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr.strip()}")
        return result.stdout

    def connect(self, database=None):
        import psycopg

        return psycopg.connect(host=self.host, port=self.port, user=self.user, password=self.password,
                               dbname=database or self.database, autocommit=True)
