"""What a digest says, end to end: daily digests on the workspace's working days only (the
Monday one covers the weekend), a few new processes named and the rest summed, a quiet
period in one line, and the preview laid out as the digest."""

from __future__ import annotations

import math
import re
import threading
from datetime import UTC, datetime, timedelta

from bot.scheduler import run_job
from storage.models import Workspace
from tests.conftest import TEAM, Coach
from tests.e2e.helpers import job_context, run
from tests.e2e.test_digests import MONDAY_9_BERLIN, _activity, _digests, _text

TUESDAY_9 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
TEN_TASKS = (
    ("Reconcile Stripe payouts", 100),
    ("Chase unpaid invoices", 90),
    ("Copy leads into the CRM", 80),
    ("Rotate VPN certificates", 70),
    ("Onboard laptops for hires", 60),
    ("Update the pricing sheet", 50),
    ("Export payroll to accounting", 45),
    ("Triage the support inbox", 35),
    ("Renew domain names", 25),
    ("Book travel for sales", 10),
)


def _work_days(coach: Coach, days: str) -> None:
    with coach.db.transaction() as s:
        ws = s.get(Workspace, TEAM)
        assert ws is not None
        ws.work_days = days


def _week(coach: Coach, days: int = 7) -> list[int]:
    """Digests sent at 09:00 UTC on each day from Tuesday 24 Nov (to Monday 30 Nov)."""
    return [run(coach, "digests", TUESDAY_9 + timedelta(days=d))["digests"] for d in range(days)]


def test_daily_digests_skip_the_weekend_and_monday_covers_it(coach: Coach) -> None:
    coach.sim.slash("U_ANA", "C_FIN", "digest here daily 09:00 UTC")
    _activity(coach)
    assert _week(coach, 4) == [1, 1, 1, 1]  # Tuesday to Friday
    coach.clock.set(datetime(2026, 11, 28, 12, 0, tzinfo=UTC))  # Saturday
    assert coach.sim.slash("U_BEN", "C_FIN", "Chase unpaid invoices 40m").ok
    sunday_9 = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
    counts = [run(coach, "digests", sunday_9 + timedelta(days=d))["digests"] for d in (0, 1)]
    assert counts == [0, 1]  # nothing on Saturday (above) or Sunday; Monday's comes
    monday = _text(_digests(coach)[-1])
    assert "Manual work digest · Mon 30 Nov" in monday
    assert "Manual work since Fri 09:00: 40m" in monday  # Saturday's report is in it
    assert "Saturday" not in monday and "Sat 28" not in monday
    sent = [_text(d).splitlines()[0] for d in _digests(coach)]
    assert not any(day in line for line in sent for day in ("Sat", "Sun"))
    # The subscription's answer names a working day as the first one.
    coach.clock.set(datetime(2026, 12, 4, 15, 0, tzinfo=UTC))  # a Friday afternoon
    reply = coach.sim.slash("U_ANA", "C_OPS", "digest here daily 09:00 UTC")
    assert "The first one: Mon 07 Dec 09:00" in reply.json["text"]


def test_daily_digests_follow_the_workspaces_own_working_days(coach: Coach) -> None:
    coach.sim.slash("U_ANA", "C_FIN", "digest here daily 09:00 UTC")
    _activity(coach)
    _work_days(coach, "0,1,2,3")  # Monday to Thursday
    assert _week(coach) == [1, 1, 1, 0, 0, 0, 1]
    assert "since Thu 09:00" in _text(_digests(coach)[-1])
    _work_days(coach, "5")  # Saturdays only: a weekly rhythm on a daily subscription
    assert run(coach, "digests", datetime(2026, 12, 4, 9, 0, tzinfo=UTC))["digests"] == 0
    assert run(coach, "digests", datetime(2026, 12, 5, 9, 0, tzinfo=UTC))["digests"] == 1
    assert "Quiet since Sat 28 Nov 09:00" in _text(_digests(coach)[-1])  # a week ago


def _minutes(text: str) -> int:
    """'3h 10m' → 190."""
    hours = re.search(r"(\d+)h", text)
    minutes = re.search(r"(\d+)m", text)
    return (int(hours.group(1)) * 60 if hours else 0) + (int(minutes.group(1)) if minutes else 0)


