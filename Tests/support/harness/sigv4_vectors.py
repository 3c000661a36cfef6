#!/usr/bin/env python3
r"""SigV4 differential test vectors: botocore's SigV4Auth is the oracle for our Swift signer.

    python3 Tests/support/harness/sigv4_vectors.py [--count N] [--seed S] [--stats] > vectors.jsonl

`generate(count, seed)` builds `count` deterministic requests (random.Random(seed)) and signs each
with botocore.auth.SigV4Auth (botocore 1.43.11, the non-S3 signer) under a frozen clock. Every
vector is also re-derived by `reference_canonical_request` / `reference_authorization` below, an
independent implementation of the rules in this docstring that does not call botocore; generation
fails loudly if the two ever disagree, so the rules below are verified on every run, not just read.

THE SPEC (botocore 1.43.11, botocore/auth.py SigV4Auth, botocore/utils.py, botocore/awsrequest.py)
====================================================================================================
Inputs: method, host (as in the URL authority, maybe with :port), wire path, a LIST of unencoded
query pairs, a LIST of (name, value) headers in send order, body bytes, credentials, region, signing
name ("service"), and the timestamp T = "YYYYMMDDTHHMMSSZ" (UTC).

0. Headers botocore adds before canonicalising (SigV4Auth._modify_request_before_signing):
   - "X-Amz-Date: T" (any caller X-Amz-Date is deleted first). [If the caller sends a "Date" header,
     botocore instead REPLACES Date with an RFC 2822 date and DROPS X-Amz-Date; the generator never
     sends Date, and our signer need not support that mode.]
   - "X-Amz-Security-Token: <token>" when the credentials carry a session token (any caller value is
     deleted first). With no token, no such header.
   - Never a Host header: host comes from the URL (rule 4). Never Content-Length: botocore adds it in
     AWSRequest.prepare(), AFTER signing, so in real botocore traffic it is NOT signed. If the caller
     lists Content-Length explicitly (some vectors do), it is signed like any other header.

1. CanonicalRequest = Method "\n" CanonicalURI "\n" CanonicalQuery "\n" CanonicalHeaders "\n"
   SignedHeaders "\n" PayloadHash, where CanonicalHeaders is "name:value" lines each followed by
   "\n" (so the block ends with "\n" and a blank line appears before SignedHeaders).
   Method is upper-cased.

2. CanonicalURI (non-S3: normalise, then encode AGAIN = "double encoding"):
   a. Take the path exactly as on the wire (already percent-encoded once), i.e.
      urlsplit("https://"+host+path).path. Empty path -> "/".
   b. remove_dot_segments, botocore's variant (utils.remove_dot_segments), on the ENCODED text:
      split on "/"; drop empty segments and "."; ".." pops the previous kept segment (or is dropped
      at the root); output = ("/" if path starts with "/") + "/".join(kept) +
      ("/" if path ends with "/" AND at least one segment was kept).
      Consequences: "//a//b" -> "/a/b"; "/a/b/" -> "/a/b/"; "/a/b/.." -> "/a" (NOT "/a/": the
      trailing-slash test looks at the last character, which is "."); "/a/b/." -> "/a/b";
      "/.." -> "/"; "//" -> "/"; "/../a" -> "/a". Only literal "." and ".." are dot segments:
      "%2E%2E" is an ordinary segment and "%2F" is not a separator.
   c. Percent-encode the result with urllib quote(p, safe="/~"): every UTF-8 byte except
      A-Z a-z 0-9 - _ . ~ and "/" becomes "%XX" with UPPER-case hex. Because the input is already
      encoded, every "%" becomes "%25": "/a%20b" -> "/a%2520b", "/a%2fb" -> "/a%252fb" (hex case of
      the wire is preserved, then re-encoded), "/100%" -> "/100%25". Raw sub-delims on the wire are
      encoded once here: "/a:b@c" -> "/a%3Ab%40c".

3. CanonicalQuery (params given as a list of pairs -> _canonical_query_string_params):
   - each key and value: quote(s, safe="-_.~"), i.e. UTF-8 bytes, everything except
     A-Z a-z 0-9 - _ . ~ as "%XX" upper-case hex: " "->%20 (never "+"), "+"->%2B, "="->%3D,
     "/"->%2F, "%"->%25, "~" stays, "é"->%C3%A9.
   - sort the (encodedKey, encodedValue) TUPLES (byte order of the encoded ASCII strings): by key,
     then by value for repeated keys. This is NOT the same as sorting "k=v" strings: keys "a" and
     "a-" give "a=1&a-=2" (tuple order) whereas string order would give "a-=2&a=1" ("-" < "=").
     Sorting happens AFTER encoding: "é" (%C3%A9) sorts before "A"; "B" before "a".
   - join as "k=v" with "&". Empty key -> "=v"; empty value -> "k="; duplicates (even identical
     pairs) all kept. No pairs -> empty line.

4. Host (headers_to_sign -> _host_from_url, since no Host header is given):
   urlsplit(url).hostname (LOWER-cased, IPv6 re-wrapped in [...]) plus ":port" only if a port is
   present AND it differs from the scheme default; our URL is always https, so ":443" is DROPPED and
   any other port (":4566", ":80", ":8080") is KEPT. "SSM.US-EAST-1.amazonaws.com:443" ->
   "ssm.us-east-1.amazonaws.com"; "[::1]:4566" -> "[::1]:4566"; "127.0.0.1:4566" -> "127.0.0.1:4566".

5. Headers (headers_to_sign / canonical_headers / signed_headers):
   - name -> name.lower(). Skip names in SIGNED_HEADERS_BLACKLIST (compared lower-cased):
       connection, expect, keep-alive, proxy-authenticate, proxy-authorization, te, trailer,
       transfer-encoding, upgrade, user-agent, x-amzn-trace-id
     (only these 11; e.g. x-amz-user-agent, content-length, accept, content-type ARE signed).
   - value -> " ".join(value.split()): Python str.split() with no argument, i.e. strip leading and
     trailing whitespace and collapse every internal run to ONE space. Whitespace = \t \n \v \f \r
     \x1c-\x1f space (+ Unicode spaces \x85 \xa0 \u1680 \u2000-\u200a \u2028 \u2029 \u202f \u205f
     \u3000, never generated). Runs INSIDE double quotes are collapsed too ("a  \"b   c\"" ->
     'a "b c"'). Empty or all-whitespace value -> "" (header still signed: "x-e:").
   - names equal after lower-casing merge: values (each trimmed as above) joined with "," (no space)
     in send order ("X-Foo: a" then "x-foo: b" -> "x-foo:a,b").
   - sort the distinct lower-cased names by code point ("-" < "0-9" < "_" < "a-z"); one
     "name:value" line each; SignedHeaders = the same names joined with ";".
   - host, x-amz-date and (with a token) x-amz-security-token take part like any other header.

6. PayloadHash: if the request has an "X-Amz-Content-SHA256" header (name compared
   case-insensitively; honoured for ALL services, not only S3), its FIRST value is used VERBATIM
   (untrimmed, unvalidated, e.g. "UNSIGNED-PAYLOAD"); the header is also signed normally (rule 5).
   Otherwise lowercase hex SHA-256 of the body bytes, for every method including GET/HEAD; empty
   body -> e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.

7. StringToSign = "AWS4-HMAC-SHA256\n" T "\n" T[0:8] "/" region "/" service "/aws4_request\n"
   hex(sha256(utf8(CanonicalRequest))).
   kSigning = HMAC(HMAC(HMAC(HMAC(utf8("AWS4"+secret), T[0:8]), region), service), "aws4_request");
   Signature = hex(HMAC-SHA256(kSigning, utf8(StringToSign))).
   Authorization = "AWS4-HMAC-SHA256 Credential=" accessKey "/" T[0:8] "/" region "/" service
   "/aws4_request, SignedHeaders=" SignedHeaders ", Signature=" Signature   (", " separators).

TRICKY EXAMPLES (checked against botocore 1.43.11)
--------------------------------------------------
A. GET host "SSM.US-east-1.amazonaws.com:443", path "/a/b/..", query
   [("a","1"),("a-","2"),("","e"),("a","0"),("k","v=+ ~/%é")], headers
   [("X-Foo","  a   b\t\tc  "),("x-foo",'"q  q"'),("User-Agent","x"),("X-E","")], T=20240229T235959Z:
       GET
       /a
       =e&a=0&a=1&a-=2&k=v%3D%2B%20~%2F%25%C3%A9
       host:ssm.us-east-1.amazonaws.com
       x-amz-date:20240229T235959Z
       x-e:
       x-foo:a b c,"q q"

       host;x-amz-date;x-e;x-foo
       e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
B. POST host "127.0.0.1:80", path "/a%2Fb/%E2%82%AC/%2E%2E/c//", header ("Content-Length","3"),
   body b"abc", T=20240229T235959Z:
       POST
       /a%252Fb/%25E2%2582%25AC/%252E%252E/c/
       (empty query line)
       content-length:3
       host:127.0.0.1:80
       x-amz-date:20240229T235959Z

       content-length;host;x-amz-date
       ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
C. GET host "[::1]:4566", path "" (empty), session token "tok/+=", T=20240229T235959Z:
       GET
       /
       (empty query line)
       host:[::1]:4566
       x-amz-date:20240229T235959Z
       x-amz-security-token:tok/+=

       host;x-amz-date;x-amz-security-token
       e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
   (Anchor: vector id 0 is the AWS documentation example, GET iam ListUsers at 20150830T123600Z,
   Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7.)

VECTOR FORMAT (one JSON object per line; "query" pairs are UNENCODED, "path" is the wire path)
   {"id", "service", "region", "method", "host", "path", "query": [[k, v], ...],
    "headers": [[name, value], ...], "body_b64", "access_key", "secret_key", "session_token"|null,
    "amz_date", "expected": {"authorization", "canonical_request", "string_to_sign",
    "signed_headers", "x_amz_date", "x_amz_security_token"|null}}
The generator never sends host, x-amz-date, x-amz-security-token, authorization or date headers.
"""
import argparse
import base64
import contextlib
import datetime
import hashlib
import hmac
import json
import random
import re
import sys
from unittest import mock
from urllib.parse import quote

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

