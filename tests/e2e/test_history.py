"""A process's history end to end, on SQLite and PostgreSQL: a process retired, reported
again (it came back) and retired again; what was eliminated today drops while it is back,
and the figures for past weeks (a late digest, the chart's series) stay what they were."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.rules import Sight
from bot.services.digests import series
from bot.standin.render import render_blocks
from tests.conftest import TEAM, Coach
from tests.e2e.helpers import run
from tests.e2e.support import process

PERIOD_END = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # the first weekly digest's period ends


def slash(coach: Coach, user: str, text: str) -> str:
    reply = coach.sim.slash(user, "C_FIN", text)
    assert reply.ok, reply.body
    return str(reply.json["text"]) + "\n" + "\n".join(render_blocks(reply.json.get("blocks", [])))


def digests(coach: Coach) -> list[str]:
    return [
        "\n".join(render_blocks(m.blocks))
        for m in coach.fake.messages_in("C_FIN")
        if m.source == "api" and "digest" in m.text
    ]


def home(coach: Coach) -> str:
    assert coach.sim.open_home("U_ANA").ok
    view = coach.fake.wait_for(lambda: coach.fake.home_of(TEAM, "U_ANA"))
    return "\n".join(render_blocks(view.blocks))


def test_a_process_that_came_back_leaves_todays_total_but_not_last_weeks(coach: Coach) -> None:
    slash(coach, "U_ANA", "digest here weekly mon 09:00 UTC")
    slash(coach, "U_ANA", "Reconcile Stripe payouts 2h")  # 30m a week
    slash(coach, "U_ANA", "Chase unpaid invoices 1h")  # 15m a week
    slash(coach, "U_ANA", "retire P1 https://github.com/acme/ops/pull/1")
    slash(coach, "U_ANA", "retire P2 https://github.com/acme/ops/pull/2")
    assert "eliminated: 45m a week" in slash(coach, "U_ANA", "stats")

    # After the week's end, before its digest went out (the jobs were down): P1 is back.
    coach.clock.set(PERIOD_END + timedelta(hours=1))
    back = slash(coach, "U_BEN", "Reconcile Stripe payouts 20m")
    assert "regression" in back and process(coach.db, "P1").status == "came_back"
    assert "eliminated: 15m a week" in slash(coach, "U_ANA", "stats")
    assert "1 retired" in slash(coach, "U_ANA", "stats")
    assert "P1 · Reconcile Stripe payouts" in slash(coach, "U_ANA", "list")
    assert "15m a week eliminated for good" in home(coach)

    # The late digest reports its week as it was: both retired, 45m a week eliminated.
    assert run(coach, "digests", PERIOD_END + timedelta(hours=2))["digests"] == 1
    (late,) = digests(coach)
    assert "Eliminated so far: 45m a week" in late
    assert "P1 · Reconcile Stripe payouts" in late.split("Retired", 1)[1]

    # Retired again, at its new cost: (2h + 20m) / 4 = 35m a week.
    coach.clock.set(PERIOD_END + timedelta(hours=3))
    slash(coach, "U_ANA", "retire P1 https://github.com/acme/ops/pull/9")
    assert "eliminated: 50m a week" in slash(coach, "U_ANA", "stats")
    shown = slash(coach, "U_ANA", "show P1")
    assert "retired ✅" in shown and shown.count("retired by @U_ANA") == 2
    assert "came back: reported again by @U_BEN" in shown

    next_end = PERIOD_END + timedelta(days=7)
    assert run(coach, "digests", next_end)["digests"] == 1
    latest = digests(coach)[-1]
    assert "Eliminated so far: 50m a week" in latest
    assert "P1 · Reconcile Stripe payouts" in latest.split("Retired", 1)[1]
    with coach.db.transaction() as session:
        weeks = series(session, sight=Sight.whole(TEAM), end=next_end)
    assert [round(gone * 60) for _, _, gone in weeks[-3:]] == [0, 45, 50]
