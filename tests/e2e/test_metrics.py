"""What operators see: `coach serve` with two workers answers Prometheus scrapes on its own
port (never beside /slack/events) with the sum of its workers' figures; jobs count their
runs, durations and failures; a claim taken over is counted. JSON log lines on request."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from bot.scheduler import run_job
from bot.standin.fakeslack import FakeSlack
from bot.standin.simulator import SlackSimulator
from storage import claims
from tests.conftest import SECRET, TEAM, Coach
from tests.e2e.helpers import job_context
from tests.e2e.support import wait_for
from tests.e2e.test_serve import _clean_env, _free_port


def _scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
        body = resp.read().decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


def _value(scraped: dict, name: str, **labels: str) -> float:  # type: ignore[type-arg]
    return scraped.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def served(fake: FakeSlack, tmp_path: Path) -> Iterator[tuple[int, int, subprocess.Popen[str]]]:
    port, scrapes = _free_port(), _free_port()
    env = _clean_env(
        SLACK_BOT_TOKEN="xoxb-T0001",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        DATABASE_URL=f"sqlite:///{tmp_path}/c.db",
        COACH_SCHEDULER="off",
        COACH_METRICS_PORT=str(scrapes),
        COACH_LOG_FORMAT="json",
    )
    argv = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *argv],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def ready() -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/readyz")
            return conn.getresponse().status == 200
        except OSError:
            time.sleep(0.2)
            return False

    try:
        wait_for(ready, timeout=30)
    except AssertionError:
        proc.kill()
        pytest.fail("coach serve did not start: " + proc.communicate()[0][-2000:])
    yield port, scrapes, proc
    if proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_counts_reports_and_slack_calls_across_its_workers(
    served: tuple[int, int, subprocess.Popen[str]], fake: FakeSlack
) -> None:
    port, scrapes, proc = served
    sim = SlackSimulator(fake, f"http://127.0.0.1:{port}/slack/events", SECRET, team_id=TEAM)
    for i in range(6):  # spread over both workers
        reply = sim.slash("U_ANA", "C_OPS", f"Reconcile Stripe payouts {10 + i}m")
        assert reply.json and "P1" in reply.json["text"], (reply.status, reply.body)
    assert sim.slash("U_ANA", "C_OPS", "??? 5m").ok  # no title: refused, with a message
    fake.fail("chat.postMessage", status=429, retry_after=1, times=1)
    sim.mention("U_CAM", "C_OPS", "spent 20 minutes copying leads into the CRM")
    fake.wait_for(
        lambda: [m for m in fake.messages_in("C_OPS") if m.from_bot and m.thread_ts], timeout=15
    )

    def counted() -> dict:  # type: ignore[type-arg]
        scraped = _scrape(scrapes)
        posted = _value(scraped, "coach_slack_calls_total", method="chat.postMessage", outcome="ok")
        return scraped if posted >= 1 else {}

    scraped = wait_for(counted, timeout=10)
    assert _value(scraped, "coach_reports_total", outcome="stored", source="command") == 6
    assert _value(scraped, "coach_reports_total", outcome="refused", source="command") == 1
    assert _value(scraped, "coach_reports_total", outcome="stored", source="mention") == 1
    assert _value(scraped, "coach_slack_rate_limited_total", method="chat.postMessage") == 1
    retried = _value(
        scraped, "coach_slack_retries_total", method="chat.postMessage", reason="ratelimited"
    )
    assert retried == 1
    # Not beside /slack/events.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/metrics")
    answer = conn.getresponse()
    assert answer.status == 404 and b"coach_reports" not in answer.read()
    proc.terminate()
    out = proc.communicate(timeout=30)[0]
    assert proc.returncode == 0
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert lines and all({"time", "level", "logger", "message"} <= set(d) for d in lines)
    assert any("Metrics on http://127.0.0.1" in d["message"] for d in lines)
    assert "xoxb-T0001" not in out


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_job_runs_durations_failures_and_claims_taken_over_are_counted(coach: Coach) -> None:
    runs = _sample("coach_job_runs_total", job="digests", outcome="ok")
    timed = _sample("coach_job_duration_seconds_count", job="digests")
    run_job("digests", job_context(coach), coach.clock.now())
    assert _sample("coach_job_runs_total", job="digests", outcome="ok") == runs + 1
    assert _sample("coach_job_duration_seconds_count", job="digests") == timed + 1

    assert coach.sim.slash("U_ANA", "C_OPS", "Reconcile Stripe payouts 45m").ok
    failed = _sample("coach_job_runs_total", job="nudges", outcome="failed")
    broken = job_context(coach)
    broken.clients = None  # type: ignore[assignment]
    with pytest.raises(AttributeError):
        run_job("nudges", broken, coach.clock.now())
    assert _sample("coach_job_runs_total", job="nudges", outcome="failed") == failed + 1

    taken = _sample("coach_claims_taken_over_total", kind="digest")
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    kw = {"key": "digest:T:C:1", "team_id": TEAM, "kind": "digest", "timeout": timedelta(minutes=5)}
    with coach.db.transaction() as s:
        assert claims.claim(s, worker="dead", now=now, **kw)
    with coach.db.transaction() as s:
        assert not claims.claim(s, worker="alive", now=now + timedelta(minutes=1), **kw)
    with coach.db.transaction() as s:
        assert claims.claim(s, worker="alive", now=now + timedelta(minutes=6), **kw)
    assert _sample("coach_claims_taken_over_total", kind="digest") == taken + 1
