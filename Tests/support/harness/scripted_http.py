"""A raw HTTP/1.1 peer that answers each request with the next of a list of scripted byte strings,
so a test can send what no well-behaved server would: bad framing, huge lengths, a body that ends
only when the connection closes. It records every request it read."""
import socket

from .loopback_server import LoopbackServer


class ScriptedHTTPServer(LoopbackServer):
    """`answers`: a list of (bytes, close_after) or a callable(request) -> (bytes, close_after), taken in
    order across connections; once they run out, connections are held open without an answer."""

    def __init__(self, answers):
        super().__init__()
        self.answers = list(answers) if not callable(answers) else answers
        self.requests = []  # (method, target, headers dict, body bytes)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _next_answer(self, request):
        with self._lock:
            if callable(self.answers):
                return self.answers(request)
            return self.answers.pop(0) if self.answers else None

    def serve(self, connection):
        buffered = b""
        # After a close-delimited answer only our side is shut (as a server's close often is): the
        # client can still send, and what it sends on the dead connection is recorded.
        half_closed = False
        with connection:
            connection.settimeout(30)
            while not self._stop.is_set():
                try:
                    while b"\r\n\r\n" not in buffered:
                        data = connection.recv(65536)
                        if not data:
                            return
                        buffered += data
                    head, buffered = buffered.split(b"\r\n\r\n", 1)
                    lines = head.decode("latin-1").split("\r\n")
                    method, target, _ = lines[0].split(" ", 2)
                    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)}
                    length = int(headers.get("content-length", "0"))
                    while len(buffered) < length:
                        data = connection.recv(65536)
                        if not data:
                            return
                        buffered += data
                    body, buffered = buffered[:length], buffered[length:]
                except OSError:
                    return
                request = (method, target, headers, body)
                with self._lock:
                    self.requests.append(request)
                if half_closed:
                    continue
                answer = self._next_answer(request)
                if answer is None:
                    self._stop.wait(30)
                    return
                raw, close_after = answer
                try:
                    connection.sendall(raw)
                except OSError:
                    return
                if close_after:
                    connection.shutdown(socket.SHUT_WR)
                    half_closed = True
