"""A frozen peer: a server on 127.0.0.1 that accepts TCP connections and never reads or answers, like a stopped
process (SIGSTOP) or a hung one. Clients pointed at it connect at once and then wait for a response that never
comes, so only their read timeouts (and retry budgets) end the wait."""

from __future__ import annotations

import contextlib
import socket
import threading


class FrozenServer:
    """Accepts connections in a thread and holds them open, silent, until `close()`."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self._listener.settimeout(0.1)
        host, port = self._listener.getsockname()[:2]
        self.url = f"http://{host}:{port}"
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="frozen-server", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._held.append(conn)  # never read, never answered
            self.accepted += 1

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()
        for conn in self._held:
            with contextlib.suppress(OSError):
                conn.close()