def _new_section(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("New this week"))
    return lines[start : start + 5]


def test_the_first_digest_names_three_new_processes_and_sums_the_rest(coach: Coach) -> None:
    coach.sim.slash("U_ANA", "C_FIN", "digest here weekly mon 09:00 Europe/Berlin")
    for title, minutes in TEN_TASKS:
        assert coach.sim.slash("U_BEN", "C_FIN", f"{title} {minutes}m").ok
    coach.clock.set(MONDAY_9_BERLIN - timedelta(minutes=1))
    preview = coach.sim.slash("U_ANA", "C_FIN", "digest preview")
    assert run(coach, "digests", MONDAY_9_BERLIN)["digests"] == 1
    (digest,) = _digests(coach)
    text = _text(digest)
    heading, *named, rest = _new_section(text)
    weekly = [math.floor(m / 4 + 0.5) for _, m in TEN_TASKS]  # one report each: 28 days / 4
    assert heading == f"New this week: {_fmt(sum(weekly))} a week in all"
    assert [line.split(":")[0] for line in named] == [
        "• P1 · Reconcile Stripe payouts",
        "• P2 · Chase unpaid invoices",
        "• P3 · Copy leads into the CRM",
    ]
    assert [_minutes(line.split(":")[1]) for line in named] == weekly[:3]
    assert rest == f"…and 7 more, {_fmt(sum(weekly[3:]))} a week"
    assert text.count("first reported by") == 3
    # The week's manual work is the sum of the reports, in the same units.
    assert f"Manual work this week: {_fmt(sum(m for _, m in TEN_TASKS))}" in text
    # The preview, a minute before, is laid out the same way.
    shown = _text(preview.message)
    assert _new_section(shown) == [heading, *named, rest]
    assert shown.splitlines()[1:] == text.splitlines()[1:]  # all but the title


def _fmt(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{rest}m" if not hours else (f"{hours}h" if not rest else f"{hours}h {rest}m")


def test_a_quiet_week_gets_one_line_and_no_chart(coach: Coach) -> None:
    coach.sim.slash("U_ANA", "C_FIN", "digest here weekly mon 09:00 Europe/Berlin")
    _activity(coach)
    assert run(coach, "digests", MONDAY_9_BERLIN)["charts"] == 1
    quiet = run(coach, "digests", MONDAY_9_BERLIN + timedelta(days=7))
    assert quiet["digests"] == 1 and quiet["charts"] == 0
    digest = _digests(coach)[-1]
    text = _text(digest)
    assert "A quiet week: no manual work reported, nothing new, nothing retired." in text
    assert "Eliminated so far: 34m a week" in text
    for repeated in ("Biggest manual processes", "New this", "Retired\n", "P2 ·"):
        assert repeated not in text
    assert "`/manual-task list` shows the biggest manual processes" in text
    assert "a quiet week, 34m a week eliminated so far" in digest.text
    assert len(coach.fake.files) == 1
    # Work reported again brings the lists back, against a week with none.
    coach.clock.set(MONDAY_9_BERLIN + timedelta(days=8))
    assert coach.sim.slash("U_BEN", "C_FIN", "Chase unpaid invoices 30m").ok
    busy = run(coach, "digests", MONDAY_9_BERLIN + timedelta(days=14))
    assert busy == {**busy, "digests": 1, "charts": 1}
    text = _text(_digests(coach)[-1])
    assert "Manual work this week: 30m (none reported the week before)" in text
    assert "Biggest manual processes" in text and "New this" not in text


def test_a_quiet_day_and_concurrent_replicas_send_one(coach: Coach) -> None:
    coach.sim.slash("U_ANA", "C_FIN", "digest here daily 09:00 UTC")
    _activity(coach)
    assert run(coach, "digests", TUESDAY_9)["digests"] == 1
    wednesday = TUESDAY_9 + timedelta(days=1)
    threads = [
        threading.Thread(target=run_job, args=("digests", job_context(coach, f"r{i}"), wednesday))
        for i in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(_digests(coach)) == 2 and len(coach.fake.files) == 1
    assert "A quiet day: no manual work reported" in _text(_digests(coach)[-1])
    assert run(coach, "digests", wednesday)["digests"] == 0
