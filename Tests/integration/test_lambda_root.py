"""The shipped zip run the way Lambda runs it: in a root shaped like provided.al2023 (glibc only in
/lib64, the zip at /var/task, the layer at /opt, the CA bundle only at Amazon Linux's path,
Lambda's environment and nothing else), through the real invoke loop on the Runtime API emulator
outside the root, making signed HTTPS calls to moto behind a TLS endpoint whose certificate only
the bundle's test CA vouches for."""
import json
import os
import pathlib
import subprocess

import pytest

from harness.lambda_root import AMAZON_LINUX_CA_BUNDLE, LambdaRoot
from harness.moto_peer import MotoServer
from harness.runtime_api import Runtime, RuntimeEmulator
from harness.tls_peer import TLSForwarder, make_test_ca

ROOT = pathlib.Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
PREFIX = "/sr-lambda-root"

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="a chroot needs root (CI and the dev machines run as root)")


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    if not (DIST / "bootstrap.zip").exists():
        pytest.fail("dist/bootstrap.zip is missing: run 'make package' (make test runs it first)")
    certificates = make_test_ca(tmp_path_factory.mktemp("ca"))
    with MotoServer() as moto:
        rds = moto.client("rds")
        rds.create_db_cluster(DBClusterIdentifier="prod", Engine="aurora-postgresql", EngineVersion="15.4",
                              MasterUsername="admin", MasterUserPassword="password123")
        rds.create_db_cluster_snapshot(DBClusterIdentifier="prod", DBClusterSnapshotIdentifier="prod-1")
        port = int(moto.endpoint.rsplit(":", 1)[1])
        with TLSForwarder(port, certificates["cert"], certificates["key"]) as forwarder:
            yield moto, forwarder, certificates


def lambda_root(tmp_path, certificates, **options) -> LambdaRoot:
    return LambdaRoot(tmp_path / "root", DIST / "bootstrap.zip", DIST / "migrations-layer.zip",
                      ca_bundle=certificates["ca"], **options)


def aws_environment(moto, forwarder) -> dict:
    env = moto.env()
    return {name: env[name] for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION")} | {
        "AWS_ENDPOINT_URL": forwarder.endpoint}


def run_update_latest(root: LambdaRoot, moto, forwarder, prefix: str):
    """update-latest-snapshot-id through the invoke loop inside the root: RDS reads and an SSM write,
    each a signed HTTPS call. Returns (answer, failed, logs)."""
    with RuntimeEmulator(timeout_seconds=30) as emulator:
        environment = aws_environment(moto, forwarder) | {
            "AWS_LAMBDA_RUNTIME_API": emulator.address, "_HANDLER": "update-latest-snapshot-id",
            "AWS_LAMBDA_FUNCTION_NAME": emulator.function_name, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "SOURCE_DB_CLUSTER_IDENTIFIER": "prod", "PARAMETER_PREFIX": prefix}
        runtime = Runtime(emulator, command=root.command("/var/task/bootstrap", environment=environment))
        with runtime:
            status, body = emulator.invoke(b"{}", timeout=60)
            runtime.stop()
        failed = status != 200 or any(call["path"].endswith("/error") for call in emulator.calls())
    return json.loads(body), failed, runtime.logs


def doctor(root: LambdaRoot, moto, forwarder) -> subprocess.CompletedProcess:
    return subprocess.run(root.command("/var/task/bootstrap", "doctor", environment=aws_environment(moto, forwarder)),
                          capture_output=True, text=True, timeout=60)


def ssm_value(moto, name):
    return moto.client("ssm").get_parameter(Name=name)["Parameter"]["Value"]


def test_the_zip_makes_signed_https_calls_with_what_it_carries(tls, tmp_path):
    moto, forwarder, certificates = tls
    root = lambda_root(tmp_path, certificates)
    assert not (root.folder / "etc" / "ssl").exists() and not list((root.folder / "usr" / "lib64").iterdir())
    before = forwarder.handshakes
    answer, failed, logs = run_update_latest(root, moto, forwarder, PREFIX)
    assert not failed, (answer, logs)
    assert answer["snapshot"] == "prod-1" and answer["changed"] is True
    assert ssm_value(moto, f"{PREFIX}/latest-snapshot-id") == "prod-1"
    assert forwarder.handshakes > before  # the calls went over TLS, verified against the test CA

    report = doctor(root, moto, forwarder)
    assert report.returncode == 0, report.stdout + report.stderr
    assert "libcurl:      /var/task/lib/libcurl-staging-refresh.so: libcurl/7.88.1 OpenSSL/3.0" in report.stdout
    assert f"CA bundle:    /{AMAZON_LINUX_CA_BUNDLE} (system)" in report.stdout
    assert "caller:       arn:aws:iam::123456789012:user/" in report.stdout


def test_a_system_libcurl_and_openssl_in_usr_lib64_change_nothing(tls, tmp_path):
    moto, forwarder, certificates = tls
    root = lambda_root(tmp_path, certificates, system_libcurl=True)
    assert (root.folder / "usr" / "lib64" / "libcurl.so.4").exists() and (root.folder / "usr" / "lib64" / "libssl.so.3").exists()
    answer, failed, logs = run_update_latest(root, moto, forwarder, PREFIX + "-system")
    assert not failed, (answer, logs)
    assert ssm_value(moto, f"{PREFIX}-system/latest-snapshot-id") == "prod-1"
    report = doctor(root, moto, forwarder)
    assert report.returncode == 0 and "libcurl:      /var/task/lib/libcurl-staging-refresh.so" in report.stdout, report.stdout


def test_no_ca_bundle_is_a_clear_error_naming_what_was_tried(tls, tmp_path):
    moto, forwarder, certificates = tls
    root = lambda_root(tmp_path, certificates)
    (root.folder / AMAZON_LINUX_CA_BUNDLE).unlink()
    report = doctor(root, moto, forwarder)
    assert report.returncode == 1
    line = next(line for line in report.stdout.splitlines() if line.startswith("CA bundle:"))
    for tried in ("SSL_CERT_FILE", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem"):
        assert tried in line, line


def test_a_certificate_the_bundle_does_not_vouch_for_is_refused(tls, tmp_path):
    moto, forwarder, certificates = tls
    other = make_test_ca(tmp_path / "other-ca", name="another CA")
    root = lambda_root(tmp_path, {"ca": other["ca"]})
    report = doctor(root, moto, forwarder)
    assert report.returncode == 1
    line = next(line for line in report.stdout.splitlines() if line.startswith("caller:"))
    assert "SSL certificate problem: unable to get local issuer certificate" in line, line


def test_without_the_carried_library_the_error_says_what_to_deploy(tls, tmp_path):
    moto, forwarder, certificates = tls
    root = lambda_root(tmp_path, certificates)
    for carried in (root.folder / "var" / "task" / "lib").iterdir():
        carried.unlink()
    report = doctor(root, moto, forwarder)
    assert report.returncode == 1
    assert "cannot load libcurl" in report.stdout and "make package" in report.stdout, report.stdout
