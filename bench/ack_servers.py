"""The servers `bench/ack_load.py` measures, each in its own process: a FakeSlack for the
app's Web API calls, and `coach serve` or the bare Bolt floor (`bench/floor_app.py`)
under gunicorn, configured with the signing secret the load generator signs with."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from bench.common import NO_LIMITS, free_port

SECRET = "bench-signing-secret"
TOKEN = "xoxb-T0001"
TEAM = "T0001"
USERS = 50


@contextmanager
def fake_slack() -> Iterator[str]:
    """A FakeSlack in a subprocess; yields its Web API URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.standin_server", "--users", str(USERS)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().split()
        yield f"http://127.0.0.1:{line[1]}/api/"
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=10)


def server_env(db_url: str, api_url: str) -> dict[str, str]:
    """The environment every benchmarked server runs with: the database, the fake Slack,
    the signing secret the load is signed with, no scheduler, quiet logs, limits raised."""
    return {
        **os.environ,
        "DATABASE_URL": db_url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "COACH_SCHEDULER": "off",
        "COACH_LOG_LEVEL": "WARNING",
        **NO_LIMITS,
    }


def wait_ready(port: int, path: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not come up")


@contextmanager
def server(kind: str, *, db_url: str, api_url: str, workers: int, threads: int) -> Iterator[int]:
    """`coach serve` (kind 'coach'), the bare floor app ('floor', 'strict') or the storing
    baseline ('storing', on SQLite), as a subprocess; yields its port."""
    port = free_port()
    env = server_env(db_url, api_url)
    common = ["--port", str(port), "--workers", str(workers), "--threads", str(threads)]
    if kind == "coach":
        cmd = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--no-scheduler"]
    elif kind == "storing":
        env["FLOOR_DB_URL"] = db_url
        cmd = [sys.executable, "-m", "bench.storing_server"]
    elif kind == "strict":
        cmd = [sys.executable, "-m", "bench.floor_app", "--process-before-response"]
    else:
        cmd = [sys.executable, "-m", "bench.floor_app"]
    proc = subprocess.Popen(
        cmd + common, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_ready(port, "/readyz", proc)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
