"""Our SigV4 signer against botocore's SigV4Auth, byte for byte, on 2,000 generated requests
(Tests/support/harness/sigv4_vectors.py documents the rules and the coverage)."""
import json
import subprocess

from harness import sigv4_vectors
from harness.build import binary


def test_signatures_equal_botocores_byte_for_byte():
    vectors = sigv4_vectors.generate(count=2000)
    lines = "\n".join(json.dumps(vector) for vector in vectors).encode()
    result = subprocess.run([str(binary("sigv4-check"))], input=lines, capture_output=True, timeout=120, check=True)
    ours = {o["id"]: o for o in map(json.loads, result.stdout.decode().splitlines())}
    assert len(ours) == len(vectors) == 2000
    mismatches = []
    for vector in vectors:
        expected, got = vector["expected"], ours[vector["id"]]
        if got["authorization"] != expected["authorization"]:
            mismatches.append((vector["id"], expected["canonical_request"], got["canonical_request"]))
    assert not mismatches, f"{len(mismatches)} mismatches; first: id {mismatches[0][0]}\nbotocore:\n{mismatches[0][1]}\nours:\n{mismatches[0][2]}"
