"""Sanitization (the `sanitize` handler) on PostgreSQL 15 and MariaDB 10.11 through the binary, our Data API
client and the Data API emulator, with the masking key in moto's Secrets Manager. Expected values come from
Python's hmac module, not from our code: every strategy, pseudonyms equal across tables, uniqueness and foreign
keys kept, deny by default, verification, and a run killed mid-table continuing where it stopped."""
import hashlib
import hmac
import json
import os
import subprocess
import time

import pytest

from harness.build import binary
from harness.data_api import DataAPIServer
from harness.mariadb_peer import MariaDBServer
from harness.moto_peer import MotoServer
from harness.postgres_peer import PostgresServer

KEY = b"a-masking-key-for-tests-only-0123456789abcdef"
FIRST = ["Alex", "Bailey", "Casey", "Dana", "Eden", "Finley", "Gray", "Harper", "Indy", "Jordan", "Kai", "Lane",
         "Morgan", "Noel", "Oakley", "Parker", "Quinn", "Reese", "Sage", "Taylor", "Umber", "Val", "Wren", "Yael"]
LAST = ["Ashvale", "Brindlemoor", "Coldharbor", "Dunwiddle", "Elmsworth", "Fernhollow", "Glimmerby", "Hollowmere",
        "Ironwake", "Juniperfell", "Kestrelby", "Larkspurne", "Mossgrave", "Nettlecombe", "Oakensholt", "Pebbleford"]
STREETS = ["Amberleaf", "Birchwhistle", "Cinderbrook", "Dovetail", "Emberly", "Foxglade", "Gossamer", "Heronsgate",
           "Ivybridge", "Jasperwell", "Kingfisher", "Lanternhill"]
SUFFIXES = ["Street", "Lane", "Way", "Road", "Court", "Row"]
LOREM = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. "


def digest(value):
    return hmac.new(KEY, value.encode(), hashlib.sha256).hexdigest()


def number(h, offset):
    return int(h[offset - 1:offset + 6], 16)


# What each strategy's documentation promises, computed independently.
def expect_email(value):
    return "user" + digest(value)[:16] + "@example.invalid"


def expect_name(value):
    h = digest(value)
    return f"{FIRST[number(h, 1) % len(FIRST)]} {LAST[number(h, 8) % len(LAST)]}"


def expect_phone(value):
    h = digest(value)
    return f"+1-{200 + number(h, 1) % 800}-555-01{number(h, 8) % 100:02d}"


def expect_address(value):
    h = digest(value)
    return f"{1 + number(h, 1) % 9899} {STREETS[number(h, 8) % len(STREETS)]} {SUFFIXES[number(h, 15) % len(SUFFIXES)]}"


