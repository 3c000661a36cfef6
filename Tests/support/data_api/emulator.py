"""A local RDS Data API (rds-data, restJson1) over real databases, for tests and `make run`.

It speaks botocore's rds-data model: POST /Execute, /BeginTransaction, /CommitTransaction,
/RollbackTransaction and /BatchExecute, typed Field values, columnMetadata, numberOfRecordsUpdated and
formatRecordsAs JSON, and AWS's error names. The databases do the SQL: PostgreSQL through
psycopg's extended protocol and MySQL/MariaDB through PyMySQL without multi-statement support, so a
string holding two statements is refused by the database itself, as the Data API refuses it.

Every request must carry a SigV4 signature for service rds-data made with one of the configured keys;
botocore recomputes it. The limits: `sql` up to 65,536 characters, responses up to 1 MiB, a statement
timeout (45 s at AWS; set lower for tests) after which the call fails with StatementTimeoutException
and, unless continueAfterTimeout, the statement is cancelled, and transactions rolled back after an
idle time (3 minutes at AWS).

`python3 emulator.py CONFIG.json` serves on a free 127.0.0.1 port and prints "listening on
127.0.0.1:PORT". CONFIG: {"region", "credentials": {access key: secret key}, "statementTimeoutSeconds",
"transactionIdleSeconds", "resumingCalls" (how many first calls answer DatabaseResumingException, as an
Aurora Serverless cluster does while it wakes), "clusters": [{"resourceArn", "secretArn", "engine": "postgres"|"mysql",
"host", "port", "user", "password"}]}.

`POST /_emulator/clusters` with one cluster entry adds it while serving: a test or `make run` learns a
cluster's ARN only when CloudFormation (moto) has made it up, as RDS would. `GET /_emulator/stats` (both
unsigned, like moto's /moto-api) tells `make bench` how many requests were served
and where their time went: `serviceSeconds` from the request's body read to the reply written, of which
`databaseSeconds` in the database driver (the statements themselves and fetching their rows).
"""
import base64
import datetime
import decimal
import json
import re
import secrets
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SQL_LIMIT = 65_536
RESPONSE_LIMIT = 1024 * 1024


class DataAPIError(Exception):
    STATUS = {"DatabaseResumingException": 400, "BadRequestException": 400, "DatabaseErrorException": 400, "StatementTimeoutException": 400,
              "ForbiddenException": 403, "AccessDeniedException": 403, "NotFoundException": 404,
              "TransactionNotFoundException": 404, "DatabaseNotFoundException": 404,
              "InternalServerErrorException": 500, "DatabaseUnavailableException": 504}

    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message, self.status = code, message, self.STATUS[code]


# --- databases -----------------------------------------------------------------------------------------

class Cluster:
    def __init__(self, config):
        self.config = config
        self.engine = config["engine"]

    def connect(self, database):
        if self.engine == "postgres":
            import psycopg

            try:
                return psycopg.connect(host=self.config["host"], port=self.config["port"], user=self.config["user"],
                                       password=self.config["password"], dbname=database or "postgres", autocommit=True)
            except psycopg.OperationalError as error:
                raise DataAPIError("DatabaseErrorException", str(error).strip()) from None
        import pymysql

        try:
            return pymysql.connect(host=self.config["host"], port=self.config["port"], user=self.config["user"],
                                   password=self.config["password"], database=database or None, autocommit=True,
                                   charset="utf8mb4")
        except pymysql.err.MySQLError as error:
            raise DataAPIError("DatabaseErrorException", str(error)) from None

    def database_error(self, error):
        """AWS's message shape: the server's message and its SQLState."""
        if self.engine == "postgres":
            state = getattr(error, "sqlstate", None) or ""
            primary = error.diag.message_primary if getattr(error, "diag", None) and error.diag.message_primary else str(error)
            return DataAPIError("DatabaseErrorException", f"ERROR: {primary.strip()}; SQLState: {state}")
        code, message = (error.args + ("",))[:2] if error.args else (0, str(error))
        return DataAPIError("DatabaseErrorException", f"Error {code}: {message}")

    def cancel(self, connection):
        if self.engine == "postgres":
            connection.cancel()
        else:
            killer = self.connect(None)
            try:
                killer.cursor().execute(f"KILL QUERY {connection.thread_id()}")
            finally:
                killer.close()


_NAMED = re.compile(r"""('(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"|`[^`]*`|--[^\n]*|/\*.*?\*/|\$\$.*?\$\$|::)|:([A-Za-z_][A-Za-z0-9_]*)""", re.S)


