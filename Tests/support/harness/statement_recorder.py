"""What psql and the mariadb client send to a server, statement by statement: servers on free loopback
ports that speak just enough of each wire protocol to accept a connection and answer every query with
success, recording each query's exact text. The clients do all the splitting; these only listen.

- PostgreSQL frontend/backend protocol 3.0 ("Message Flow", "Message Formats",
  https://www.postgresql.org/docs/15/protocol-flow.html): SSLRequest and GSSENCRequest are declined
  with 'N'; the startup gets AuthenticationOk, ParameterStatus, BackendKeyData and ReadyForQuery; each
  simple Query gets CommandComplete and ReadyForQuery. psql reads standard_conforming_strings from the
  ParameterStatus the server sends, so a SET or RESET of it is answered with the new value, as
  PostgreSQL does ("the server reports changes of standard_conforming_strings", protocol-flow.html,
  "Asynchronous Operations").
- MySQL client/server protocol (https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basics.html):
  HandshakeV10 with mysql_native_password, any HandshakeResponse41 gets OK_Packet, each COM_QUERY gets
  OK_Packet, COM_QUIT ends the connection. The client turns `use db` into its own SELECT DATABASE() and a
  COM_INIT_DB; that pair is recorded as `use db`.
"""
import os
import re
import struct
import subprocess

from .loopback_server import LoopbackServer

SCS = re.compile(rb"^\s*(?:SET\s+(?:SESSION\s+)?standard_conforming_strings\s*(?:=|TO)\s*'?(on|off|true|false|default)'?\s*;?\s*$"
                 rb"|RESET\s+(standard_conforming_strings|ALL)\s*;?\s*$)", re.IGNORECASE)


def _read(connection, count):
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


class PostgresRecorder(LoopbackServer):
    def __init__(self):
        super().__init__()
        self.statements = []

    @staticmethod
    def _message(kind, payload=b""):
        return kind + struct.pack("!I", len(payload) + 4) + payload

    def _status(self, name, value):
        return self._message(b"S", name.encode() + b"\0" + value.encode() + b"\0")

    def serve(self, connection):
        with connection:
            try:
                while True:
                    length, code = struct.unpack("!II", _read(connection, 8))
                    if code in (80877103, 80877104):  # SSLRequest, GSSENCRequest
                        connection.sendall(b"N")
                        continue
                    _read(connection, length - 8)
                    break
                connection.sendall(self._message(b"R", struct.pack("!I", 0)) + self._status("server_version", "15.18")
                                   + self._status("server_encoding", "UTF8") + self._status("client_encoding", "UTF8")
                                   + self._status("standard_conforming_strings", "on") + self._status("DateStyle", "ISO, MDY")
                                   + self._status("integer_datetimes", "on")
                                   + self._message(b"K", struct.pack("!II", 1, 2)) + self._message(b"Z", b"I"))
                while True:
                    kind = _read(connection, 1)
                    payload = _read(connection, struct.unpack("!I", _read(connection, 4))[0] - 4)
                    if kind == b"X":
                        return
                    if kind != b"Q":
                        connection.sendall(self._message(b"E", b"SERROR\0C0A000\0Monly simple queries are recorded\0\0") + self._message(b"Z", b"I"))
                        continue
                    text = payload[:-1]
                    self.statements.append(text.decode("utf-8", "surrogateescape"))
                    reply = self._message(b"C", b"SELECT 0\0")
                    match = SCS.match(text)
                    if match:
                        value = (match.group(1) or b"on").lower()
                        reply += self._status("standard_conforming_strings", "off" if value in (b"off", b"false") else "on")
                    connection.sendall(reply + self._message(b"Z", b"I"))
            except (ConnectionError, OSError, struct.error):
                return

    def record(self, path, psql):
        """The statements `psql -f path` sends, in order."""
        self.statements = []
        environment = {**os.environ, "PGSSLMODE": "disable", "PGGSSENCMODE": "disable", "PGCONNECT_TIMEOUT": "5"}
        subprocess.run([str(psql), "-X", "-q", "-h", "127.0.0.1", "-p", str(self.port), "-U", "recorder", "-d", "recorder",
                        "-f", str(path)], env=environment, capture_output=True, timeout=120, check=True)
        return list(self.statements)


class MySQLRecorder(LoopbackServer):
    def __init__(self):
        super().__init__()
        self.statements = []

    @staticmethod
    def _packet(sequence, payload):
        return struct.pack("<I", len(payload))[:3] + bytes([sequence & 0xFF]) + payload

    @staticmethod
    def _ok():
        return b"\x00\x00\x00\x02\x00\x00\x00"  # OK, 0 rows, no insert id, SERVER_STATUS_AUTOCOMMIT, no warnings

    def _receive(self, connection):
        header = _read(connection, 4)
        length = int.from_bytes(header[:3], "little")
        return header[3], _read(connection, length)

    def serve(self, connection):
        with connection:
            try:
                capabilities = 0x0000_0200 | 0x0000_8000 | 0x0008_0000 | 0x0000_0008 | 0x0001_0000 | 0x0000_0001
                salt = b"abcdefgh" + b"ijklmnopqrst"
                handshake = (b"\x0a" + b"10.11.99-MariaDB-recorder\0" + struct.pack("<I", 1) + salt[:8] + b"\0"
                             + struct.pack("<H", capabilities & 0xFFFF) + b"\x2d" + struct.pack("<H", 0x0002)
                             + struct.pack("<H", capabilities >> 16) + bytes([21]) + b"\0" * 10 + salt[8:] + b"\0"
                             + b"mysql_native_password\0")
                connection.sendall(self._packet(0, handshake))
                sequence, _ = self._receive(connection)
                connection.sendall(self._packet(sequence + 1, self._ok()))
                while True:
                    sequence, payload = self._receive(connection)
                    command = payload[:1]
                    if command == b"\x01":  # COM_QUIT
                        return
                    if command == b"\x03":  # COM_QUERY
                        self.statements.append(payload[1:].decode("utf-8", "surrogateescape"))
                    elif command == b"\x02":  # COM_INIT_DB: the client's `use`, after its own SELECT DATABASE()
                        if self.statements and self.statements[-1] == "SELECT DATABASE()":
                            self.statements.pop()
                        self.statements.append("use " + payload[1:].decode("utf-8", "surrogateescape"))
                    connection.sendall(self._packet(sequence + 1, self._ok()))
            except (ConnectionError, OSError, struct.error):
                return

    def record(self, path):
        """The statements `mariadb < path` sends, in order."""
        self.statements = []
        with open(path, "rb") as source:
            subprocess.run(["mariadb", "--no-defaults", "--protocol=TCP", "-h", "127.0.0.1", "-P", str(self.port), "-urecorder",
                            "-precorder", "--skip-ssl", "--default-character-set=utf8mb4", "--force", "recorder"],
                           stdin=source, capture_output=True, timeout=120, check=True)
        return list(self.statements)