UNSIGNED_HEADERS = ["connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization",
                    "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id"]
assert sorted(UNSIGNED_HEADERS) == sorted(botocore.auth.SIGNED_HEADERS_BLACKLIST), \
    "botocore's SIGNED_HEADERS_BLACKLIST changed: update the spec"

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]

# (signing name, host prefix or None for special handling, default content type)
SERVICES = [
    ("ssm", "ssm", "application/x-amz-json-1.1"),
    ("rds", "rds", "application/x-www-form-urlencoded; charset=utf-8"),
    ("execute-api", None, "application/json"),
    ("rds-data", "rds-data", "application/json"),
    ("sts", "sts", "application/x-www-form-urlencoded; charset=utf-8"),
    ("monitoring", "monitoring", "application/x-www-form-urlencoded; charset=utf-8"),
    ("lambda", "lambda", "application/json"),
    ("secretsmanager", "secretsmanager", "application/x-amz-json-1.1"),
    ("logs", "logs", "application/x-amz-json-1.1"),
    ("sqs", "sqs", "application/x-amz-json-1.0"),
    ("dynamodb", "dynamodb", "application/x-amz-json-1.0"),
    ("kms", "kms", "application/x-amz-json-1.1"),
]
TARGETS = {"ssm": "AmazonSSM.GetParameter", "secretsmanager": "secretsmanager.GetSecretValue",
           "logs": "Logs_20140328.PutLogEvents", "sqs": "AmazonSQS.SendMessage",
           "dynamodb": "DynamoDB_20120810.GetItem", "kms": "TrentService.Decrypt",
           "monitoring": "GraniteServiceVersion20100801.PutMetricData"}

REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "eu-west-2",
           "ap-southeast-2", "ap-northeast-1", "ap-south-2", "sa-east-1", "ca-central-1",
           "me-south-1", "af-south-1", "il-central-1", "us-gov-west-1", "cn-north-1", "cn-northwest-1"]

LOCAL_HOSTS = ["127.0.0.1:4566", "localhost:4566", "localhost.localstack.cloud:4566", "127.0.0.1:8080",
               "10.0.0.5:9000", "[::1]:4566", "host.docker.internal:4566", "127.0.0.1", "localhost",
               "127.0.0.1:443", "LocalHost:4566", "[::1]"]

# Raw (unencoded) path segments; the generator encodes each once with quote(seg, safe='-_.~').
RAW_SEGMENTS = [
    "parameters", "2015-03-31", "functions", "my-func", "invocations", "restapis", "abc123", "prod",
    "Execute", "UPPER", "MiXeD", "v1", "a.b", "...", ".hidden", "~user", "under_score",
    "a b", "sp ace  s", "a+b", "a=b", "a&b", "x!y*z(1)'q'", "user@example.com", "k:v", "$ref",
    "a,b;c", "!*()'@:$,;=+&", "100%", "50% off", "%", "%2F", "%41", "a/b", "?q", "#frag", "[x]",
    "{id}", "|", "^", "`", '"q"', "<>", "\\", "tab\there",
    "café", "日本語", "naïve façade", "emoji🚀", "Ωmega", "ü", "ß", "€100",
]

