"""The Data API emulator over real PostgreSQL 15, driven by boto3: every answer parses with botocore's
rds-data model (boto3 would raise otherwise), errors carry AWS's names, and the Data API's documented limits
hold."""
import threading
import time

import botocore.exceptions
import pytest

from harness.data_api import DataAPIServer
from harness.postgres_peer import PostgresServer


@pytest.fixture(scope="module")
def peers():
    with PostgresServer() as postgres:
        cluster = DataAPIServer.cluster_for(postgres)
        with DataAPIServer([cluster], statement_timeout=2, transaction_idle=2) as api:
            yield postgres, api, cluster


def call(peers, operation="execute_statement", **params):
    _, api, cluster = peers
    if operation in ("execute_statement", "batch_execute_statement", "begin_transaction"):
        params.setdefault("database", "staging")
    return getattr(api.client(), operation)(resourceArn=cluster["resourceArn"], secretArn=cluster["secretArn"], **params)


def error_code(peers, **params):
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call(peers, **params)
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def test_typed_fields_and_metadata(peers):
    result = call(peers, sql="SELECT 1::int AS a, 'x'::text AS b, NULL::int AS c, true AS d, 1.5::float8 AS e",
                  includeResultMetadata=True)
    assert result["records"] == [[{"longValue": 1}, {"stringValue": "x"}, {"isNull": True}, {"booleanValue": True},
                                  {"doubleValue": 1.5}]]
    assert [c["name"] for c in result["columnMetadata"]] == ["a", "b", "c", "d", "e"]


def test_named_parameters_and_updates(peers):
    call(peers, sql="CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, name text)")
    result = call(peers, sql="INSERT INTO items VALUES (:id, :name), (:id + 1, 'it''s :not a parameter')",
                  parameters=[{"name": "id", "value": {"longValue": 7}}, {"name": "name", "value": {"stringValue": "seven"}}])
    assert result["numberOfRecordsUpdated"] == 2
    rows = call(peers, sql="SELECT name FROM items WHERE id >= :low ORDER BY id", parameters=[{"name": "low", "value": {"longValue": 7}}])
    assert rows["records"] == [[{"stringValue": "seven"}], [{"stringValue": "it's :not a parameter"}]]


def test_json_records(peers):
    result = call(peers, sql="SELECT 1 AS a, 'b' AS b", formatRecordsAs="JSON")
    assert result["formattedRecords"] == '[{"a": 1, "b": "b"}]'


def test_multiple_statements_are_refused(peers):
    assert error_code(peers, sql="SELECT 1; SELECT 2") == ("BadRequestException", "Multistatements aren't supported.")


def test_sql_over_the_limit_is_refused(peers):
    code, message = error_code(peers, sql="SELECT '" + "x" * 65_536 + "'")
    assert code == "BadRequestException" and "65536" in message


def test_database_errors_carry_the_message_and_sqlstate(peers):
    code, message = error_code(peers, sql="SELECT * FROM no_such_table")
    assert code == "DatabaseErrorException"
    assert 'relation "no_such_table" does not exist' in message and "SQLState: 42P01" in message


def test_transactions_commit_and_roll_back(peers):
    call(peers, sql="CREATE TABLE IF NOT EXISTS ledger (n int)")
    kept = call(peers, "begin_transaction")["transactionId"]
    call(peers, sql="INSERT INTO ledger VALUES (1)", transactionId=kept)
    # Not visible outside the transaction until it commits.
    assert call(peers, sql="SELECT count(*) FROM ledger")["records"] == [[{"longValue": 0}]]
    assert call(peers, "commit_transaction", transactionId=kept)["transactionStatus"] == "Transaction Committed"
    dropped = call(peers, "begin_transaction")["transactionId"]
    call(peers, sql="INSERT INTO ledger VALUES (2)", transactionId=dropped)
    assert call(peers, "rollback_transaction", transactionId=dropped)["transactionStatus"] == "Rollback Complete"
    assert call(peers, sql="SELECT n FROM ledger")["records"] == [[{"longValue": 1}]]
    assert error_code(peers, operation="commit_transaction", transactionId=kept)[0] == "TransactionNotFoundException"


def test_idle_transactions_are_rolled_back(peers):
    call(peers, sql="CREATE TABLE IF NOT EXISTS idle (n int)")
    transaction = call(peers, "begin_transaction")["transactionId"]
    call(peers, sql="INSERT INTO idle VALUES (1)", transactionId=transaction)
    time.sleep(3.5)
    assert error_code(peers, sql="SELECT 1", transactionId=transaction)[0] == "TransactionNotFoundException"
    assert call(peers, sql="SELECT count(*) FROM idle")["records"] == [[{"longValue": 0}]]


