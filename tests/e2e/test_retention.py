"""Retention through the production wiring, on SQLite and PostgreSQL: `coach jobs run
retention --now ...` in its own process deletes the month-old claims of a nudge and a
digest, and the nudges and digests jobs, run again at the very instants whose keys those
claims held, send nothing twice; a reaction on a six-week-old nudge still works; past 90
days the post is forgotten and a reaction on it is ignored, as designed."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from storage.models import BotMessage, Delivery, Process
from tests.conftest import SECRET, TEAM, Coach
from tests.e2e.helpers import dms, run
from tests.e2e.test_reactions import CHECK, SETTLE, ZZZ, ephemerals, react
from tests.e2e.test_serve import _clean_env

TUESDAY_10_NY = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # Ana's nudge
MONDAY_9_BERLIN = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # the weekly digest
SIX_WEEKS_LATER = datetime(2027, 1, 5, 15, 0, tzinfo=UTC)  # claims (30 days) go, posts stay
FOUR_MONTHS_LATER = datetime(2027, 3, 30, 15, 0, tzinfo=UTC)  # posts (90 days) go too


def retention(coach: Coach, when: datetime) -> dict[str, Any]:
    """`coach jobs run retention --now WHEN`, as an operator or the scheduler runs it."""
    env = _clean_env(
        DATABASE_URL=coach.db.url,
        SLACK_BOT_TOKEN="xoxb-T0001",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=coach.fake.api_url,
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "jobs", "run", "retention", "--now", when.isoformat()],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def digests(coach: Coach) -> list[object]:
    return [m for m in coach.fake.messages_in("C_FIN") if m.source == "api" and "digest" in m.text]


def rows(coach: Coach, model: Any) -> int:
    with coach.db.transaction() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def p1(coach: Coach) -> Process:
    with coach.db.transaction() as s:
        return s.scalars(select(Process).where(Process.team_id == TEAM, Process.number == 1)).one()


def test_deleted_claims_never_resend_and_recent_posts_still_take_reactions(coach: Coach) -> None:
    sim = coach.sim
    assert (
        "every Monday"
        in sim.slash("U_ANA", "C_FIN", "digest here weekly mon 09:00 Europe/Berlin").json["text"]
    )
    for who in ("U_ANA", "U_BEN", "U_CAM"):
        assert sim.slash(who, "C_FIN", "Reconcile Stripe payouts 45m").ok
    assert "now own" in sim.slash("U_ANA", "C_FIN", "own P1").json["text"]
    assert sim.mention("U_BEN", "C_OPS", "spent 20 minutes copying leads into the CRM").ok
    assert run(coach, "nudges", TUESDAY_10_NY)["dms"] == 1
    assert run(coach, "digests", MONDAY_9_BERLIN)["digests"] == 1
    (nudge,) = dms(coach, "U_ANA")
    assert rows(coach, Delivery) == 2

    figures = retention(coach, SIX_WEEKS_LATER)

    assert figures["deliveries"] == 2 and figures["slack_events"] >= 1, figures
    assert figures["bot_messages"] == 0 and figures["unfinished"] == 0, figures
    assert rows(coach, Delivery) == 0
    # The jobs look at exactly the keys whose claims are gone: nothing is sent again.
    for job, when in (("nudges", TUESDAY_10_NY), ("digests", MONDAY_9_BERLIN)):
        again = run(coach, job, when)
        assert again.get("dms", 0) == again.get("digests", 0) == 0, (job, again)
    assert len(dms(coach, "U_ANA")) == 1 and len(digests(coach)) == 1
    # A reaction on the six-week-old nudge (its record kept for 90 days) still works.
    coach.clock.set(SIX_WEEKS_LATER)
    assert "Snoozed" in react(coach, "U_ANA", nudge, ZZZ)
    assert p1(coach).snoozed_until is not None

    figures = retention(coach, FOUR_MONTHS_LATER)

    assert figures["bot_messages"] >= 3 and rows(coach, BotMessage) == 0, figures
    # Past 90 days the post is forgotten: ✅ on it is ignored, like on any other message.
    coach.clock.set(FOUR_MONTHS_LATER)
    before = len(ephemerals(coach, "U_ANA"))
    assert sim.react("U_ANA", nudge, CHECK).ok
    time.sleep(SETTLE)
    assert len(ephemerals(coach, "U_ANA")) == before and p1(coach).status == "manual"
