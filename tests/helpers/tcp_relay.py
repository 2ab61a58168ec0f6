"""A TCP relay in front of the app whose connections a test can cut, as a proxy's restart
cuts them: the page sees its socket close (not a server's goodbye) and reconnects."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

from devtools.servers import free_port


class TcpRelay:
    def __init__(self, target_port: int) -> None:
        self._target = ("127.0.0.1", target_port)
        self._listener = socket.create_server(("127.0.0.1", free_port()))
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.connections = 0  # accepted so far
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept_forever, daemon=True).start()

    def cut(self) -> None:
        """Close every open connection, both ways."""
        with self._lock:
            cut, self._open = self._open, set()
        for conn in cut:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def close(self) -> None:
        self._listener.close()
        self.cut()

    def _accept_forever(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:  # closed
                return
            upstream = socket.create_connection(self._target)
            with self._lock:
                self._open |= {client, upstream}
                self.connections += 1
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


@contextlib.contextmanager
def tcp_relay(target_port: int) -> Iterator[TcpRelay]:
    relay = TcpRelay(target_port)
    try:
        yield relay
    finally:
        relay.close()