# Wire paths used verbatim (already in on-the-wire form; note the raw '%' and lower-case hex cases).
CURATED_PATHS = [
    "/", "", "//", "///", "//double//slash", "/double//slash/", "/a/./b/../c", "/a/b/../../..",
    "/../a", "/a/b/..", "/a/b/.", "/./", "/.", "/..", "/a/b/", "/a/%2E%2E/b", "/a/%2e/b", "/a%2Fb",
    "/a%2fb", "/%2F", "/%2F/", "/100%", "/50%25", "/%", "/%zz", "/a%20b", "/a+b", "/a:b@c",
    "/!$&'()*+,;=", "/~user", "/%7Euser", "/caf%C3%A9", "/caf%c3%a9", "/%E6%97%A5%E6%9C%AC/",
    "/restapis/abc123/stages/prod", "/2015-03-31/functions/my-func/invocations", "/Execute/./Statement",
    "/a//b/./c/../d/", "/%252F", "/a%2Fb/%E2%82%AC/%2E%2E/c//", "/-_.~", "/AbC/dEf",
]

QUERY_KEYS = ["Action", "Version", "Name", "a", "A", "b", "B", "z", "Z", "0", "", "a-", "a_", "a.b",
              "a~", "~", "list.member.1", "Filter.1.Value.2", "key with space", "k=", "k+", "k&",
              "é", "日本", "%", "%20", "prefix", "max-items", "X-Amz-Meta", "next token", "a/b"]
QUERY_VALUES = ["", "1", "true", "a=b", "==", "a+b", "+", "a b", " ", "  lead", "trail  ", "~home",
                "~", "/path/to/x", "100%", "%2F", "%", "%%", "é", "naïve", "日本語", "🚀", "a&b",
                "q?x#y", "x*y", "!'()", "@:$,;", "<>", '"q"', "\\", "tab\tin", "line\nbreak",
                "2010-05-08", "GetParameter", "-_.~", "a=b+c d~e/f%g"]
QUERY_ALPHABET = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                  " =+~/%&?#*!'()@:$,;[]{}|^`\"\\-_.") + "é日🚀ü"

SIGNED_HEADER_NAMES = ["X-Custom-Header", "Accept", "X-Amz-Meta-Owner", "x-amz-user-agent", "X-Api-Key",
                       "X-Request-Id", "Cache-Control", "If-Match", "X-Forwarded-For", "X_Underscore",
                       "x-a", "X-A-B", "x-a_b", "X.Dot", "X-Amz-Client-Context", "Content-Encoding",
                       "Accept-Encoding", "Content-MD5", "X-Amz-Invocation-Type", "X-Amz-Trace-Id",
                       "X-Amz-Meta-9", "x-0"]
UNSIGNED_HEADER_VALUES = {
    "User-Agent": ["aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64", "StagingRefresh/1.0  (swift)",
                   "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0"],
    "Expect": ["100-continue"],
    "X-Amzn-Trace-Id": ["Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", "Root=1-abc"],
    "Connection": ["keep-alive", "close"],
    "Keep-Alive": ["timeout=5, max=100"],
    "TE": ["trailers"],
    "Trailer": ["x-amz-checksum-crc32"],
    "Transfer-Encoding": ["chunked"],
    "Upgrade": ["h2c"],
    "Proxy-Authorization": ["Basic dXNlcjpwYXNz"],
    "Proxy-Authenticate": ["Basic realm=\"x\""],
}
HEADER_WORDS = ["alpha", "beta", "a=b", "1,2,3", '"quoted  value"', '"  spaced\tquoted  "', "text/plain",
                "*/*", "gzip", "v1.0", "(paren)", "semi;colon", "x", "Z", "0", "key=value; other=1",
                "W/\"etag\"", "no-cache", "!#$%&'*+-.^_`|~", "a,b", ",", "127.0.0.1", "[::1]"]
SPECIAL_DATES = ["20150830T123600Z", "20240229T235959Z", "20000101T000000Z", "20261122T000000Z",
                 "20261231T235959Z", "20380119T031407Z", "20120101T000000Z", "20251001T120000Z"]

EXAMPLE_AK, EXAMPLE_SK = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+"


# ----------------------------------------------------------------------------------------------
# Independent reference implementation of the spec above (no botocore).

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
_TRIM_WS = re.compile(r"[\t\n\x0b\x0c\r\x1c-\x1f ]+")  # ASCII part of str.isspace()


def _pct(s: str, also_safe: bytes = b"") -> str:
    out = []
    for b in s.encode("utf-8"):
        out.append(chr(b) if b in _UNRESERVED or b in also_safe else "%%%02X" % b)
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    if not path:
        return "/"
    kept = []
    for seg in path.split("/"):
        if seg == "" or seg == ".":
            continue
        if seg == "..":
            if kept:
                kept.pop()
            continue
        kept.append(seg)
    first = "/" if path.startswith("/") else ""
    last = "/" if path.endswith("/") and kept else ""
    return first + "/".join(kept) + last


