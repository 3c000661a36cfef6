"""The Data API emulator (Tests/support/data_api/emulator.py) as a test peer, over PostgresServer and
MariaDBServer: started on a free loopback port, stopped on exit."""
import json
import pathlib
import subprocess
import sys
import tempfile

EMULATOR = pathlib.Path(__file__).resolve().parents[1] / "data_api" / "emulator.py"
ACCESS_KEY, SECRET_KEY = "AKIDDATAAPIEXAMPLE", "data-api-secret-key-example"
REGION = "us-east-1"


class DataAPIServer:
    def __init__(self, clusters, statement_timeout=45, transaction_idle=180, resuming_calls=0, credentials=None):
        """`credentials`: more access keys (id → secret) whose signatures the emulator accepts, e.g. moto's
        user's, so one process can call moto and the Data API with one set of credentials, as on AWS."""
        self.config = {"region": REGION, "credentials": {ACCESS_KEY: SECRET_KEY, **(credentials or {})}, "clusters": clusters,
                       "statementTimeoutSeconds": statement_timeout, "transactionIdleSeconds": transaction_idle,
                       "resumingCalls": resuming_calls}
        self.process = None
        self.endpoint = None

    @staticmethod
    def cluster_for(server, name="staging", engine="postgres"):
        """The emulator's entry for a PostgresServer (engine postgres) or MariaDBServer (engine mysql)."""
        arn = f"arn:aws:rds:{REGION}:123456789012:cluster:{name}"
        secret = f"arn:aws:secretsmanager:{REGION}:123456789012:secret:{name}-db-AbCdEf"
        return {"resourceArn": arn, "secretArn": secret, "engine": engine, "host": server.host,
                "port": server.port, "user": server.user, "password": server.password}

    def __enter__(self):
        self._config_file = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump(self.config, self._config_file)
        self._config_file.close()
        self.process = subprocess.Popen([sys.executable, str(EMULATOR), self._config_file.name], stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("listening on 127.0.0.1:"):
            self.__exit__(None, None, None)
            raise RuntimeError(f"the Data API emulator did not start: {line!r}")
        self.endpoint = "http://" + line.split()[-1]
        return self

    def __exit__(self, *exc):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
        pathlib.Path(self._config_file.name).unlink(missing_ok=True)

    def add_cluster(self, entry):
        """Serves one more cluster from now on (an entry as cluster_for makes it)."""
        import urllib.request

        request = urllib.request.Request(self.endpoint + "/_emulator/clusters", data=json.dumps(entry).encode(), method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()

    def client(self, secret_key=SECRET_KEY):
        import boto3

        return boto3.client("rds-data", region_name=REGION, endpoint_url=self.endpoint,
                            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=secret_key)

    def trusts(self, access_key_id) -> bool:
        return access_key_id in self.config["credentials"]

    def env(self) -> dict:
        """What bootstrap needs to reach this emulator."""
        return {"AWS_ENDPOINT_URL_RDS_DATA": self.endpoint, "AWS_ACCESS_KEY_ID": ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_REGION": REGION}


def migrate_directly(api, cluster, directory, database, engine="postgres", **settings):
    """`bootstrap invoke schema-migration` with {"action": "migrate"} against `api`'s `cluster`, with
    more settings by name (MIGRATIONS_TABLE=…): (exit status, the summary or the error JSON)."""
    import os

    from .build import binary

    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    environment.update(api.env())
    environment.update(DB_CLUSTER_ARN=cluster["resourceArn"], DB_SECRET_ARN=cluster["secretArn"], DB_NAME=database,
                       DB_ENGINE=engine, MIGRATIONS_DIR=str(directory), **settings)
    result = subprocess.run([str(binary("bootstrap")), "invoke", "schema-migration", "--event", "-"],
                            input=b'{"action": "migrate"}', capture_output=True, env=environment, timeout=300)
    return result.returncode, json.loads(result.stdout if result.returncode == 0 else result.stderr)


def migrate_cli(api, cluster, directory, database, engine, *arguments, **settings):
    """`bootstrap migrate ARGUMENTS…` against `api`'s `cluster`, the settings from the environment as
    the handler reads them: (exit status, stdout, stderr)."""
    import os

    from .build import binary

    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    environment.update(api.env())
    environment.update(DB_CLUSTER_ARN=cluster["resourceArn"], DB_SECRET_ARN=cluster["secretArn"], DB_NAME=database,
                       DB_ENGINE=engine, MIGRATIONS_DIR=str(directory), **settings)
    result = subprocess.run([str(binary("bootstrap")), "migrate", *arguments], capture_output=True, text=True, env=environment, timeout=300)
    return result.returncode, result.stdout, result.stderr


def migrate_concurrently(api, cluster, directory, database, engine="postgres", runs=3):
    """`runs` migrate_directly calls at once against one database; their results in the order they ended."""
    import threading

    results = []
    workers = [threading.Thread(target=lambda: results.append(migrate_directly(api, cluster, directory, database, engine)))
               for _ in range(runs)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results
