"""A small threaded TCP proxy for fault tests: it forwards, refuses or black-holes, and
can be switched at run time.

- `forward`: every connection is relayed to the upstream server, both ways.
- `refuse`: existing connections are reset, and new ones are reset as soon as they are
  accepted (the client sees "connection reset" or "server closed the connection").
- `blackhole`: new connections are accepted and never answered; on every connection,
  what the client sends is read and dropped and nothing comes back. This is what a
  server that hangs looks like from the client: its kernel still acknowledges every byte.
  Back to `forward`, connections made meanwhile are closed and the others resume.

`blackhole_on(b"COMMIT")` switches to blackhole when a client sends those bytes: the
chunk that contains them is dropped (`deliver=False`) or delivered first (`deliver=True`,
so the server acts on it and its answer is lost).

>>> with TcpProxy("127.0.0.1", 5432) as proxy:  # doctest: +SKIP
...     url = f"postgresql+psycopg://postgres@127.0.0.1:{proxy.port}/test"
...     proxy.mode = "blackhole"
"""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading
from typing import Literal

Mode = Literal["forward", "refuse", "blackhole"]


class TcpProxy:
    """Listens on 127.0.0.1 (a free port, `.port`) and relays to `host:port`."""

    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self._mode: Mode = "forward"
        self._trigger: tuple[bytes, bool] | None = None
        self._lock = threading.Lock()
        self._links: set[_Link] = set()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._stopped = threading.Event()
        self.accepted = 0
        threading.Thread(target=self._accept, name="tcp-proxy", daemon=True).start()

    @property
    def mode(self) -> Mode:
        return self._mode

    @mode.setter
    def mode(self, mode: Mode) -> None:
        with self._lock:
            self._mode = mode
            self._trigger = None
            links = list(self._links)
        if mode == "refuse":
            for link in links:
                link.reset()

    def blackhole_on(self, needle: bytes, *, deliver: bool = False) -> None:
        """Switch to blackhole when a client sends `needle` (see the module's docstring)."""
        with self._lock:
            self._trigger = (needle, deliver)

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self.accepted += 1
            if self._mode == "refuse":
                _reset(client)
                continue
            link = _Link(self, client)
            with self._lock:
                self._links.add(link)
            threading.Thread(target=link.run, name="tcp-proxy-link", daemon=True).start()

    def _on_client_bytes(self, data: bytes) -> bool:
        """Whether to deliver `data` upstream (and apply a pending trigger)."""
        with self._lock:
            if self._trigger is not None and self._trigger[0] in data:
                deliver = self._trigger[1]
                self._mode, self._trigger = "blackhole", None
                return deliver
            return self._mode == "forward"

    def _forget(self, link: _Link) -> None:
        with self._lock:
            self._links.discard(link)

    def close(self) -> None:
        self._stopped.set()
        self._listener.close()
        with self._lock:
            links = list(self._links)
        for link in links:
            link.reset()

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Link:
    """One client connection and, once it is forwarded, its upstream connection."""

    def __init__(self, proxy: TcpProxy, client: socket.socket) -> None:
        self.proxy = proxy
        self.client = client
        self.server: socket.socket | None = None
        self._closed = threading.Event()

    def run(self) -> None:
        try:
            if self.proxy.mode == "forward":
                self.server = socket.create_connection(self.proxy.upstream, timeout=5)
                self.server.settimeout(None)
            while not self._closed.is_set():
                if self.server is None and self.proxy.mode != "blackhole":
                    return  # black-holed from its start: nothing upstream to resume
                ends = [self.client] + ([self.server] if self.server is not None else [])
                readable, _, _ = select.select(ends, [], [], 0.05)
                for end in readable:
                    data = end.recv(65536)
                    if not data:
                        return
                    self._relay(end, data)
        except (OSError, ValueError):  # ValueError: a socket closed under select (fd -1)
            return
        finally:
            self.close()

    def _relay(self, end: socket.socket, data: bytes) -> None:
        if end is self.client:
            if self.proxy._on_client_bytes(data) and self.server is not None:
                self.server.sendall(data)
        elif self.proxy.mode == "forward":
            self.client.sendall(data)

    def reset(self) -> None:
        _reset(self.client)
        self.close()

    def close(self) -> None:
        self._closed.set()
        for end in (self.client, self.server):
            if end is not None:
                with contextlib.suppress(OSError):
                    end.close()
        self.proxy._forget(self)


def _reset(sock: socket.socket) -> None:
    """Close with RST rather than FIN, as a host refusing the connection would."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()


def through(proxy: TcpProxy, url: str) -> str:
    """`url` (a database URL on the proxy's upstream) with its host and port the proxy's."""
    from sqlalchemy import make_url

    return make_url(url).set(host="127.0.0.1", port=proxy.port).render_as_string(False)
