"""The fault tests' TCP proxy itself, against a tiny echo server: it forwards, refuses
and black-holes, switched at run time, and can black-hole on a given message."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest

from tests.tcp_proxy import TcpProxy


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    server = socket.create_server(("127.0.0.1", 0))

    def echo(conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            while data := conn.recv(1024):
                conn.sendall(data)

    def serve() -> None:
        with contextlib.suppress(OSError):
            while True:
                threading.Thread(target=echo, args=(server.accept()[0],), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    with TcpProxy("127.0.0.1", server.getsockname()[1]) as p:
        yield p
    server.close()


def talk(sock: socket.socket, data: bytes) -> bytes:
    sock.sendall(data)
    return sock.recv(1024)


def connect(proxy: TcpProxy) -> socket.socket:
    return socket.create_connection(("127.0.0.1", proxy.port), timeout=0.3)


def test_forward_then_blackhole_then_forward_again(proxy: TcpProxy) -> None:
    with connect(proxy) as sock:
        assert talk(sock, b"one") == b"one"
        proxy.mode = "blackhole"
        with pytest.raises(TimeoutError):
            talk(sock, b"lost")  # accepted by the kernel, never answered
        with connect(proxy) as late, pytest.raises(TimeoutError):
            talk(late, b"hello?")
        proxy.mode = "forward"
        assert talk(sock, b"two") == b"two"


def closed_on_us(sock: socket.socket) -> bool:
    """The other end reset or closed the connection (not merely silent)."""
    try:
        return talk(sock, b"anyone?") == b""
    except TimeoutError:
        return False
    except OSError:
        return True


def test_refuse_resets_existing_and_new_connections(proxy: TcpProxy) -> None:
    with connect(proxy) as sock:
        assert talk(sock, b"one") == b"one"
        proxy.mode = "refuse"
        assert closed_on_us(sock)
    try:
        with connect(proxy) as sock:  # the reset may already come during the handshake
            assert closed_on_us(sock)
    except ConnectionResetError:
        pass


@pytest.mark.parametrize("deliver", [False, True])
def test_blackhole_on_a_message(proxy: TcpProxy, deliver: bool) -> None:
    with connect(proxy) as sock:
        proxy.blackhole_on(b"COMMIT", deliver=deliver)
        assert talk(sock, b"BEGIN") == b"BEGIN"
        with pytest.raises(TimeoutError):
            talk(sock, b"COMMIT")
        assert proxy.mode == "blackhole"