def _canonical_host(host: str) -> str:
    h = host.lower()
    if h.startswith("["):
        end = h.index("]")
        name, port = h[:end + 1], h[end + 2:] if h[end + 1:end + 2] == ":" else None
    elif ":" in h:
        name, port = h.rsplit(":", 1)
    else:
        name, port = h, None
    return name if port is None or int(port) == 443 else f"{name}:{int(port)}"


def reference_canonical_request(v: dict) -> str:
    body = base64.b64decode(v["body_b64"])
    path = _pct(_remove_dot_segments(v["path"]), b"/")
    pairs = sorted((_pct(k), _pct(val)) for k, val in v["query"])
    query = "&".join(f"{k}={val}" for k, val in pairs)
    headers = [(n.lower(), val) for n, val in v["headers"] if n.lower() not in UNSIGNED_HEADERS]
    headers.append(("host", _canonical_host(v["host"])))
    headers.append(("x-amz-date", v["amz_date"]))
    if v["session_token"]:
        headers.append(("x-amz-security-token", v["session_token"]))
    merged: dict = {}
    for n, val in headers:
        merged.setdefault(n, []).append(_TRIM_WS.sub(" ", val).strip(" "))
    names = sorted(merged)
    canon_headers = "".join(f"{n}:{','.join(merged[n])}\n" for n in names)
    explicit = [val for n, val in v["headers"] if n.lower() == "x-amz-content-sha256"]
    payload = explicit[0] if explicit else hashlib.sha256(body).hexdigest()
    return "\n".join([v["method"].upper(), path, query, canon_headers, ";".join(names), payload])


def reference_authorization(v: dict, canonical_request: str) -> tuple:
    t = v["amz_date"]
    scope = f"{t[:8]}/{v['region']}/{v['service']}/aws4_request"
    sts = "\n".join(["AWS4-HMAC-SHA256", t, scope,
                     hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()])
    key = ("AWS4" + v["secret_key"]).encode("utf-8")
    for part in (t[:8], v["region"], v["service"], "aws4_request"):
        key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
    sig = hmac.new(key, sts.encode("utf-8"), hashlib.sha256).hexdigest()
    signed = canonical_request.split("\n")[-2]
    return sts, (f"AWS4-HMAC-SHA256 Credential={v['access_key']}/{scope}, "
                 f"SignedHeaders={signed}, Signature={sig}")


# ----------------------------------------------------------------------------------------------
# botocore oracle

@contextlib.contextmanager
def _frozen_clock(holder: list):
    """botocore 1.43 reads the clock via botocore.auth.get_current_datetime() (naive UTC datetime)."""
    def now(remove_tzinfo=True):
        dt = holder[0]
        return dt if remove_tzinfo else dt.replace(tzinfo=datetime.timezone.utc)
    if hasattr(botocore.auth, "get_current_datetime"):
        with mock.patch.object(botocore.auth, "get_current_datetime", now):
            yield
    else:  # older botocore: datetime.datetime.utcnow()
        class _DT(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return holder[0]
        with mock.patch.object(botocore.auth.datetime, "datetime", _DT):
            yield


class _RecordingSigV4(botocore.auth.SigV4Auth):
    """SigV4Auth that remembers the canonical request / string to sign it actually used."""

    def canonical_request(self, request):
        self.recorded_cr = super().canonical_request(request)
        return self.recorded_cr

    def string_to_sign(self, request, canonical_request):
        self.recorded_sts = super().string_to_sign(request, canonical_request)
        return self.recorded_sts

    def signature(self, string_to_sign, request):
        self.recorded_sig = super().signature(string_to_sign, request)
        return self.recorded_sig


def _botocore_sign(v: dict, clock: list) -> dict:
    body = base64.b64decode(v["body_b64"])
    request = AWSRequest(method=v["method"], url="https://" + v["host"] + v["path"], data=body,
                         params=[(k, val) for k, val in v["query"]])
    for name, value in v["headers"]:
        request.headers[name] = value  # HTTPMessage: appends, so repeated names are kept in order
    clock[0] = datetime.datetime.strptime(v["amz_date"], "%Y%m%dT%H%M%SZ")
    signer = _RecordingSigV4(Credentials(v["access_key"], v["secret_key"], v["session_token"]),
                             v["service"], v["region"])
    signer.add_auth(request)
    auth = request.headers["Authorization"]
    m = re.fullmatch(r"AWS4-HMAC-SHA256 Credential=[^,]+, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})",
                     auth)
    assert m and m.group(2) == signer.recorded_sig, auth
    assert request.headers.get_all("X-Amz-Date") == [v["amz_date"]], "clock not frozen"
    return {
        "authorization": auth,
        "canonical_request": signer.recorded_cr,
        "string_to_sign": signer.recorded_sts,
        "signed_headers": m.group(1),
        "x_amz_date": request.headers["X-Amz-Date"],
        "x_amz_security_token": request.headers.get("X-Amz-Security-Token"),
    }


def _verify(v: dict) -> None:
    e = v["expected"]
    cr = reference_canonical_request(v)
    if cr != e["canonical_request"]:
        raise AssertionError(f"spec/botocore mismatch on id {v['id']}:\nbotocore:\n{e['canonical_request']}"
                             f"\nreference:\n{cr}")
    sts, auth = reference_authorization(v, cr)
    assert sts == e["string_to_sign"], v["id"]
    assert auth == e["authorization"], v["id"]
    assert e["signed_headers"] == cr.split("\n")[-2], v["id"]
    assert e["x_amz_security_token"] == v["session_token"], v["id"]
    assert e["x_amz_date"] == v["amz_date"], v["id"]
    # signed set = sent names (minus blacklist) + host/x-amz-date/(token)
    want = {n.lower() for n, _ in v["headers"]} - set(UNSIGNED_HEADERS)
    want |= {"host", "x-amz-date"} | ({"x-amz-security-token"} if v["session_token"] else set())
    assert set(e["signed_headers"].split(";")) == want, v["id"]


# ----------------------------------------------------------------------------------------------
# request generation

def _case(rng: random.Random, name: str) -> str:
    r = rng.random()
    if r < 0.45:
        return name
    if r < 0.70:
        return name.lower()
    if r < 0.82:
        return name.upper()
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in name)


