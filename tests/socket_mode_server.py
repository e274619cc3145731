"""Slack's side of Socket Mode on a real port, for tests: the WebSocket that
`apps.connections.open` hands out (set ``fake.socket_mode_url = server.url``).

It speaks RFC 6455 as Slack's endpoint does toward slack_sdk's built-in client: the
upgrade handshake, a ``hello`` on connecting, envelopes sent as text frames, pongs for
the client's pings, and the client's acknowledgements (``{"envelope_id": ..., "payload":
...}``) collected for the test to wait on. Standard library only.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import socket
import struct
import threading
import time
import uuid
from typing import Any

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455's, for Sec-WebSocket-Accept
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


def _frame(opcode: int, payload: bytes) -> bytes:
    """A server frame: final, unmasked."""
    head = bytes([0x80 | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([n])
    elif n < 1 << 16:
        head += bytes([126]) + struct.pack("!H", n)
    else:
        head += bytes([127]) + struct.pack("!Q", n)
    return head + payload


class _Connection:
    def __init__(self, sock: socket.socket, server: SocketModeServer) -> None:
        self.sock = sock
        self.server = server
        self.lock = threading.Lock()
        self.open = True

    def send(self, opcode: int, payload: bytes) -> None:
        with self.lock:
            self.sock.sendall(_frame(opcode, payload))

    def _read(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def serve(self) -> None:
        try:
            while True:
                b0, b1 = self._read(2)
                opcode, n = b0 & 0x0F, b1 & 0x7F
                if n == 126:
                    n = struct.unpack("!H", self._read(2))[0]
                elif n == 127:
                    n = struct.unpack("!Q", self._read(8))[0]
                mask = self._read(4) if b1 & 0x80 else b"\0\0\0\0"
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self._read(n)))
                if opcode == PING:
                    self.send(PONG, payload)
                elif opcode == CLOSE:
                    with contextlib.suppress(OSError):
                        self.send(CLOSE, payload[:2])
                    return
                elif opcode == TEXT:
                    self.server._received(json.loads(payload))
        except (ConnectionError, OSError, ValueError):
            return
        finally:
            self.open = False
            with contextlib.suppress(OSError):
                self.sock.close()


class SocketModeServer:
    """Serve one WebSocket endpoint on 127.0.0.1; ``send`` an envelope to the newest
    connection, ``wait_ack`` for the client's answer to it."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"ws://127.0.0.1:{self.port}/link/?ticket=test"
        self.connections: list[_Connection] = []
        self.acks: dict[str, dict[str, Any]] = {}
        self._cond = threading.Condition()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._upgrade, args=(sock,), daemon=True).start()

    def _upgrade(self, sock: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = sock.recv(4096)
            if not chunk:
                sock.close()
                return
            request += chunk
        headers = {}
        for line in request.decode("latin-1").split("\r\n")[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        accept = base64.b64encode(
            hashlib.sha1((headers["sec-websocket-key"] + GUID).encode()).digest()
        ).decode()
        sock.sendall(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
            ).encode()
        )
        conn = _Connection(sock, self)
        hello = {
            "type": "hello",
            "num_connections": 1,
            "debug_info": {"host": "test", "approximate_connection_time": 18060},
            "connection_info": {"app_id": "A0COACH"},
        }
        conn.send(TEXT, json.dumps(hello).encode())
        with self._cond:
            self.connections.append(conn)
            self._cond.notify_all()
        conn.serve()
        with self._cond:
            self._cond.notify_all()

    def _received(self, message: dict[str, Any]) -> None:
        with self._cond:
            if "envelope_id" in message:
                self.acks[message["envelope_id"]] = message
            self._cond.notify_all()

    def wait_connected(self, timeout: float = 30.0) -> None:
        self._wait(lambda: any(c.open for c in self.connections), timeout, "a connection")

    def send(self, kind: str, payload: dict[str, Any], **extra: Any) -> str:
        """Send an envelope of ``kind`` (``events_api``, ``slash_commands``,
        ``interactive``) to the newest open connection; returns its envelope id."""
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            **extra,
        }
        with self._cond:
            conn = next(c for c in reversed(self.connections) if c.open)
        conn.send(TEXT, json.dumps(envelope).encode())
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = 15.0) -> dict[str, Any]:
        """The client's acknowledgement of that envelope."""
        self._wait(lambda: envelope_id in self.acks, timeout, f"the ack of {envelope_id}")
        return self.acks[envelope_id]

    def wait_closed(self, timeout: float = 15.0) -> None:
        self._wait(lambda: not any(c.open for c in self.connections), timeout, "the close")

    def _wait(self, ready: Any, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not ready():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no {what} within {timeout} s")
                self._cond.wait(left)

    def close(self) -> None:
        self._listener.close()
        for conn in self.connections:
            with contextlib.suppress(OSError):
                conn.sock.close()
