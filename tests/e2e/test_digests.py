"""Channel digests end to end: subscribing, once per period, time zones, the chart,
Slack's limits at 5,000 processes, preview and off."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import text as sql

from bot.messages.blocks import MAX_BLOCKS, SECTION_LIMIT
from bot.scheduler import run_job
from bot.standin.render import render_blocks
from storage.models import Occurrence, Process, Workspace
from storage.rollup_tables import KEPT_ON_WRITE
from tests.conftest import TEAM, Coach
from tests.e2e.helpers import job_context, run

MONDAY_9_BERLIN = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def _digests(coach: Coach, channel: str = "C_FIN") -> list[object]:
    return [m for m in coach.fake.messages_in(channel) if m.source == "api" and "digest" in m.text]


def _text(message: object) -> str:
    return "\n".join(render_blocks(message.blocks))  # type: ignore[attr-defined]


def _activity(coach: Coach) -> None:
    for who in ("U_ANA", "U_BEN", "U_CAM"):
        assert coach.sim.slash(who, "C_FIN", "Reconcile Stripe payouts 45m").ok
    assert coach.sim.slash("U_BEN", "C_FIN", "Chase unpaid invoices 30m").ok
    assert coach.sim.slash("U_ANA", "C_FIN", "own P1").ok
    reply = coach.sim.slash("U_ANA", "C_FIN", "retire P1 https://github.com/acme/ops/pull/1")
    assert "Retired" in reply.json["text"]


def test_weekly_digest_once_per_period_in_its_time_zone(coach: Coach) -> None:
    reply = coach.sim.slash("U_ANA", "C_FIN", "digest here weekly mon 09:00 Europe/Berlin")
    assert "every Monday at 09:00 (Europe/Berlin)" in reply.json["text"]
    _activity(coach)
    assert run(coach, "digests", MONDAY_9_BERLIN - timedelta(minutes=5))["digests"] == 0
    assert run(coach, "digests", MONDAY_9_BERLIN)["digests"] == 1
    assert run(coach, "digests", MONDAY_9_BERLIN + timedelta(minutes=5))["digests"] == 0
    (digest,) = _digests(coach)
    text = _text(digest)
    assert "Biggest manual processes" in text and "P2 · Chase unpaid invoices" in text
    assert "Retired" in text and "P1 · Reconcile Stripe payouts" in text
    assert "34m a week eliminated" in text  # 135 minutes in 28 days / 4
    assert "Eliminated so far: 34m a week" in text
    assert "New this week" in text and "P2 · Chase unpaid invoices: 8m a week" in text
    assert "P1 · Reconcile Stripe payouts: retired already" in text  # not counted as new cost
    assert any(q in text for q in ("institutionalizing", "automated? Why", "hiring", "growing"))
    (chart,) = coach.fake.files
    assert chart.content.startswith(b"\x89PNG") and chart.channel == "C_FIN"
    assert chart.thread_ts == digest.ts
    # One line for screen readers, said to files.getUploadURLExternal as Slack documents.
    assert chart.alt_txt is not None and "\n" not in chart.alt_txt
    assert chart.alt_txt.startswith("Manual hours done each week (bars) against hours a week")
    assert "12 weeks to 30 Nov: in the last week 2h 45m done by hand" in chart.alt_txt
    (asked,) = coach.fake.calls_to("files.getUploadURLExternal")
    assert asked.body["alt_txt"] == chart.alt_txt
    # The next week's digest comes a week later, and only then.
    assert run(coach, "digests", MONDAY_9_BERLIN + timedelta(days=6, hours=23))["digests"] == 0
    assert run(coach, "digests", MONDAY_9_BERLIN + timedelta(days=7))["digests"] == 1


def test_downtime_sends_the_latest_period_once(coach: Coach) -> None:
    coach.sim.slash("U_ANA", "C_FIN", "digest here daily 08:30")
    _activity(coach)
    # Down for three days: one digest when back, not three.
    assert run(coach, "digests", datetime(2026, 11, 27, 12, 0, tzinfo=UTC))["digests"] == 1
    assert len(_digests(coach)) == 1


def test_concurrent_runs_send_once(coach: Coach) -> None:
    coach.sim.slash("U_ANA", "C_FIN", "digest here weekly mon 09:00 Europe/Berlin")
    _activity(coach)
    threads = [
        threading.Thread(
            target=run_job, args=("digests", job_context(coach, f"r{i}"), MONDAY_9_BERLIN)
        )
        for i in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(_digests(coach)) == 1 and len(coach.fake.files) == 1


def test_off_preview_and_one_subscription_per_channel(coach: Coach) -> None:
    _activity(coach)
    preview = coach.sim.slash("U_BEN", "C_FIN", "digest preview")
    assert "Preview" in preview.json["text"] and "no digest yet" in str(preview.json["blocks"])
    coach.sim.slash("U_ANA", "C_FIN", "digest here weekly mon 09:00")
    again = coach.sim.slash("U_ANA", "C_FIN", "digest here daily 17:00")
    assert "now gets" in again.json["text"] and "every day at 17:00" in again.json["text"]
    assert "won't get digests" in coach.sim.slash("U_ANA", "C_FIN", "digest off").json["text"]
    assert "no digest" in coach.sim.slash("U_ANA", "C_FIN", "digest off").json["text"]
    assert run(coach, "digests", MONDAY_9_BERLIN + timedelta(days=3))["digests"] == 0
    bad = coach.sim.slash("U_ANA", "C_FIN", "digest here weekly funday 09:00")
    assert bad.status == 200 and "digest" in bad.json["text"].lower()


ANALYZED = ("processes", "occurrences", *KEPT_ON_WRITE)


def test_five_thousand_processes_fit_slacks_limits(coach: Coach) -> None:
    now = coach.clock.now()
    with coach.db.transaction() as s:
        s.add(Workspace(team_id=TEAM, created_at=now, next_process_number=5001))
        s.flush()
        procs = [
            Process(
                team_id=TEAM,
                number=n,
                title=f"Manual chore number {n} " + "x" * 60,
                normalized_title=f"manual chore {n}",
                reporter_id="U_ANA",
                channel_id="C_FIN",
                status="manual",
                status_changed_at=now,
                created_at=now,
            )
            for n in range(1, 5001)
        ]
        s.add_all(procs)
        s.flush()
        s.add_all(
            [
                Occurrence(
                    team_id=TEAM,
                    process_id=p.id,
                    user_id="U_ANA",
                    minutes=10 + i % 50,
                    occurred_at=now,
                    source="command",
                    slack_key=f"bulk:{i}",
                )
                for i, p in enumerate(procs)
            ]
        )
    if not coach.db.is_sqlite:
        # What autovacuum does after a bulk load (it is off on the test server): without
        # statistics PostgreSQL takes these 5,000-row tables for empty ones and joins them
        # row by row, seconds a statement, past the digest job's deadline on a busy machine.
        with coach.db.transaction() as s:
            for table in ANALYZED:
                s.execute(sql(f"ANALYZE {table}"))
    coach.sim.slash("U_ANA", "C_FIN", "digest here daily 09:00 UTC")
    assert run(coach, "digests", now + timedelta(days=1))["digests"] == 1
    (digest,) = _digests(coach)
    assert len(digest.blocks) <= MAX_BLOCKS
    for block in digest.blocks:
        assert len((block.get("text") or {}).get("text", "")) <= SECTION_LIMIT
    text = _text(digest)
    assert "…and 4,997 more, " in text and "New this week" not in text  # a daily digest
    assert "New since Mon 09:00" in text
    assert "4,995 more processes" in text
