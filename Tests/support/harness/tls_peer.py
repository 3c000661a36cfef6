"""HTTPS in front of a local HTTP peer: a test CA, a server certificate for 127.0.0.1 signed by it,
and a TLS-terminating forwarder. The client under test verifies the certificate against the CA
like it verifies AWS's against a public one; the bytes it sends (signed headers included) reach
the peer unchanged."""
import datetime
import ipaddress
import pathlib
import select
import socket
import ssl

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from .loopback_server import LoopbackServer


def make_test_ca(folder: pathlib.Path, name: str = "staging-refresh test CA") -> dict:
    """Writes ca.pem (a CA called `name`), server.pem and server.key (for IP 127.0.0.1 and localhost,
    signed by that CA) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    server = (x509.CertificateBuilder()
              .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
              .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=1))
              .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                          x509.DNSName("localhost")]), critical=False)
              .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
              .sign(ca_key, hashes.SHA256()))
    paths = {"ca": folder / "ca.pem", "cert": folder / "server.pem", "key": folder / "server.key"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(server.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    return paths


class TLSForwarder(LoopbackServer):
    """Listens with TLS on a free loopback port and forwards each connection to 127.0.0.1:`target_port`."""

    def __init__(self, target_port: int, cert: pathlib.Path, key: pathlib.Path):
        super().__init__()
        self.target_port = target_port
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(str(cert), str(key))
        self.handshakes = 0

    @property
    def endpoint(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def serve(self, client):
        try:
            client.settimeout(10)
            secure = self.context.wrap_socket(client, server_side=True)
            self.handshakes += 1
            upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=10)
        except (OSError, ssl.SSLError):
            client.close()
            return
        with secure, upstream:
            secure.setblocking(False)
            upstream.setblocking(False)
            while not self._stop.is_set():
                # TLS may hold decrypted bytes that select() cannot see: drain them first.
                readable = [secure] if secure.pending() else select.select([secure, upstream], [], [], 0.5)[0]
                try:
                    for source in readable:
                        target = upstream if source is secure else secure
                        data = source.recv(65536)
                        if not data:
                            return
                        target.setblocking(True)
                        target.sendall(data)
                        target.setblocking(False)
                except ssl.SSLWantReadError:
                    continue
                except OSError:
                    return
