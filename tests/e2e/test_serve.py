"""`coach serve` as an operator runs it: gunicorn workers, signature checking, the health
check, and clear one-line errors for missing or malformed settings."""

from __future__ import annotations

import http.client
import os
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
from bot.standin.simulator.sender import Reply
from tests.conftest import SECRET, TEAM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "DATABASE_", "COACH_ENCRYPTION_KEY"))
    }
    return {**env, **extra}


@pytest.fixture
def served(fake: FakeSlack, tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    port = _free_port()
    env = _clean_env(
        SLACK_BOT_TOKEN="xoxb-T0001",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        DATABASE_URL=f"sqlite:///{tmp_path}/c.db",
        COACH_SCHEDULER="off",
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("coach serve did not answer /readyz: " + proc.communicate()[0][-2000:])
    yield port, proc
    if proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_handles_slack_over_gunicorn(
    served: tuple[int, subprocess.Popen[str]], fake: FakeSlack
) -> None:
    port, proc = served
    sim = SlackSimulator(fake, f"http://127.0.0.1:{port}/slack/events", SECRET, team_id=TEAM)
    first = sim.slash("U_ANA", "C_OPS", "Reconcile Stripe payouts 45m")
    assert first.status == 200 and "new process, P1" in first.json["text"]
    again = sim.slash("U_BEN", "C_OPS", "reconcile stripe payouts - 30 min")
    assert "Logged 30m on P1" in again.json["text"] and again.elapsed < 3
    assert sim.slash("U_ANA", "C_OPS", "list", bad_signature=True).status == 401
    sim.mention("U_CAM", "C_OPS", "spent 20 minutes copying leads into the CRM")
    reply = fake.wait_for(
        lambda: [m for m in fake.messages_in("C_OPS") if m.from_bot and m.thread_ts], timeout=10
    )
    assert "P2" in reply[0].text
    proc.terminate()
    assert proc.wait(timeout=30) == 0  # stops cleanly on SIGTERM


def test_serve_finishes_the_request_in_flight_on_sigterm(
    served: tuple[int, subprocess.Popen[str]], fake: FakeSlack
) -> None:
    """SIGTERM while a command is being handled (Slack holds its channel lookup): the
    command is still answered, then the server exits 0."""
    port, proc = served
    sim = SlackSimulator(fake, f"http://127.0.0.1:{port}/slack/events", SECRET, team_id=TEAM)
    fake.delay("conversations.info", 0.8)
    got: list[Reply] = []
    asking = threading.Thread(
        target=lambda: got.append(sim.slash("U_ANA", "C_FIN", "Chase unpaid invoices 20m"))
    )
    asking.start()
    fake.wait_for(lambda: fake.holding("conversations.info"), timeout=10)
    proc.terminate()
    asking.join(timeout=30)
    reply = got[0]
    assert reply.status == 200 and reply.json is not None
    assert "new process, P1" in reply.json["text"]
    assert proc.wait(timeout=30) == 0


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (["serve"], {}, "SLACK_SIGNING_SECRET is not set"),
        (["serve"], {"SLACK_SIGNING_SECRET": "x"}, "SLACK_BOT_TOKEN is not set"),
        (["socket"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN is not set"),
        (["db", "upgrade"], {"DATABASE_URL": "mysql://x"}, "DATABASE_URL='mysql://x'"),
        (
            ["serve"],
            {"SLACK_BOT_TOKEN": "nonsense", "SLACK_SIGNING_SECRET": "x"},
            "SLACK_BOT_TOKEN does not look like a Slack token",
        ),
        (
            ["jobs", "run", "nudges", "--now", "yesterday"],
            {"SLACK_BOT_TOKEN": "xoxb-1"},
            "--now 'yesterday' is not an ISO-8601 time",
        ),
        (
            ["socket"],
            {
                "SLACK_BOT_TOKEN": "xoxb-1",
                "SLACK_APP_TOKEN": "xapp-1",
                "SLACK_API_URL": "http://127.0.0.1:9/api/",
            },
            "could not reach Slack at http://127.0.0.1:9/api/",
        ),
    ],
)
def test_bad_settings_stop_with_one_clear_line(
    tmp_path: Path, args: list[str], env: dict[str, str], says: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=tmp_path,
        env=_clean_env(**{"DATABASE_URL": f"sqlite:///{tmp_path}/c.db", **env}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == (1 if "reach Slack" in says else 2)
    lines = [line for line in done.stderr.strip().splitlines() if line.startswith("coach:")]
    assert len(lines) == 1 and says in lines[0], done.stderr
    assert "Traceback" not in done.stderr + done.stdout
