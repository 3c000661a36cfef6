"""A TCP server on a free loopback port that serves each connection on its own thread, for the test
peers written here; stopped (listener closed, threads told to end) on exit."""
import socket
import threading


class LoopbackServer:
    def __init__(self):
        self.listener = None
        self.port = None
        self.connections = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def __enter__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.listener.close()

    def _accept(self):
        while not self._stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except (socket.timeout, OSError):
                continue
            with self._lock:
                self.connections += 1
            threading.Thread(target=self.serve, args=(connection,), daemon=True).start()

    def serve(self, connection):
        raise NotImplementedError("a LoopbackServer serves connections in its subclass's serve()")
