"""Every custom-resource event whose ResponseURL, StackId, RequestId and LogicalResourceId can be read gets
exactly one answer, even when the rest cannot: otherwise the stack waits out CloudFormation's timeout.
Through the real binary on the Runtime API emulator, with a local server as the ResponseURL."""
import json

import pytest

from harness.scripted_http import ScriptedHTTPServer
from test_runtime_hardening import custom_resource, run_schema_migration

OK = (b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", False)


@pytest.mark.parametrize("change, says", [
    ({"RequestType": "Upsert"}, "RequestType is not Create, Update or Delete"),
    ({"RequestType": 7}, "'RequestType' should be a string"),
    ({"ResourceProperties": "not an object"}, "'ResourceProperties'"),
    ({"ResourceProperties": ["a", "list"]}, "'ResourceProperties'"),
    ({"RequestType": "Update", "PhysicalResourceId": "schema-migration:arn:x/db", "ResourceProperties": 5}, "'ResourceProperties'"),
    ({"OldResourceProperties": {}, "RequestType": None}, "'RequestType'"),
], ids=["unknown-type", "numeric-type", "properties-string", "properties-list", "update-properties-number", "null-type"])
def test_an_event_that_cannot_be_read_is_answered_failed_exactly_once(change, says):
    with ScriptedHTTPServer([OK, OK]) as server:
        event = {**custom_resource(f"http://{server.address}/cfnresponse?sig=1"), **change}
        answer, _, logs = run_schema_migration(event)
        puts = [request for request in server.requests if request[0] == "PUT"]
    assert len(puts) == 1, server.requests
    sent = json.loads(puts[0][3])
    assert sent["Status"] == "FAILED" and says in sent["Reason"] and "nothing was changed" in sent["Reason"], sent
    assert (sent["StackId"], sent["RequestId"], sent["LogicalResourceId"]) == (event["StackId"], "request-1", "SchemaMigration")
    assert sent["PhysicalResourceId"] == change.get("PhysicalResourceId", "schema-migration:SchemaMigration")
    assert answer == sent
    assert says in logs


def test_without_a_usable_envelope_there_is_nothing_to_answer_and_the_invocation_fails():
    with ScriptedHTTPServer([OK]) as server:
        event = custom_resource(f"http://{server.address}/cfnresponse")
        del event["StackId"]
        event["RequestType"] = "Upsert"
        answer, _, _ = run_schema_migration(event)
        assert server.requests == []
    assert answer["errorType"] == "Function.InvalidEvent" and "cannot be answered" in answer["errorMessage"]