def _ws(rng: random.Random) -> str:
    return "".join(rng.choice(" \t" if rng.random() < 0.4 else " ") for _ in range(rng.randint(1, 4)))


def _header_value(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.05:
        return ""
    if r < 0.08:
        return _ws(rng)
    words = [rng.choice(HEADER_WORDS) for _ in range(rng.randint(1, 4))]
    seps = [" " if rng.random() < 0.5 else _ws(rng) for _ in words[1:]]
    value = words[0] + "".join(s + w for s, w in zip(seps, words[1:]))
    if rng.random() < 0.3:
        value = _ws(rng) + value
    if rng.random() < 0.3:
        value = value + _ws(rng)
    return value


def _path(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return rng.choice(CURATED_PATHS)
    segs = []
    for _ in range(rng.randint(0, 6)):
        r = rng.random()
        if r < 0.06:
            segs.append("")            # -> '//'
        elif r < 0.10:
            segs.append(".")
        elif r < 0.14:
            segs.append("..")
        else:
            segs.append(quote(rng.choice(RAW_SEGMENTS), safe="-_.~"))
    path = "/" + "/".join(segs)
    if segs and rng.random() < 0.2:
        path += "/"
    return path


def _query(rng: random.Random) -> list:
    if rng.random() < 0.35:
        return []
    pairs = []
    for _ in range(rng.randint(1, 8)):
        k = rng.choice(QUERY_KEYS) if rng.random() < 0.8 else \
            "".join(rng.choice(QUERY_ALPHABET) for _ in range(rng.randint(0, 6)))
        val = rng.choice(QUERY_VALUES) if rng.random() < 0.6 else \
            "".join(rng.choice(QUERY_ALPHABET) for _ in range(rng.randint(0, 20)))
        pairs.append([k, val])
    r = rng.random()
    if r < 0.30:    # repeated key, different value
        pairs.append([rng.choice(pairs)[0], rng.choice(QUERY_VALUES)])
    elif r < 0.40:  # exact duplicate pair
        pairs.append(list(rng.choice(pairs)))
    rng.shuffle(pairs)
    return pairs


def _body(rng: random.Random, i: int, method: str, service: str) -> bytes:
    if i % 1000 == 17:
        return rng.randbytes(1 << 20)                                  # 1 MiB binary
    if i % 1000 == 517:
        return b'{"k":"' + b"x" * 999_992 + b'"}'                     # exactly 1,000,000 bytes
    if method in ("GET", "HEAD", "OPTIONS"):
        return b""
    r = rng.random()
    if method == "DELETE":
        r = 0.0 if r < 0.8 else 0.2
    if r < 0.12:
        return b""
    if r < 0.50:
        obj = {"Name": "/staging/" + rng.choice(RAW_SEGMENTS), "WithDecryption": rng.random() < 0.5,
               "n": rng.randint(-10**9, 10**9), "s": "".join(rng.choice(QUERY_ALPHABET) for _ in range(12))}
        return json.dumps(obj, ensure_ascii=rng.random() < 0.5).encode("utf-8")
    if r < 0.65:
        return f"Action=DescribeDBInstances&Version=2014-10-31&Marker={rng.randint(0, 99999)}".encode()
    if r < 0.87:
        return rng.randbytes(rng.randint(1, 2048))
    if r < 0.97:
        return rng.randbytes(rng.randint(2048, 128 * 1024))
    return ("naïve façade 日本語 🚀 " * rng.randint(1, 50)).encode("utf-8")


def _amz_date(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return rng.choice(SPECIAL_DATES)
    lo = datetime.datetime(2013, 1, 1)
    secs = rng.randint(0, int((datetime.datetime(2037, 12, 31, 23, 59, 59) - lo).total_seconds()))
    return (lo + datetime.timedelta(seconds=secs)).strftime("%Y%m%dT%H%M%SZ")


def _host(rng: random.Random, service: str, prefix, region: str) -> str:
    if rng.random() < 0.4:
        return rng.choice(LOCAL_HOSTS)
    suffix = ".amazonaws.com.cn" if region.startswith("cn-") else ".amazonaws.com"
    if prefix is None:  # execute-api
        api = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(10))
        host = f"{api}.execute-api.{region}{suffix}"
    elif service == "sts" and rng.random() < 0.3:
        host = "sts" + suffix
    else:
        host = f"{prefix}.{region}{suffix}"
    r = rng.random()
    if r < 0.07:
        host += ":443"                      # default port: botocore drops it
    elif r < 0.10:
        host += ":80"                       # not the https default: kept
    elif r < 0.13:
        host += ":8443"
    if rng.random() < 0.06:
        host = "".join(c.upper() if rng.random() < 0.5 else c for c in host)
    return host


def _credentials(rng: random.Random):
    token = None
    if rng.random() < 0.5:
        token = base64.b64encode(rng.randbytes(rng.randint(100, 700))).decode()
        if rng.random() < 0.1:
            token = "IQoJb3JpZ2luX2VjE" + token
    if rng.random() < 0.1:
        ak, sk = EXAMPLE_AK, EXAMPLE_SK
    else:
        ak = ("ASIA" if token else "AKIA") + "".join(rng.choice(UPPER_ALNUM) for _ in range(16))
        sk = "".join(rng.choice(SECRET_ALPHABET) for _ in range(40))
    return ak, sk, token


def _headers(rng: random.Random, service: str, ctype: str, body: bytes, method: str) -> list:
    hs = []
    if rng.random() < (0.7 if body else 0.2):
        hs.append([_case(rng, "Content-Type"), ctype if rng.random() < 0.8 else _header_value(rng)])
    if service in TARGETS and method == "POST" and rng.random() < 0.7:
        hs.append([_case(rng, "X-Amz-Target"), TARGETS[service]])
    for _ in range(rng.choice([0, 0, 1, 1, 2, 2, 3, 4, 5])):
        hs.append([_case(rng, rng.choice(SIGNED_HEADER_NAMES)), _header_value(rng)])
    if hs and rng.random() < 0.2:     # same header twice (case may differ)
        hs.append([_case(rng, rng.choice(hs)[0]), _header_value(rng)])
    if rng.random() < 0.35:
        for name in rng.sample(sorted(UNSIGNED_HEADER_VALUES), rng.randint(1, 3)):
            hs.append([_case(rng, name), rng.choice(UNSIGNED_HEADER_VALUES[name])])
    if (body or method in ("POST", "PUT", "PATCH")) and rng.random() < 0.25:
        hs.append([_case(rng, "Content-Length"), str(len(body))])
    if rng.random() < 0.04:             # honoured verbatim as the payload hash (non-S3 too)
        value = hashlib.sha256(body).hexdigest() if rng.random() < 0.6 else "UNSIGNED-PAYLOAD"
        hs.append([_case(rng, "X-Amz-Content-SHA256"), value])
    rng.shuffle(hs)
    return hs


def _aws_doc_example() -> dict:
    return {"id": 0, "service": "iam", "region": "us-east-1", "method": "GET", "host": "iam.amazonaws.com",
            "path": "/", "query": [["Action", "ListUsers"], ["Version", "2010-05-08"]],
            "headers": [["Content-Type", "application/x-www-form-urlencoded; charset=utf-8"]],
            "body_b64": "", "access_key": EXAMPLE_AK, "secret_key": EXAMPLE_SK, "session_token": None,
            "amz_date": "20150830T123600Z"}


def generate(count: int = 2000, seed: int = 20261122) -> list:
    rng = random.Random(seed)
    clock = [None]
    vectors = []
    with _frozen_clock(clock):
        for i in range(count):
            if i == 0:
                v = _aws_doc_example()
            else:
                service, prefix, ctype = SERVICES[rng.randrange(len(SERVICES))]
                region = rng.choice(REGIONS)
                method = METHODS[i % len(METHODS)] if rng.random() < 0.5 else rng.choice(METHODS)
                if i % 1000 in (17, 517):
                    method = rng.choice(["POST", "PUT"])
                body = _body(rng, i, method, service)
                ak, sk, token = _credentials(rng)
                v = {"id": i, "service": service, "region": region, "method": method,
                     "host": _host(rng, service, prefix, region), "path": _path(rng),
                     "query": _query(rng), "headers": _headers(rng, service, ctype, body, method),
                     "body_b64": base64.b64encode(body).decode("ascii"),
                     "access_key": ak, "secret_key": sk, "session_token": token,
                     "amz_date": _amz_date(rng)}
            v["expected"] = _botocore_sign(v, clock)
            _verify(v)
            vectors.append(v)
    if count > 0:
        assert vectors[0]["expected"]["authorization"].endswith(
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
    return vectors


def coverage(vectors: list) -> dict:
    """How often each required case class occurs (for --stats)."""
    c: dict = {}

    def hit(k, cond=True):
        if cond:
            c[k] = c.get(k, 0) + 1
    for v in vectors:
        body = base64.b64decode(v["body_b64"])
        p, names = v["path"], [n.lower() for n, _ in v["headers"]]
        hit("method:" + v["method"])
        hit("path:empty-or-root", p in ("", "/"))
        hit("path:double-slash", "//" in p)
        hit("path:dot-segment", any(s in (".", "..") for s in p.split("/")))
        hit("path:trailing-slash", len(p) > 1 and p.endswith("/"))
        hit("path:percent", "%" in p)
        hit("path:encoded-%2F", "%2f" in p.lower())
        hit("path:non-ascii(utf8 %XX >= %80)", re.search(r"%[89A-Fa-f][0-9A-Fa-f]", p) is not None)
        hit("path:reserved-encoded", re.search(r"%(21|2A|28|29|27|40|3A|24|2C|3B|3D|2B|26)", p) is not None)
        hit("path:raw-reserved", re.search(r"[!*()'@:$,;=+&]", p) is not None)
        keys = [k for k, _ in v["query"]]
        hit("query:repeated-key", len(keys) != len(set(keys)))
        hit("query:empty-key", "" in keys)
        hit("query:empty-value", any(val == "" for _, val in v["query"]))
        for ch, label in (("=", "eq"), ("+", "plus"), (" ", "space"), ("~", "tilde"), ("/", "slash"),
                          ("%", "percent")):
            hit("query:value-has-" + label, any(ch in val for _, val in v["query"]))
        hit("query:non-ascii", any(not (k + val).isascii() for k, val in v["query"]))
        hit("header:space-run", any(re.search(r"[ \t]{2,}", val) for _, val in v["headers"]))
        hit("header:lead/trail-ws", any(val != val.strip(" \t") for _, val in v["headers"]))
        hit("header:repeated-name", len(names) != len(set(names)))
        hit("header:unsigned(blacklisted)", any(n in UNSIGNED_HEADERS for n in names))
        hit("header:x-amz-content-sha256", "x-amz-content-sha256" in names)
        hit("body:empty", not body)
        hit("body:binary(non-utf8)", bool(body) and not _is_utf8(body))
        hit("body:>=64KiB", len(body) >= 65536)
        hit("body:>=1MB", len(body) >= 1_000_000)
        hit("token:yes", v["session_token"] is not None)
        hit("token:no", v["session_token"] is None)
        hit("host:with-port", v["host"].rsplit("]", 1)[-1].count(":") == 1)
        hit("host::443-dropped", v["host"].endswith(":443"))
        hit("host:uppercase", v["host"] != v["host"].lower())
    return dict(sorted(c.items()))


def _is_utf8(b: bytes) -> bool:
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--stats", action="store_true", help="print case-class coverage to stderr")
    args = ap.parse_args(argv)
    vectors = generate(args.count, args.seed)
    out = sys.stdout
    for v in vectors:
        out.write(json.dumps(v, separators=(",", ":")))
        out.write("\n")
    out.flush()
    if args.stats:
        for k, n in coverage(vectors).items():
            print(f"{n:6d}  {k}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