def bind(sql, parameters, engine):
    """`:name` placeholders to the driver's, outside quotes and comments, and Field values to Python."""
    values = {}
    for parameter in parameters or []:
        name = parameter.get("name")
        if not name:
            raise DataAPIError("BadRequestException", "Parameter name must not be empty")
        values[name] = field_to_python(parameter.get("value", {}), parameter.get("typeHint"))
    ordered = []

    def replace(match):
        if match.group(1):
            return match.group(1)
        name = match.group(2)
        if name not in values:
            raise DataAPIError("BadRequestException", f"No value specified for parameter: {name}")
        ordered.append(values[name])
        return "%s"

    if engine == "mysql" and not values:
        return sql, None  # PyMySQL formats only when given arguments
    # Both drivers then read %% as a literal %.
    return _NAMED.sub(replace, sql.replace("%", "%%")), ordered


def field_to_python(field, type_hint):
    if field.get("isNull"):
        return None
    for key in ("stringValue", "longValue", "doubleValue", "booleanValue"):
        if key in field:
            value = field[key]
            if key == "stringValue" and type_hint == "DECIMAL":
                return decimal.Decimal(value)
            return value
    if "blobValue" in field:
        return base64.b64decode(field["blobValue"])
    raise DataAPIError("BadRequestException", f"Unsupported parameter value: {json.dumps(field)}")


def python_to_field(value):
    if value is None:
        return {"isNull": True}
    if isinstance(value, bool):
        return {"booleanValue": value}
    if isinstance(value, int):
        return {"longValue": value}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"blobValue": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, (list, tuple)):
        return {"arrayValue": {"stringValues": [str(v) for v in value]}}
    if isinstance(value, datetime.datetime):
        return {"stringValue": value.strftime("%Y-%m-%d %H:%M:%S.%f").rstrip("0").rstrip(".")}
    return {"stringValue": str(value)}


def json_value(value):
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.time, datetime.datetime, uuid.UUID)):
        return str(value)
    return value


# --- transactions --------------------------------------------------------------------------------------

class Transaction:
    def __init__(self, cluster, connection):
        self.cluster, self.connection = cluster, connection
        self.lock = threading.Lock()
        self.last_used = time.monotonic()


