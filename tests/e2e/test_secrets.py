"""No secret in the logs, and no traceback for a hostile body, as an operator runs the bot:
`coach serve` (gunicorn) at COACH_LOG_LEVEL=DEBUG installs a workspace through OAuth
against the fake Slack, and its whole log, gunicorn's own error log included, is read.
`coach db upgrade` shows a bad DATABASE_URL without its password."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bot.standin.fakeslack import FakeSlack
from bot.standin.simulator import SlackSimulator, slack_signature
from tests.e2e.support import wait_for

TEAM = "T0002"
BOT_TOKEN = "xoxb-2002-3003-R3allyS3cretB0tT0ken"
CLIENT_SECRET = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
SIGNING_SECRET = "5e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b"
SECRETS = (BOT_TOKEN.split("-", 1)[1], CLIENT_SECRET, SIGNING_SECRET)
DEEP = b"[" * 100_000  # json.loads gives up with RecursionError long before the end


@dataclass
class Served:
    base: str
    port: int
    log: Path
    fake: FakeSlack
    proc: subprocess.Popen[bytes]

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    return {**env, **extra}


def _request(
    base: str, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, str, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", int(base.rsplit(":", 1)[1]), timeout=10)
    conn.request(method, path, body=body or None, headers=headers or {})
    resp = conn.getresponse()
    text = resp.read().decode(errors="replace")
    conn.close()
    return resp.status, text, {k.lower(): v for k, v in resp.getheaders()}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`coach serve` in OAuth mode at DEBUG, its stdout and stderr in one file."""
    tmp = tmp_path_factory.mktemp("secrets")
    log = tmp / "coach.log"
    with FakeSlack() as fake:
        fake.add_team(TEAM, name="Globex", bot_token=BOT_TOKEN, bot_user_id="UBOT2")
        fake.add_channel(TEAM, "C_G", "general")
        fake.add_user(TEAM, "U_GIL", "gil", tz="UTC")
        port = _free_port()
        env = _env(
            SLACK_CLIENT_ID="111.222",
            SLACK_CLIENT_SECRET=CLIENT_SECRET,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.api_url,
            DATABASE_URL=f"sqlite:///{tmp}/c.db",
            COACH_SCHEDULER="off",
            COACH_LOG_LEVEL="DEBUG",
        )
        argv = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1"]
        with log.open("wb") as sink:
            proc = subprocess.Popen(
                [*argv, "--port", str(port), "--workers", "1"],
                cwd=tmp,
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{port}"
        served = Served(base, port, log, fake, proc)
        try:
            wait_for(lambda: _healthy(served), timeout=30, interval=0.1)
            yield served
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def _healthy(served: Served) -> bool:
    if served.proc.poll() is not None:
        pytest.fail("coach serve stopped: " + served.output()[-2000:])
    try:
        return _request(served.base, "GET", "/healthz")[0] == 200
    except OSError:
        return False


def _install(served: Served) -> None:
    """Slack's OAuth dance: the install page sets a state cookie, the redirect carries a code."""
    status, page, headers = _request(served.base, "GET", "/slack/install")
    state = re.search(r"state=([\w-]+)", page)
    assert status == 200 and state, page[:500]
    cookie = headers["set-cookie"].split(";", 1)[0]
    code = served.fake.issue_oauth_code(TEAM)
    path = f"/slack/oauth_redirect?code={code}&state={state[1]}"
    status, page, _ = _request(served.base, "GET", path, headers={"Cookie": cookie})
    assert status == 200, page[:500]


def _assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret} is in the log"


def test_an_oauth_install_at_debug_logs_no_token_and_no_secret(served: Served) -> None:
    _install(served)
    sim = SlackSimulator(served.fake, served.base + "/slack/events", SIGNING_SECRET, team_id=TEAM)
    reply = sim.slash("U_GIL", "C_G", "Print shipping labels 50m")
    assert reply.status == 200 and "P1" in reply.body.decode(), reply.body
    # slack_sdk's DEBUG log of the oauth.v2.access answer (it carries the bot token).
    wait_for(lambda: "oauth.v2.access" in served.output() and "xoxb-[redacted]" in served.output())
    out = served.output()
    assert re.search(r" DEBUG slack_sdk\.web\.base_client: Received the following response", out)
    assert '"access_token": "xoxb-[redacted]"' in out
    assert "[DEBUG] Current configuration" in out  # gunicorn's own log, at DEBUG too
    _assert_no_secret(out)


def test_gunicorns_own_error_log_is_redacted(served: Served) -> None:
    """The server logs a refused request to its own handler (not the root logger's): a
    token in it never reaches the log."""
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as conn:
        conn.sendall(f"GET /{BOT_TOKEN} HTTP/1.1\r\n{BOT_TOKEN}\r\n\r\n".encode())
        assert conn.recv(100).startswith(b"HTTP/1.1 400")
    wait_for(lambda: "Invalid HTTP request" in served.output())
    _assert_no_secret(served.output())


def test_a_deeply_nested_body_gets_a_4xx_and_no_traceback(served: Served) -> None:
    json_type = {"Content-Type": "application/json"}
    status, text, headers = _request(served.base, "POST", "/slack/events", DEEP, json_type)
    assert (status, json.loads(text)) == (401, {"error": "invalid request"})  # as Bolt answers
    stamp = int(time.time())
    signed = {
        **json_type,
        "X-Slack-Request-Timestamp": str(stamp),
        "X-Slack-Signature": slack_signature(SIGNING_SECRET, stamp, DEEP),
    }
    assert _request(served.base, "POST", "/slack/events", DEEP, signed)[0] == 400
    form = urlencode({"payload": DEEP.decode()}).encode()
    signed_form = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(stamp),
        "X-Slack-Signature": slack_signature(SIGNING_SECRET, stamp, form),
    }
    assert _request(served.base, "POST", "/slack/events", form, signed_form)[0] == 400
    assert _request(served.base, "GET", "/slack/install", DEEP, json_type)[0] == 400
    wait_for(lambda: served.output().count("refused a malformed request") >= 3)
    out = served.output()
    assert "Traceback" not in out and "Error handling request" not in out, out[-3000:]


def test_an_oversized_body_keeps_its_413(served: Served) -> None:
    big = b"x" * 1_100_000
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert _request(served.base, "POST", "/slack/events", big, form)[0] == 413


def test_a_bad_database_url_is_shown_without_its_password(tmp_path: Path) -> None:
    shown = {
        "mysql://coach:Hunter2Hunter2@db.internal/coach": "mysql://coach:***@db.internal/coach",
        # No scheme, so no telling what is a password: the value is not shown at all.
        "coach:Hunter2Hunter2@db.internal/coach": "DATABASE_URL is not a SQLite",
    }
    for url, says in shown.items():
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", "db", "upgrade"],
            cwd=tmp_path,
            env=_env(DATABASE_URL=url),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, done.stderr
        assert says in done.stderr and "Hunter2" not in done.stderr + done.stdout, done.stderr


def test_a_database_that_refuses_gets_one_line_without_its_password(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", "upgrade"],
        cwd=tmp_path,
        env=_env(DATABASE_URL=f"postgresql+psycopg://coach:Hunter2Hunter2@127.0.0.1:{port}/x"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    said = [line for line in done.stderr.splitlines() if line.startswith("coach:")]
    assert len(said) == 1 and "isn't answering" in said[0], done.stderr
    assert "Traceback" not in done.stderr and "Hunter2" not in done.stderr + done.stdout