def test_a_slow_statement_times_out_and_is_cancelled(peers):
    started = time.monotonic()
    assert error_code(peers, sql="SELECT pg_sleep(5)")[0] == "StatementTimeoutException"
    assert time.monotonic() - started < 4


def test_batch_execute(peers):
    call(peers, sql="CREATE TABLE IF NOT EXISTS batch (n int)")
    result = call(peers, "batch_execute_statement", sql="INSERT INTO batch VALUES (:n)",
                  parameterSets=[[{"name": "n", "value": {"longValue": n}}] for n in range(3)])
    assert len(result["updateResults"]) == 3
    assert call(peers, sql="SELECT sum(n) FROM batch")["records"] == [[{"longValue": 3}]]


def test_unsigned_and_badly_signed_requests_are_refused(peers):
    _, api, cluster = peers
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        api.client(secret_key="wrong").execute_statement(resourceArn=cluster["resourceArn"], secretArn=cluster["secretArn"], sql="SELECT 1")
    assert raised.value.response["Error"]["Code"] == "ForbiddenException"
    assert "signature" in raised.value.response["Error"]["Message"]
    import urllib.error
    import urllib.request

    request = urllib.request.Request(api.endpoint + "/Execute", data=b"{}", method="POST")
    with pytest.raises(urllib.error.HTTPError) as unsigned:
        urllib.request.urlopen(request, timeout=10)
    assert unsigned.value.code == 403 and unsigned.value.headers["x-amzn-ErrorType"] == "ForbiddenException"


def test_a_wrong_secret_is_refused(peers):
    _, api, cluster = peers
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        api.client().execute_statement(resourceArn=cluster["resourceArn"], secretArn=cluster["secretArn"] + "x", sql="SELECT 1")
    assert raised.value.response["Error"]["Code"] == "ForbiddenException"


def test_concurrent_transactions_serialise_on_an_advisory_lock(peers):
    order = []

    def worker(name):
        transaction = call(peers, "begin_transaction")["transactionId"]
        call(peers, sql="SELECT pg_advisory_xact_lock(42)", transactionId=transaction)
        order.append(f"{name}-in")
        time.sleep(0.3)
        order.append(f"{name}-out")
        call(peers, "commit_transaction", transactionId=transaction)

    threads = [threading.Thread(target=worker, args=(name,)) for name in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert order[0][0] == order[1][0] and order[2][0] == order[3][0]


def aws_call(peers, operation, **arguments):
    """Our RDSData client (tools/AWSCall) against the emulator: (exit status, parsed JSON)."""
    import json
    import os
    import subprocess

    from harness.build import binary

    _, api, cluster = peers
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    environment.update(api.env())
    arguments = {"resourceArn": cluster["resourceArn"], "secretArn": cluster["secretArn"], "database": "staging", **arguments}
    result = subprocess.run([str(binary("aws-call")), operation, json.dumps(arguments)], capture_output=True,
                            env=environment, timeout=60)
    return result.returncode, json.loads(result.stdout if result.returncode == 0 else result.stderr)


def test_our_client_executes_and_reads_typed_records(peers):
    status, result = aws_call(peers, "rds-data.execute-statement", sql="SELECT 42 AS answer, 'x' AS letter, NULL::text AS nothing")
    assert status == 0, result
    assert result["records"] == [[{"longValue": 42}, {"stringValue": "x"}, {"isNull": True}]]
    assert [c["name"] for c in result["columnMetadata"]] == ["answer", "letter", "nothing"]


def test_our_client_uses_transactions(peers):
    aws_call(peers, "rds-data.execute-statement", sql="CREATE TABLE IF NOT EXISTS ours (n int)")
    status, transaction = aws_call(peers, "rds-data.begin-transaction")
    assert status == 0, transaction
    aws_call(peers, "rds-data.execute-statement", sql="INSERT INTO ours VALUES (5)", transactionId=transaction)
    assert aws_call(peers, "rds-data.rollback-transaction", transactionId=transaction) == (0, "Rollback Complete")
    assert call(peers, sql="SELECT count(*) FROM ours")["records"] == [[{"longValue": 0}]]


def test_our_client_gets_typed_database_errors(peers):
    status, error = aws_call(peers, "rds-data.execute-statement", sql="SELECT * FROM missing_table")
    assert status == 1 and error["code"] == "DatabaseErrorException"
    assert "missing_table" in error["message"] and "42P01" in error["message"]


def test_responses_over_one_mebibyte_are_refused(peers):
    code, message = error_code(peers, sql="SELECT repeat('x', 1100000)")
    assert code == "BadRequestException" and "response size limit" in message