class DataAPI:
    def __init__(self, config):
        self.config = config
        self.clusters = {c["resourceArn"]: Cluster(c) for c in config["clusters"]}
        self.secrets = {c["resourceArn"]: c["secretArn"] for c in config["clusters"]}
        self.timeout = float(config.get("statementTimeoutSeconds", 45))
        self.idle = float(config.get("transactionIdleSeconds", 180))
        self.transactions = {}
        self.guard = threading.Lock()
        self.resuming = int(config.get("resumingCalls", 0))
        self.stats = {"requests": 0, "databaseCalls": 0, "serviceSeconds": 0.0, "databaseSeconds": 0.0}
        threading.Thread(target=self._reap, daemon=True).start()

    def _reap(self):
        while True:
            time.sleep(min(1.0, self.idle / 4))
            now = time.monotonic()
            with self.guard:
                stale = [tid for tid, t in self.transactions.items() if now - t.last_used > self.idle and not t.lock.locked()]
                dropped = [self.transactions.pop(tid) for tid in stale]
            for transaction in dropped:
                try:
                    transaction.connection.rollback()
                finally:
                    transaction.connection.close()

    def cluster(self, body):
        with self.guard:
            if self.resuming > 0:
                self.resuming -= 1
                raise DataAPIError("DatabaseResumingException", "The Aurora DB instance is resuming after being auto-paused. Please wait a few seconds and try again.")
        arn, secret = body.get("resourceArn"), body.get("secretArn")
        if not arn or not secret:
            raise DataAPIError("BadRequestException", "resourceArn and secretArn are required")
        cluster = self.clusters.get(arn)
        if cluster is None:
            raise DataAPIError("BadRequestException", f"Invalid cluster arn: {arn}")
        if self.secrets[arn] != secret:
            raise DataAPIError("ForbiddenException", f"The secret {secret} is not the cluster's")
        return cluster

    def transaction(self, transaction_id):
        with self.guard:
            transaction = self.transactions.get(transaction_id)
        if transaction is None:
            raise DataAPIError("TransactionNotFoundException", f"Transaction {transaction_id} is not found")
        return transaction

    # operations

    def begin_transaction(self, body):
        cluster = self.cluster(body)
        connection = cluster.connect(body.get("database"))
        if cluster.engine == "postgres":
            connection.autocommit = False
        else:
            connection.begin()
        transaction_id = base64.b64encode(secrets.token_bytes(48)).decode()
        with self.guard:
            self.transactions[transaction_id] = Transaction(cluster, connection)
        return {"transactionId": transaction_id}

    def end_transaction(self, body, commit):
        self.cluster(body)
        transaction = self.transaction(body.get("transactionId"))
        with self.guard:
            self.transactions.pop(body.get("transactionId"), None)
        with transaction.lock:
            try:
                transaction.connection.commit() if commit else transaction.connection.rollback()
            except Exception as error:  # noqa: BLE001 - the database's own error, passed on
                raise transaction.cluster.database_error(error) from None
            finally:
                transaction.connection.close()
        return {"transactionStatus": "Transaction Committed" if commit else "Rollback Complete"}

    def execute(self, body):
        cluster = self.cluster(body)
        sql = body.get("sql")
        if not isinstance(sql, str) or not sql.strip():
            raise DataAPIError("BadRequestException", "sql must not be empty")
        if len(sql) > SQL_LIMIT:
            raise DataAPIError("BadRequestException", f"SQL statement length {len(sql)} exceeds the maximum of {SQL_LIMIT}")
        text, values = bind(sql, body.get("parameters"), cluster.engine)
        result = self._run(cluster, body, lambda cursor: self._execute_one(cursor, text, values))
        rows, description, updated = result
        response = {"numberOfRecordsUpdated": updated, "generatedFields": []}
        names = [column[0] for column in description or []]
        if body.get("formatRecordsAs") == "JSON":
            response["formattedRecords"] = json.dumps([dict(zip(names, map(json_value, row))) for row in rows]) if description else ""
        elif description:
            response["records"] = [[python_to_field(value) for value in row] for row in rows]
        if body.get("includeResultMetadata") and description:
            response["columnMetadata"] = [self._metadata(cluster, column) for column in description]
        if len(json.dumps(response)) > RESPONSE_LIMIT:
            raise DataAPIError("BadRequestException", "Database returned more than the allowed response size limit")
        return response

    def batch_execute(self, body):
        cluster = self.cluster(body)
        sql = body.get("sql") or ""
        if len(sql) > SQL_LIMIT:
            raise DataAPIError("BadRequestException", f"SQL statement length {len(sql)} exceeds the maximum of {SQL_LIMIT}")
        sets = body.get("parameterSets") or [[]]

        def run(cursor):
            for parameters in sets:
                text, values = bind(sql, parameters, cluster.engine)
                self._execute_one(cursor, text, values)
            return len(sets)

        count = self._run(cluster, body, run)
        return {"updateResults": [{"generatedFields": []} for _ in range(count)]}

    @staticmethod
    def _execute_one(cursor, text, values):
        if hasattr(cursor, "pgresult"):
            # A prepared statement goes through Parse, which, like the Data API, refuses a string of
            # several statements; psycopg would send a parameterless one as a simple query.
            cursor.execute(text, values, prepare=True)
        else:
            cursor.execute(text, values)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return rows, description, 0 if description else max(cursor.rowcount, 0)

    def _run(self, cluster, body, work):
        """Runs `work(cursor)` in the transaction or on a fresh connection, bounded by the statement timeout."""
        transaction_id = body.get("transactionId")
        transaction = self.transaction(transaction_id) if transaction_id else None
        connection = transaction.connection if transaction else cluster.connect(body.get("database"))
        outcome = {}

        def target():
            started = time.perf_counter()
            try:
                with connection.cursor() as cursor:
                    outcome["value"] = work(cursor)
            except Exception as error:  # noqa: BLE001 - the database's own error, passed on
                outcome["error"] = error
            finally:
                self.record(databaseCalls=1, databaseSeconds=time.perf_counter() - started)

        if transaction:
            transaction.lock.acquire()
        worker = threading.Thread(target=target, daemon=True)
        worker.start()
        worker.join(self.timeout)
        try:
            if worker.is_alive():
                if not body.get("continueAfterTimeout"):
                    cluster.cancel(connection)
                    worker.join()
                elif not transaction:
                    threading.Thread(target=lambda: (worker.join(), connection.close()), daemon=True).start()
                    connection = None
                raise DataAPIError("StatementTimeoutException", "Request timed out")
            if "error" in outcome:
                error = outcome["error"]
                if isinstance(error, DataAPIError):
                    raise error
                if cluster.engine == "mysql" and getattr(error, "args", (None,))[0] == 1064 and ";" in (body.get("sql") or ""):
                    raise DataAPIError("BadRequestException", "Multistatements aren't supported.") from None
                if cluster.engine == "postgres" and "cannot insert multiple commands" in str(error):
                    raise DataAPIError("BadRequestException", "Multistatements aren't supported.") from None
                raise cluster.database_error(error) from None
            return outcome["value"]
        finally:
            if transaction:
                transaction.last_used = time.monotonic()
                transaction.lock.release()
            elif connection is not None:
                connection.close()

    def record(self, **amounts):
        with self.guard:
            for name, amount in amounts.items():
                self.stats[name] += amount

    @staticmethod
    def _metadata(cluster, column):
        name = column[0]
        if cluster.engine == "postgres":
            type_name = getattr(column, "type_display", None) or str(column.type_code)
        else:
            type_name = str(column[1])
        return {"name": name, "label": name, "typeName": type_name, "type": 0, "nullable": 1,
                "isSigned": False, "isCurrency": False, "isCaseSensitive": False, "isAutoIncrement": False,
                "precision": 0, "scale": 0, "schemaName": "", "tableName": "", "arrayBaseColumnType": 0}


