"""Issue 15: idle and trickling connections can't stall `coach serve`. Eight connections
that sent `POST /slack/events HTTP/1.1` and nothing more once held all of gthread's
threads, and `/healthz` stopped answering for as long as they stayed open. Now uvicorn's
event loop holds them (bot/asgi.py), and only complete requests reach a thread."""

from __future__ import annotations

import contextlib
import http.client
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.standin.fakeslack import FakeSlack
from bot.standin.simulator import SlackSimulator
from tests.conftest import SECRET, TEAM
from tests.e2e.support import wait_for
from tests.e2e.test_serve import _clean_env, _free_port

CONNECTIONS = 200
WITHIN = 1.0  # seconds a signed command and /healthz may take meanwhile


@pytest.fixture
def one_worker(fake: FakeSlack, tmp_path: Path) -> Iterator[int]:
    """`coach serve` with one worker of four threads: the smallest there is to stall."""
    port = _free_port()
    env = _clean_env(
        SLACK_BOT_TOKEN="xoxb-T0001",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        DATABASE_URL=f"sqlite:///{tmp_path}/c.db",
        COACH_SCHEDULER="off",
    )
    cmd = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(
        [*cmd, "--workers", "1", "--threads", "4"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(lambda: healthz(port) is not None or proc.poll() is not None, timeout=30)
    assert proc.poll() is None
    yield port
    proc.terminate()
    assert proc.wait(timeout=30) == 0


def healthz(port: int) -> float | None:
    """Seconds `/healthz` took to answer 200, or None when it didn't."""
    began = time.monotonic()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/healthz")
        ok = conn.getresponse().status == 200
        conn.close()
    except OSError:
        return None
    return time.monotonic() - began if ok else None


class Loiterers:
    """`n` connections that stall: half stop after the request line, half send their
    headers and then trickle their body a byte at a time."""

    def __init__(self, port: int, n: int) -> None:
        self.socks: list[socket.socket] = []
        self._stop = threading.Event()
        for i in range(n):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            if i % 2:
                s.sendall(b"POST /slack/events HTTP/1.1\r\n")
            else:
                s.sendall(
                    b"POST /slack/events HTTP/1.1\r\nHost: x\r\n"
                    b"Content-Type: application/x-www-form-urlencoded\r\n"
                    b"Content-Length: 5000\r\n\r\n"
                )
            self.socks.append(s)
        self._trickle = threading.Thread(target=self._drip, daemon=True)
        self._trickle.start()

    def _drip(self) -> None:
        while not self._stop.wait(0.2):
            for s in self.socks[::2]:
                with contextlib.suppress(OSError):  # the server may close a slow one
                    s.sendall(b"a")

    def close(self) -> None:
        self._stop.set()
        self._trickle.join()
        for s in self.socks:
            s.close()


def test_idle_and_trickling_connections_delay_nothing(one_worker: int, fake: FakeSlack) -> None:
    port = one_worker
    sim = SlackSimulator(fake, f"http://127.0.0.1:{port}/slack/events", SECRET, team_id=TEAM)
    assert (
        "new process, P1"
        in sim.slash("U_ANA", "C_OPS", "Reconcile Stripe payouts 45m").json["text"]
    )
    loiterers = Loiterers(port, CONNECTIONS)
    try:
        time.sleep(0.5)  # let them settle in
        for _ in range(3):
            took = healthz(port)
            assert took is not None and took < WITHIN, took
            reply = sim.slash("U_BEN", "C_OPS", "reconcile stripe payouts 30m")
            assert reply.status == 200 and "Logged 30m on P1" in reply.json["text"]
            assert reply.elapsed < WITHIN, reply.elapsed
    finally:
        loiterers.close()
