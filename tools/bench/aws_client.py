"""The AWS client half of `make bench`: SigV4 signatures per second against botocore's, and a warm
signed SSM GetParameter round trip to moto against boto3's, in the same run."""
import base64
import json
import pathlib
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "Tests" / "support"))

from harness import sigv4_vectors  # noqa: E402
from harness.moto_peer import MotoServer  # noqa: E402

import botocore.auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

RELEASE = pathlib.Path(__file__).resolve().parents[2] / ".build" / "release"


def signing(seconds=3.0):
    # Requests of everyday size: the 1 MB bodies would measure SHA-256 of the body, not signing.
    vectors = [v for v in sigv4_vectors.generate(count=2000) if len(v["body_b64"]) < 4096]
    ours = json.loads(subprocess.run([str(RELEASE / "sigv4-check"), "--bench", str(seconds)],
                                     input="\n".join(map(json.dumps, vectors)).encode(), capture_output=True, check=True).stdout)
    prepared = []
    for v in vectors:
        request = AWSRequest(method=v["method"], url="https://" + v["host"] + v["path"],
                             data=base64.b64decode(v["body_b64"]), params=[tuple(pair) for pair in v["query"]])
        for name, value in v["headers"]:
            request.headers[name] = value
        prepared.append((request, botocore.auth.SigV4Auth(Credentials(v["access_key"], v["secret_key"], v["session_token"]), v["service"], v["region"])))
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for request, auth in prepared:
            # add_auth replaces Authorization, X-Amz-Date and the token itself, as on a retry.
            auth.add_auth(request)
            count += 1
    theirs = count / (time.perf_counter() - started)
    return {"requests": len(vectors), "oursPerSecond": ours["perSecond"], "botocorePerSecond": theirs}


def round_trip(calls=500):
    with MotoServer() as moto:
        moto.client("ssm").put_parameter(Name="/bench/latest", Value="snap-1", Type="String")
        ours = json.loads(subprocess.run([str(RELEASE / "aws-call"), "ssm.get-parameter", '{"name": "/bench/latest"}', "--repeat", str(calls)],
                                         env=moto.env(), capture_output=True, check=True).stdout)
        client = moto.client("ssm")
        client.get_parameter(Name="/bench/latest")
        times = []
        for _ in range(calls):
            started = time.perf_counter()
            client.get_parameter(Name="/bench/latest")
            times.append((time.perf_counter() - started) * 1e6)
        times.sort()
        return {"calls": calls, "oursMedianUs": ours["medianMicroseconds"], "oursFirstUs": ours["firstMicroseconds"],
                "boto3MedianUs": times[len(times) // 2], "boto3P90Us": times[len(times) * 9 // 10], "oursP90Us": ours["p90Microseconds"]}


def main():
    result = {"signing": signing(), "roundTrip": round_trip()}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