# --- HTTP and SigV4 ------------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the body waits for the client's delayed
    # ACK of the headers (40 ms here), which made every call 40 ms slower than AWS.
    disable_nagle_algorithm = True
    api = None  # set by serve()
    ROUTES = {"/Execute": "execute", "/BeginTransaction": "begin_transaction", "/CommitTransaction": "commit",
              "/RollbackTransaction": "rollback", "/BatchExecute": "batch_execute"}

    def log_message(self, *args):  # a line per request would bury real failures
        pass

    def do_GET(self):
        if self.path != "/_emulator/stats":
            return self._reply(404, {"message": f"Unknown path {self.path}"}, "NotFoundException")
        with self.api.guard:
            stats = dict(self.api.stats)
        self._reply(200, stats)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path == "/_emulator/clusters":
            entry = json.loads(body)
            with self.api.guard:
                self.api.clusters[entry["resourceArn"]] = Cluster(entry)
                self.api.secrets[entry["resourceArn"]] = entry["secretArn"]
            return self._reply(200, {"resourceArn": entry["resourceArn"]})
        started = time.perf_counter()
        try:
            self._serve(body)
        finally:
            self.api.record(requests=1, serviceSeconds=time.perf_counter() - started)

    def _serve(self, body):
        try:
            self._authenticate(body)
            route = self.ROUTES.get(self.path.split("?")[0])
            if route is None:
                raise DataAPIError("NotFoundException", f"Unknown operation {self.path}")
            try:
                request = json.loads(body or b"{}")
            except ValueError:
                raise DataAPIError("BadRequestException", "The request body is not valid JSON") from None
            if route == "commit":
                answer = self.api.end_transaction(request, commit=True)
            elif route == "rollback":
                answer = self.api.end_transaction(request, commit=False)
            else:
                answer = getattr(self.api, route)(request)
            self._reply(200, answer)
        except DataAPIError as error:
            self._reply(error.status, {"message": error.message}, error.code)
        except Exception as error:  # noqa: BLE001 - a bug of the emulator must still answer
            self._reply(500, {"message": f"{type(error).__name__}: {error}"}, "InternalServerErrorException")

    def _authenticate(self, body):
        authorization = self.headers.get("Authorization", "")
        match = re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                         r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$", authorization)
        if not match:
            raise DataAPIError("ForbiddenException", "Missing Authentication Token")
        key, _, region, service, signed, signature = match.groups()
        secret = self.api.config["credentials"].get(key)
        if secret is None or service != "rds-data":
            raise DataAPIError("ForbiddenException", "The security token included in the request is invalid.")
        names = signed.split(";")
        headers = {name: self.headers.get(name, "") for name in names}
        url = f"http://{self.headers.get('Host')}{self.path}"
        request = AWSRequest(method="POST", url=url, data=body, headers=headers)
        request.context["timestamp"] = self.headers.get("X-Amz-Date", "")
        signer = SigV4Auth(Credentials(key, secret, self.headers.get("X-Amz-Security-Token")), "rds-data", region)
        canonical = signer.canonical_request(request)
        expected = signer.signature(signer.string_to_sign(request, canonical), request)
        if expected != signature:
            raise DataAPIError("ForbiddenException", "The request signature we calculated does not match the signature you provided.")

    def _reply(self, status, payload, error_type=None):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type)
        self.end_headers()
        self.wfile.write(data)


def serve(config):
    Handler.api = DataAPI(config)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"listening on 127.0.0.1:{server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    with open(sys.argv[1]) as file:
        serve(json.load(file))
