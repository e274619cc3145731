"""`coach socket` and `coach scheduler` as an operator runs them, stopped with SIGTERM
while work is in flight: what was started finishes (the command's acknowledgement, the
mention's reply, the job's post), nothing is lost or counted twice, and they exit 0.

`coach socket` talks to Slack's side of Socket Mode (tests/socket_mode_server.py, the
WebSocket that the fake's `apps.connections.open` hands out) with slack_sdk's own client."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.standin.fakeslack import FakeSlack
from bot.standin.simulator import SlackSimulator
from storage.db import Database
from tests.conftest import SECRET, TEAM, Coach
from tests.e2e.support import counts
from tests.socket_mode_server import SocketModeServer

APP_TOKEN = "xapp-1-A0COACH-1-0123456789abcdef"


def _env(fake: FakeSlack, db_url: str, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_", "COACH_"))
    }
    return {
        **env,
        "SLACK_BOT_TOKEN": "xoxb-T0001",
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": db_url,
        "COACH_LOG_LEVEL": "INFO",
        **extra,
    }


def _start(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stopped(proc: subprocess.Popen[str], timeout: float = 40) -> tuple[int, str]:
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        pytest.fail("did not stop within 40 s of SIGTERM:\n" + out[-3000:])
    return proc.returncode, out


@pytest.fixture
def socket_server(fake: FakeSlack) -> Iterator[SocketModeServer]:
    server = SocketModeServer()
    fake.socket_mode_url = server.url
    yield server
    server.close()


def test_coach_socket_finishes_what_is_in_flight_on_sigterm_and_exits_0(
    fake: FakeSlack, socket_server: SocketModeServer, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path}/c.db"
    env = _env(fake, db_url, SLACK_APP_TOKEN=APP_TOKEN, COACH_SCHEDULER="on")
    proc = _start(["socket"], env, tmp_path)
    try:
        socket_server.wait_connected(timeout=30)
    except TimeoutError:
        proc.kill()
        pytest.fail("coach socket never connected:\n" + proc.communicate()[0][-3000:])
    sim = SlackSimulator(fake, "http://unused.invalid/", SECRET, team_id=TEAM)

    # A command, answered in its acknowledgement, over the WebSocket.
    first = socket_server.send(
        "slash_commands", sim.command_fields("U_ANA", "C_OPS", "Reconcile Stripe payouts 45m")
    )
    assert "new process, P1" in socket_server.wait_ack(first)["payload"]["text"]

    # In flight at SIGTERM: a mention whose thread reply Slack is holding (the event was
    # acknowledged at once), and a command in a new channel whose lookup Slack is holding
    # (its acknowledgement, which carries the answer, is not sent yet).
    fake.delay("chat.postMessage", 2.0)
    fake.delay("conversations.info", 2.0)
    event, _post = sim.mention_event("U_CAM", "C_OPS", "spent 20 minutes copying leads into CRM")
    mention = socket_server.send(
        "events_api", sim.event_callback(event), retry_attempt=0, retry_reason=""
    )
    socket_server.wait_ack(mention)
    command = socket_server.send(
        "slash_commands", sim.command_fields("U_ANA", "C_FIN", "Chase unpaid invoices 20m")
    )
    fake.wait_for(lambda: fake.holding("conversations.info"), timeout=10)
    fake.wait_for(lambda: fake.holding("chat.postMessage"), timeout=10)
    proc.send_signal(signal.SIGTERM)

    answered = socket_server.wait_ack(command, timeout=20)["payload"]["text"]
    assert "new process, P" in answered and "Chase unpaid invoices" in answered
    code, out = _stopped(proc)
    assert code == 0, out[-3000:]
    assert "Stopped" in out
    socket_server.wait_closed()
    replies = [m for m in fake.messages_in("C_OPS") if m.from_bot and m.thread_ts]
    assert len(replies) == 1 and "copying leads" in replies[0].text.lower(), out[-3000:]

    db = Database(db_url)
    try:
        got = counts(db)
    finally:
        db.dispose()
    assert got["processes"] == 3 and got["occurrences"] == 3, got


def test_coach_scheduler_finishes_the_job_in_flight_on_sigterm_and_exits_0(
    coach: Coach, tmp_path: Path
) -> None:
    fake = coach.fake
    coach.sim.slash("U_ANA", "C_OPS", "Reconcile Stripe payouts 45m")
    # Weekly, so that one is due whatever day the test runs (daily ones skip weekends).
    said = coach.sim.slash("U_ANA", "C_OPS", "digest here weekly mon 00:05 UTC").json["text"]
    assert "digest" in said.lower(), said
    fake.delay("chat.postMessage", 3.0)  # the digest's post, in flight at SIGTERM
    proc = _start(["scheduler"], _env(fake, coach.db.url), tmp_path)
    try:
        fake.wait_for(lambda: fake.holding("chat.postMessage"), timeout=40)
    except TimeoutError:
        proc.kill()
        pytest.fail("the digest job never posted:\n" + proc.communicate()[0][-3000:])
    began = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    code, out = _stopped(proc)
    assert code == 0, out[-3000:]
    assert "Scheduler stopped" in out
    assert time.monotonic() - began >= 1.0  # it waited for the post rather than dying
    posts = [c for c in fake.calls if c.method == "chat.postMessage" and c.failed is None]
    assert len(posts) == 1 and posts[0].body.get("channel") == "C_OPS", out[-3000:]
    assert "Manual work digest" in str(posts[0].response), out[-3000:]