def expect_text(value):
    return (LOREM * (1 + len(value) // len(LOREM)))[:len(value)]


SCHEMA = {
    "postgres": """
        CREATE TABLE customers (id serial PRIMARY KEY, email varchar(255) NOT NULL UNIQUE, full_name varchar(100), phone varchar(30),
          street_address text, bio text, api_token varchar(64) UNIQUE, last_ip inet, birth_date date, nickname varchar(40), plan varchar(10) NOT NULL);
        CREATE TABLE orders (id bigserial PRIMARY KEY, customer_email varchar(255) NOT NULL REFERENCES customers(email), note text, total numeric(10,2));
        CREATE TABLE staff (id serial PRIMARY KEY, username varchar(50) NOT NULL, password_hash varchar(100));
    """,
    "mariadb": """
        CREATE TABLE customers (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL UNIQUE, full_name VARCHAR(100), phone VARCHAR(30),
          street_address TEXT, bio TEXT, api_token VARCHAR(64) UNIQUE, last_ip VARCHAR(45), birth_date DATE, nickname VARCHAR(40), plan VARCHAR(10) NOT NULL);
        CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer_email VARCHAR(255) NOT NULL, note TEXT, total DECIMAL(10,2),
          FOREIGN KEY (customer_email) REFERENCES customers(email));
        CREATE TABLE staff (id INT AUTO_INCREMENT PRIMARY KEY, username VARCHAR(50) NOT NULL, password_hash VARCHAR(100));
    """,
}

SPEC = {"tables": {
    "customers": {"email": "email", "full_name": "name", "phone": "phone", "street_address": "address", "bio": "text",
                  "api_token": "hash", "last_ip": "null", "birth_date": "fixed:2000-01-01", "nickname": "sql:concat('nick-', id)"},
    "orders": {"customer_email": "email", "note": "text"},
    "staff": {"username": "keep", "password_hash": "hash"},
}}


def customers(count):
    rows = []
    for i in range(1, count + 1):
        bio = None if i % 7 == 0 else f"Customer {i} likes long walks; notes about them " * (1 + i % 3)
        rows.append((i, f"person{i}.{i * 7919 % 1000}@corp{i % 5}.example", f"Real Person {i}", f"+44 20 7946 {i:04d}",
                     f"{i} Real Road, Realtown", bio, f"tok_{i:08d}_{i * 31 % 997}", f"10.0.{i // 250}.{i % 250}", "1980-05-17", f"nick{i}"))
    return rows


class Engine:
    def __init__(self, name, server, api, cluster, moto, key_arn):
        self.name, self.server, self.api, self.cluster, self.moto, self.key_arn = name, server, api, cluster, moto, key_arn
        self.engine = "postgres" if name == "postgres" else "mysql"

    def create(self, database, rows=300, orders_per=3):
        if self.name == "postgres":
            self.server.psql("-d", "postgres", "-c", f"CREATE DATABASE {database}")
        else:
            self.server.root_sql(f"CREATE DATABASE {database}")
        statements = [SCHEMA[self.name]]
        values = []
        for row in customers(rows):
            i, email, name, phone, street, bio, token, ip, birth, nick = row
            bio_sql = "NULL" if bio is None else f"'{bio}'"
            values.append(f"({i}, '{email}', '{name}', '{phone}', '{street}', {bio_sql}, '{token}', '{ip}', '{birth}', '{nick}', 'pro')")
        statements.append("INSERT INTO customers (id, email, full_name, phone, street_address, bio, api_token, last_ip, birth_date, nickname, plan) VALUES "
                          + ", ".join(values) + ";")
        orders = [f"({n}, '{customers(rows)[(n - 1) % rows][1]}', 'order note {n}', {n}.50)" for n in range(1, rows * orders_per + 1)]
        statements.append("INSERT INTO orders (id, customer_email, note, total) VALUES " + ", ".join(orders) + ";")
        statements.append("INSERT INTO staff (id, username, password_hash) VALUES (1, 'admin', 'bcrypt$2b$12$abc'), (2, 'ops', 'bcrypt$2b$12$def');")
        self.sql(database, "\n".join(statements))

    def query(self, database, sql):
        if self.name == "postgres":
            out = self.server.psql("-At", "-F", "\t", "-c", sql, database=database)
        else:
            out = self.server.client("-N", "-B", "-e", sql, database=database)
        return [tuple(None if v in ("NULL", "") else v for v in line.split("\t")) for line in out.splitlines() if line]

    def sql(self, database, text):
        if self.name == "postgres":
            self.server.psql(input_text=text, database=database)
        else:
            self.server.client(database=database, input_text=text)

    def environment(self, database, spec_path, **settings):
        environment = self.moto.env()
        environment.update(AWS_ENDPOINT_URL_RDS_DATA=self.api.endpoint, DB_CLUSTER_ARN=self.cluster["resourceArn"],
                           DB_SECRET_ARN=self.cluster["secretArn"], DB_NAME=database, DB_ENGINE=self.engine,
                           MASKING_SPEC=str(spec_path), MASKING_KEY_SECRET_ARN=self.key_arn, **settings)
        return environment

    def start(self, database, spec, tmp_path, action="sanitize", **settings):
        spec_path = tmp_path / f"masking-{database}.json"
        spec_path.write_text(json.dumps(spec))
        return subprocess.Popen([str(binary("bootstrap")), "invoke", "sanitize", "--event", "-"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.environment(database, spec_path, **settings))

    def sanitize(self, database, spec, tmp_path, action="sanitize", **settings):
        """(exit status, the report or the error, the log lines)."""
        process = self.start(database, spec, tmp_path, **settings)
        out, err = process.communicate(json.dumps({"action": action}).encode(), timeout=300)
        text = out if process.returncode == 0 else err.splitlines()[-1]
        return process.returncode, json.loads(text), err.decode()

    def tables(self, database):
        sql = ("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'" if self.name == "postgres"
               else "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()")
        return sorted(row[0] for row in self.query(database, sql))


@pytest.fixture(scope="module", params=["postgres", "mariadb"])
def engine(request):
    with MotoServer() as moto:
        key_arn = moto.client("secretsmanager").create_secret(Name="staging-refresh/masking-key", SecretString=KEY.decode())["ARN"]
        credentials = {moto.access_key_id: moto.secret_access_key}
        if request.param == "postgres":
            with PostgresServer() as server:
                cluster = DataAPIServer.cluster_for(server)
                with DataAPIServer([cluster], transaction_idle=2, credentials=credentials) as api:
                    yield Engine("postgres", server, api, cluster, moto, key_arn)
        else:
            with MariaDBServer() as server:
                cluster = DataAPIServer.cluster_for(server, engine="mysql")
                with DataAPIServer([cluster], transaction_idle=2, credentials=credentials) as api:
                    yield Engine("mariadb", server, api, cluster, moto, key_arn)


def test_every_strategy_gives_what_it_documents_and_pseudonyms_match_across_tables(engine, tmp_path):
    engine.create("every")
    before = {row[0]: row for row in engine.query("every", "SELECT id, email, full_name, phone, street_address, bio, api_token FROM customers ORDER BY id")}
    order_owner = dict(engine.query("every", "SELECT o.id, c.id FROM orders o JOIN customers c ON c.email = o.customer_email"))
    status, report, logs = engine.sanitize("every", SPEC, tmp_path)
    assert status == 0, report
    assert report["finished"] is True
    by_table = {t["table"]: t for t in report["tables"]}
    assert by_table["customers"]["rows"] == 300 and by_table["orders"]["rows"] == 900 and all(t["verified"] for t in report["tables"])
    assert "customers" in report["foreignKeysChecked"][0] or report["foreignKeysChecked"], report
    assert report["kept"] == ["staff.username"]

    after = engine.query("every", "SELECT id, email, full_name, phone, street_address, bio, api_token, last_ip, birth_date, nickname, plan FROM customers ORDER BY id")
    assert len(after) == 300
    for row in after:
        i, email, name, phone, street, bio, token, ip, birth, nick, plan = row
        old = before[i]
        assert email == expect_email(old[1])
        assert name == expect_name(old[2])
        assert phone == expect_phone(old[3])
        assert street == expect_address(old[4])
        assert bio == (None if old[5] is None else expect_text(old[5]))
        assert token == digest(old[6])
        assert ip is None
        assert birth == "2000-01-01"
        assert nick == f"nick-{i}"
        assert plan == "pro"
    # Deterministic: an order's masked email is its customer's masked email, so the join still matches.
    joined = dict(engine.query("every", "SELECT o.id, c.id FROM orders o JOIN customers c ON c.email = o.customer_email"))
    assert joined == order_owner
    assert engine.query("every", "SELECT count(DISTINCT email), count(*) FROM customers") == [("300", "300")]
    notes = engine.query("every", "SELECT note FROM orders WHERE id = 1")[0][0]
    assert notes == expect_text("order note 1")
    assert engine.query("every", "SELECT username, password_hash FROM staff ORDER BY id") == [
        ("admin", digest("bcrypt$2b$12$abc")), ("ops", digest("bcrypt$2b$12$def"))]
    # Logs: a line per table, and no key, no value.
    assert "customers: rows=300" in logs
    assert KEY.decode() not in logs and "person1." not in logs

    # A second run finds everything done and changes nothing.
    status, again, _ = engine.sanitize("every", SPEC, tmp_path)
    assert status == 0 and again["finished"]
    assert engine.query("every", "SELECT id, email FROM customers ORDER BY id LIMIT 3") == [(r[0], r[1]) for r in after[:3]]


def test_deny_by_default_refuses_an_unlisted_personal_column_and_keep_lets_it_through(engine, tmp_path):
    engine.create("deny", rows=20, orders_per=1)
    engine.sql("deny", "CREATE TABLE newsletter (id INT PRIMARY KEY, contact_email VARCHAR(255)); INSERT INTO newsletter VALUES (1, 'a@b.example');")
    tables_before = engine.tables("deny")
    status, error, _ = engine.sanitize("deny", SPEC, tmp_path)
    assert status == 1
    assert error["errorType"] == "Function.InvalidMaskingSpec"
    assert "newsletter.contact_email" in error["errorMessage"] and "deny by default" in error["errorMessage"], error
    # Nothing was written: not even the progress table.
    assert engine.tables("deny") == tables_before
    assert engine.query("deny", "SELECT email FROM customers WHERE id = 1") == [(customers(1)[0][1],)]

    spec = json.loads(json.dumps(SPEC))
    spec["tables"]["newsletter"] = {"contact_email": "keep"}
    status, report, _ = engine.sanitize("deny", spec, tmp_path)
    assert status == 0, report
    assert "newsletter.contact_email" in report["kept"]
    assert engine.query("deny", "SELECT contact_email FROM newsletter") == [("a@b.example",)]


def test_a_spec_that_cannot_work_is_refused_naming_each_column(engine, tmp_path):
    engine.create("refuse", rows=5, orders_per=1)
    spec = json.loads(json.dumps(SPEC))
    spec["tables"]["customers"].update({"email": "name", "plan": "null", "birth_date": "email", "bogus": "text"})
    spec["tables"]["orders"]["customer_email"] = "hash"
    status, error, _ = engine.sanitize("refuse", spec, tmp_path)
    assert status == 1, error
    message = error["errorMessage"]
    assert "customers.email (name): the column is unique" in message
    assert "customers.plan (null): the column is NOT NULL" in message
    assert "customers.birth_date (email): the column is date" in message
    assert "customers.bogus does not exist" in message
    assert "orders.customer_email references customers.email" in message
    assert engine.tables("refuse") == ["customers", "orders", "staff"]


def test_verification_catches_a_strategy_that_returns_the_input(engine, tmp_path):
    engine.create("verify", rows=50, orders_per=1)
    spec = json.loads(json.dumps(SPEC))
    spec["tables"]["customers"]["full_name"] = "sql:full_name"
    status, error, _ = engine.sanitize("verify", spec, tmp_path)
    assert status == 1
    assert error["errorType"] == "Function.MaskingVerificationFailed"
    assert "customers.full_name" in error["errorMessage"] and "survived masking" in error["errorMessage"], error
    # The chunk rolled back: nothing of it was masked.
    assert engine.query("verify", "SELECT email FROM customers WHERE id = 1") == [(customers(1)[0][1],)]


def test_plan_shows_what_would_be_masked_and_writes_nothing(engine, tmp_path):
    engine.create("plan", rows=5, orders_per=1)
    status, plan, _ = engine.sanitize("plan", SPEC, tmp_path, action="plan")
    assert status == 0, plan
    customers_plan = next(t for t in plan["tables"] if t["table"] == "customers")
    assert customers_plan["key"] == "id" and customers_plan["columns"]["email"] == "email"
    assert plan["kept"] == ["staff.username"]
    assert engine.tables("plan") == ["customers", "orders", "staff"]


def test_a_run_killed_mid_table_continues_where_it_stopped(engine, tmp_path):
    engine.create("resume", rows=1000, orders_per=1)
    spec = {**SPEC, "chunkRows": 50}
    # Another session holds row 600, so the chunk that reaches it cannot commit: the run is killed there.
    holder = lock_row(engine, "resume", 600)
    try:
        process = engine.start("resume", spec, tmp_path)
        process.stdin.write(b'{"action": "sanitize"}')
        process.stdin.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            rows = engine.query("resume", "SELECT chunks, state, last_key FROM staging_refresh_masking WHERE table_name = 'customers'") \
                if "staging_refresh_masking" in engine.tables("resume") else []
            if rows and int(rows[0][0]) >= 2:
                break
            time.sleep(0.05)
        time.sleep(0.5)
        killed_at = engine.query("resume", "SELECT chunks, state, last_key FROM staging_refresh_masking WHERE table_name = 'customers'")[0]
        process.kill()
        process.wait()
    finally:
        holder.communicate(timeout=30)
    assert killed_at[1] == "masking" and int(killed_at[0]) == 2, killed_at
    assert int(killed_at[2]) < 600
    # Rows up to the last committed chunk are masked, the rest are not.
    assert engine.query("resume", f"SELECT email FROM customers WHERE id = {killed_at[2]}")[0][0].endswith("@example.invalid")
    assert engine.query("resume", "SELECT email FROM customers WHERE id = 1000")[0][0] == customers(1000)[999][1]

    # The emulator drops the killed run's open transaction after its idle time, as the Data API does.
    status, report, _ = engine.sanitize("resume", spec, tmp_path)
    assert status == 0, report
    by_table = {t["table"]: t for t in report["tables"]}
    assert by_table["customers"]["chunks"] > 2 and by_table["customers"]["verified"]
    emails = engine.query("resume", "SELECT id, email FROM customers ORDER BY id")
    assert all(email == expect_email(customers(1000)[int(i) - 1][1]) for i, email in emails)
    assert engine.query("resume", "SELECT count(*) FROM orders o LEFT JOIN customers c ON c.email = o.customer_email WHERE c.id IS NULL") == [("0",)]


def lock_row(engine, database, row_id):
    """A client session that holds `row_id` of customers FOR UPDATE until its input ends."""
    statement = f"BEGIN; SELECT id FROM customers WHERE id = {row_id} FOR UPDATE; SELECT 'locked';\n"
    if engine.name == "postgres":
        from harness.postgres_peer import BIN

        command = [str(BIN / "psql"), "-X", "-At", "-d", database]
        env = engine.server.env()
    else:
        server = engine.server
        command = ["mariadb", "--no-defaults", "-N", "--unbuffered", f"-h{server.host}", f"-P{server.port}", f"-u{server.user}", f"-p{server.password}", database]
        env = os.environ.copy()
    holder = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    holder.stdin.write(statement)
    holder.stdin.flush()
    while holder.stdout.readline().strip() != "locked":
        pass
    return holder


def test_a_trigger_that_would_fire_while_masking_is_refused_until_allowed(engine, tmp_path):
    engine.create("triggers", rows=5, orders_per=1)
    if engine.name == "postgres":
        engine.sql("triggers", """CREATE TABLE audit (note text);
            CREATE FUNCTION keep_old() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit VALUES (OLD.email); RETURN NEW; END $$;
            CREATE TRIGGER audit_changes BEFORE UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION keep_old();
            ALTER TABLE customers ENABLE ALWAYS TRIGGER audit_changes;""")
    else:
        engine.sql("triggers", "CREATE TABLE audit (note TEXT); "
                               "CREATE TRIGGER audit_changes BEFORE UPDATE ON customers FOR EACH ROW INSERT INTO audit VALUES ('changed');")
    status, error, _ = engine.sanitize("triggers", SPEC, tmp_path)
    assert status == 1 and "customers has trigger audit_changes" in error["errorMessage"], error
    assert engine.query("triggers", "SELECT count(*) FROM audit") == [("0",)]
    spec = {**SPEC, "allowTriggers": ["customers.audit_changes"]}
    status, report, _ = engine.sanitize("triggers", spec, tmp_path)
    assert status == 0, report


def test_uuid_and_char_keys_and_a_named_schema(engine, tmp_path):
    engine.create("pkeys", rows=3, orders_per=1)
    if engine.name == "postgres":
        engine.sql("pkeys", """CREATE SCHEMA app;
            CREATE TABLE app.people (id uuid PRIMARY KEY, email varchar(255) NOT NULL);
            INSERT INTO app.people SELECT md5(n::text)::uuid, 'person' || n || '@real.example' FROM generate_series(1, 120) n;
            CREATE TABLE app.codes (code char(5) PRIMARY KEY, email varchar(255));
            INSERT INTO app.codes SELECT 'A' || lpad(n::text, 4, '0'), 'code' || n || '@real.example' FROM generate_series(1, 120) n;
            CREATE TABLE public.people (id int PRIMARY KEY, email varchar(255));
            INSERT INTO public.people VALUES (1, 'public@real.example');""")
        schema, people, codes = "app", "app.people", "app.codes"
    else:
        engine.server.root_sql("CREATE DATABASE pkeys_app")  # the test user may use every database
        engine.sql("pkeys_app", """CREATE TABLE codes (code CHAR(5) PRIMARY KEY, email VARCHAR(255));
            INSERT INTO codes SELECT CONCAT('A', LPAD(seq, 4, '0')), CONCAT('code', seq, '@real.example') FROM seq_1_to_120;
            CREATE TABLE people (id INT PRIMARY KEY, email VARCHAR(255) NOT NULL);
            INSERT INTO people SELECT seq, CONCAT('person', seq, '@real.example') FROM seq_1_to_120;""")
        engine.sql("pkeys", "CREATE TABLE people (id INT PRIMARY KEY, email VARCHAR(255)); INSERT INTO people VALUES (1, 'public@real.example');")
        schema, people, codes = "pkeys_app", "pkeys_app.people", "pkeys_app.codes"
    spec = {"schema": schema, "chunkRows": 7, "tables": {"people": {"email": "email"}, "codes": {"email": "email"}}}
    status, report, _ = engine.sanitize("pkeys", spec, tmp_path)
    assert status == 0, report
    assert {t["table"]: t["rows"] for t in report["tables"]} == {"codes": 120, "people": 120}
    for table in (people, codes):
        emails = [row[0] for row in engine.query("pkeys", f"SELECT email FROM {table}")]
        assert len(emails) == 120 and all(e.endswith("@example.invalid") for e in emails), table
    # The same name in the connection's own schema is not the spec's: it stays as it was.
    assert engine.query("pkeys", "SELECT email FROM people WHERE id = 1") == [("public@real.example",)]
