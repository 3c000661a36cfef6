"""The sanitization half of `make bench`: 1,000,000 rows (500,000 users with email, name and phone, and
500,000 orders referencing users by email) masked by the release `bootstrap` (sanitize) through the Data
API emulator on PostgreSQL 15, next to a direct `psql` UPDATE of the same columns with the same
expressions on a copy of the same database."""
import hashlib
import json
import pathlib
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "Tests" / "support"))

from harness.data_api import DataAPIServer  # noqa: E402
from harness.moto_peer import MotoServer  # noqa: E402
from harness.postgres_peer import PostgresServer  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
RELEASE = ROOT / ".build" / "release"
USERS = ORDERS = 500_000
KEY = "bench-masking-key-0123456789abcdef0123456789"
SPEC = {"tables": {"users": {"email": "email", "full_name": "name", "phone": "phone"}, "orders": {"user_email": "email"}}}
FIRST = ["Alex", "Bailey", "Casey", "Dana", "Eden", "Finley", "Gray", "Harper", "Indy", "Jordan", "Kai", "Lane",
         "Morgan", "Noel", "Oakley", "Parker", "Quinn", "Reese", "Sage", "Taylor", "Umber", "Val", "Wren", "Yael"]
LAST = ["Ashvale", "Brindlemoor", "Coldharbor", "Dunwiddle", "Elmsworth", "Fernhollow", "Glimmerby", "Hollowmere",
        "Ironwake", "Juniperfell", "Kestrelby", "Larkspurne", "Mossgrave", "Nettlecombe", "Oakensholt", "Pebbleford"]


def seed(postgres, database):
    postgres.psql("-d", "postgres", "-c", f"CREATE DATABASE {database}")
    postgres.psql("-c", f"""
        CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255) NOT NULL UNIQUE, full_name varchar(100), phone varchar(30));
        CREATE TABLE orders (id bigint PRIMARY KEY, user_email varchar(255) NOT NULL REFERENCES users(email), total_cents bigint);
        INSERT INTO users SELECT n, 'customer' || n || '@corp.example', 'Person Number ' || n, '+44 20 7946 ' || n FROM generate_series(1, {USERS}) n;
        INSERT INTO orders SELECT n, 'customer' || (1 + n % {USERS}) || '@corp.example', n FROM generate_series(1, {ORDERS}) n;""",
                  database=database)
    postgres.psql("-c", "VACUUM ANALYZE", database=database)


def direct_sql():
    """The same UPDATE our SQL makes (MaskingSQL.swift), with the key pads inlined, in one psql session."""
    block = KEY.encode().ljust(64, b"\0")
    inner, outer = bytes(b ^ 0x36 for b in block).hex(), bytes(b ^ 0x5C for b in block).hex()

    def hmac(column):
        return f"encode(sha256(decode('{outer}', 'hex') || sha256(decode('{inner}', 'hex') || convert_to({column}::text, 'UTF8'))), 'hex')"

    def number(column, offset):
        return f"('x' || substr({hmac(column)}, {offset}, 7))::bit(28)::int"

    first = ", ".join(f"'{n}'" for n in FIRST)
    last = ", ".join(f"'{n}'" for n in LAST)
    email = lambda c: f"('user' || substr({hmac(c)}, 1, 16) || '@example.invalid')"  # noqa: E731
    name = f"((ARRAY[{first}])[1 + {number('full_name', 1)} % {len(FIRST)}] || ' ' || (ARRAY[{last}])[1 + {number('full_name', 8)} % {len(LAST)}])"
    phone = (f"('+1-' || (200 + {number('phone', 1)} % 800)::text || '-555-01' || lpad(({number('phone', 8)} % 100)::text, 2, '0'))")
    return (f"SET session_replication_role = replica; UPDATE users SET email = {email('email')}, full_name = {name}, phone = {phone}; "
            f"UPDATE orders SET user_email = {email('user_email')};")


def main():
    with MotoServer() as moto, PostgresServer() as postgres:
        key_arn = moto.client("secretsmanager").create_secret(Name="bench-key", SecretString=KEY)["ARN"]
        seed(postgres, "masked")
        postgres.psql("-d", "postgres", "-c", "CREATE DATABASE direct TEMPLATE masked")
        began = time.monotonic()
        postgres.psql("-c", direct_sql(), database="direct")
        direct = time.monotonic() - began
        cluster = DataAPIServer.cluster_for(postgres)
        with DataAPIServer([cluster], credentials={moto.access_key_id: moto.secret_access_key}) as api, \
                tempfile.NamedTemporaryFile("w", suffix=".json") as spec:
            json.dump(SPEC, spec)
            spec.flush()
            environment = moto.env()
            environment.update(AWS_ENDPOINT_URL_RDS_DATA=api.endpoint, DB_CLUSTER_ARN=cluster["resourceArn"], DB_SECRET_ARN=cluster["secretArn"],
                               DB_NAME="masked", DB_ENGINE="postgres", MASKING_SPEC=spec.name, MASKING_KEY_SECRET_ARN=key_arn)
            began = time.monotonic()
            result = subprocess.run([str(RELEASE / "bootstrap"), "invoke", "sanitize", "--event", "-"], input=b'{"action": "sanitize"}',
                                    capture_output=True, env=environment, timeout=3600)
            ours = time.monotonic() - began
        if result.returncode != 0:
            raise SystemExit(f"sanitize failed: {result.stderr.decode()[-2000:]}")
        report = json.loads(result.stdout)
        # The two databases must end equal: the bench compares the same work.
        digest = lambda db: hashlib.sha256(postgres.psql("-At", "-c", "SELECT email, full_name, phone FROM users ORDER BY id", database=db).encode()).hexdigest()  # noqa: E731
        if digest("masked") != digest("direct"):
            raise SystemExit("the masked database differs from the direct UPDATE's")
    rows = USERS + ORDERS
    summary = {"rows": rows, "oursSeconds": ours, "directSeconds": direct, "oursRowsPerSecond": rows / ours,
               "directRowsPerSecond": rows / direct, "ratio": direct / ours,
               "tables": {t["table"]: {"chunks": t["chunks"], "seconds": t["seconds"]} for t in report["tables"]}}
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
