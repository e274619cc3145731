"""The coaching loop end to end over real HTTP, with an injected clock: six simulated
weeks of nudges, answers, follow-ups and retirements for a small team."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.domain.schedule import in_working_hours, local_date
from bot.standin.render import render_blocks
from storage.models import Nudge, Process
from tests.conftest import TEAM, Coach
from tests.e2e.helpers import dms, job_context, run, waiting

TZ = {"U_ANA": "America/New_York", "U_BEN": "Europe/Berlin", "U_CAM": "Asia/Tokyo"}


def _process(coach: Coach, number: int) -> Process:
    with coach.db.transaction() as s:
        return s.scalars(
            select(Process).where(Process.team_id == TEAM, Process.number == number)
        ).one()


def _text(message: object) -> str:
    return "\n".join(render_blocks(message.blocks))  # type: ignore[attr-defined]


def _seed(coach: Coach) -> None:
    sim = coach.sim
    for who in ("U_ANA", "U_BEN", "U_CAM"):
        assert sim.slash(who, "C_FIN", "Reconcile Stripe payouts 45m").ok
    assert sim.slash("U_BEN", "C_OPS", "Export invoices to the ERP 1h").ok
    assert sim.slash("U_BEN", "C_OPS", "export invoices to ERP 50m").ok
    assert sim.slash("U_CAM", "C_OPS", "Rename the shared drive folder 10m").ok
    assert sim.slash("U_ANA", "C_OPS", "Copy leads into the CRM 40m").ok
    assert sim.slash("U_CAM", "C_OPS", "copying leads into CRM 30m").ok
    assert "now own" in sim.slash("U_ANA", "C_FIN", "own P1").json["text"]
    assert "now own" in sim.slash("U_BEN", "C_OPS", "own P2").json["text"]
    assert "now own" in sim.slash("U_CAM", "C_OPS", "own P3").json["text"]
    # P4 (leads into the CRM) stays unowned.


def test_six_weeks_of_nudges(coach: Coach) -> None:
    _seed(coach)
    sent: list[tuple[str, datetime, object]] = []
    seen: set[str] = set()
    answered: set[str] = set()
    end = coach.clock.now() + timedelta(weeks=6)
    while coach.clock.now() < end:
        now = coach.clock.advance(hours=1)
        if now.weekday() == 0 and now.hour == 15:  # people keep reporting every Monday
            coach.sim.slash("U_CAM", "C_FIN", "reconcile stripe payouts 45m")
            coach.sim.slash("U_ANA", "C_OPS", "copy leads into the CRM 40m")
        run(coach, "nudges")
        for user in TZ:
            for m in dms(coach, user):
                if m.ts not in seen:
                    seen.add(m.ts)
                    sent.append((user, now, m))
        # Ben says he'll automate P2 the first time he is asked about it.
        for user, _, m in sent:
            if user == "U_BEN" and m.ts not in answered and "P2" in _text(m):
                answered.add(m.ts)
                buttons = coach.sim.buttons(m)
                if any(b["action_id"] == "nudge_automating" for b in buttons):
                    coach.sim.click("U_BEN", m, action_id="nudge_automating")
                    coach.fake.wait_for(lambda m=m: m.updated > 0)
    assert sent, "nobody was nudged in six weeks"
    per_day = Counter((u, local_date(t, TZ[u])) for u, t, _ in sent)
    assert max(per_day.values()) == 1, "someone got two DMs in one day"
    for user, when, _ in sent:
        assert in_working_hours(when, TZ[user]), f"{user} was nudged at {when} (outside hours)"
    assert not [m for u, _, m in sent if u == "U_CAM" and "P3" in _text(m)], "P3 is below threshold"
    ana = [t for u, t, m in sent if u == "U_ANA" and "P1" in _text(m)]
    gaps = [b - a for a, b in zip(ana, ana[1:], strict=False)]
    assert len(ana) >= 5 and all(g >= timedelta(days=7) for g in gaps), gaps
    # Ben: one nudge about P2, answered, then a follow-up about 14 days later.
    ben = [(t, m) for u, t, m in sent if u == "U_BEN" and "P2" in _text(m)]
    assert "Automated yet?" in _text(ben[1][1])
    assert ben[1][0] - ben[0][0] >= timedelta(days=14)
    assert _process(coach, 2).status == "automating"
    # The unowned P4 was raised in its channel about once a week.
    asks = [m for m in coach.fake.messages_in("C_OPS") if m.from_bot and "Who owns" in m.text]
    assert 5 <= len(asks) <= 7, len(asks)


def test_each_answer_does_what_it_says(coach: Coach) -> None:
    _seed(coach)
    run(coach, "nudges", datetime(2026, 11, 24, 15, 0, tzinfo=UTC))  # Tue 10:00 in New York
    (dm,) = dms(coach, "U_ANA")
    assert "Could this be automated? Why haven't we?" in _text(dm)
    assert "worth up to" in _text(dm)
    # Not mine -> pick Ben -> Ben is told, the message shows the answer in place.
    coach.sim.click("U_ANA", dm, action_id="nudge_not_mine")
    form = coach.fake.wait_for(lambda: (coach.fake.open_modals(TEAM, "U_ANA") or [None])[-1])
    assert coach.sim.submit("U_ANA", form, {"new_owner": "U_BEN"}).ok
    coach.fake.wait_for(lambda: dm.updated > 0)
    assert "passed it to" in _text(dm)
    assert _process(coach, 1).owner_id == "U_BEN"
    # Ben had his DM of the day at 16:00 his time: being told waits for his next one.
    assert not [m for m in dms(coach, "U_BEN") if "passed" in m.text]
    run(coach, "nudges", datetime(2026, 11, 25, 8, 0, tzinfo=UTC))  # Wed 09:00 in Berlin
    told = [m for m in dms(coach, "U_BEN") if "passed" in m.text]
    assert len(told) == 1 and "P1" in told[0].text
    assert len(coach.fake.messages_in(dm.channel)) == 1, "answers update, never add, messages"


def test_a_refused_form_answer_shows_on_the_field_and_changes_nothing(coach: Coach) -> None:
    _seed(coach)
    run(coach, "nudges", datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
    (dm,) = dms(coach, "U_ANA")
    for action, field, value in (
        ("nudge_not_worth", "reason", "below break-even"),
        ("nudge_not_mine", "new_owner", "U_BEN"),
    ):
        coach.sim.click("U_ANA", dm, action_id=action)
        form = coach.fake.wait_for(lambda: (coach.fake.open_modals(TEAM, "U_ANA") or [None])[-1])
        # Cam neither owns P1 nor reported it first, and is no admin: a forged submission.
        bad = coach.sim.submit("U_CAM", form, {field: value})
        assert bad.json and bad.json["response_action"] == "errors"
        assert field in bad.json["errors"]
        p1 = _process(coach, 1)
        assert (p1.status, p1.owner_id) == ("manual", "U_ANA")
        assert "passed it to" not in _text(dm) and "not worth" not in _text(dm)
        coach.sim.close("U_ANA", form)


def test_not_worth_it_comes_back_in_90_days(coach: Coach) -> None:
    _seed(coach)
    run(coach, "nudges", datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
    (dm,) = dms(coach, "U_ANA")
    coach.sim.click("U_ANA", dm, action_id="nudge_not_worth")
    form = coach.fake.wait_for(lambda: (coach.fake.open_modals(TEAM, "U_ANA") or [None])[-1])
    assert coach.sim.submit("U_ANA", form, {"reason": "below break-even"}).ok
    coach.fake.wait_for(lambda: dm.updated > 0)
    p1 = _process(coach, 1)
    assert p1.status == "accepted" and p1.accepted_reason == "below break-even"
    assert "not worth automating" in _text(dm)
    # Keep it costly, then check it's not asked again until the review date.
    for week in range(1, 14):
        coach.clock.set(datetime(2026, 11, 24, 15, 0, tzinfo=UTC) + timedelta(weeks=week))
        coach.sim.slash("U_BEN", "C_FIN", "reconcile stripe payouts 45m")
        coach.sim.slash("U_CAM", "C_FIN", "reconcile stripe payouts 45m")
        run(coach, "nudges")
        asked = [m for m in dms(coach, "U_ANA") if "P1" in _text(m) and m is not dm]
        if week < 13:
            assert not asked, f"asked again in week {week}"
    assert asked, "not asked again after the 90-day review date"


def test_snooze_double_click_and_refusal(coach: Coach) -> None:
    _seed(coach)
    start = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    run(coach, "nudges", start)
    (dm,) = dms(coach, "U_ANA")
    # Someone else crafting a click on Ana's prompt is refused and changes nothing.
    coach.sim.click("U_CAM", dm, action_id="nudge_snooze")
    coach.fake.wait_for(
        lambda: [
            m for m in coach.fake.messages if m.ephemeral and m.user == "U_CAM" and "Only" in m.text
        ]
    )
    assert _process(coach, 1).snoozed_until is None
    # A double click acts once (both clicks leave before the message is redrawn).
    before = copy.deepcopy(dm)
    coach.sim.click("U_ANA", dm, action_id="nudge_snooze")
    coach.sim.click("U_ANA", before, action_id="nudge_snooze")
    coach.fake.wait_for(lambda: "Snoozed" in _text(dm))
    until = _process(coach, 1).snoozed_until
    assert until is not None and until - start == timedelta(days=14)
    with coach.db.transaction() as s:
        answers = s.scalar(select(func.count()).select_from(Nudge).where(Nudge.answer.isnot(None)))
    assert answers == 1
    for day in range(1, 14):  # snoozed: never asked during the snooze
        run(coach, "nudges", start + timedelta(days=day))
        assert len([m for m in dms(coach, "U_ANA") if "P1" in _text(m)]) == 1
    run(coach, "nudges", start + timedelta(days=14))
    assert len([m for m in dms(coach, "U_ANA") if "P1" in _text(m)]) == 2


def test_already_automated_retires_and_celebrates(coach: Coach) -> None:
    _seed(coach)
    run(coach, "nudges", datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
    (dm,) = dms(coach, "U_ANA")
    coach.sim.click("U_ANA", dm, action_id="process_mark_automated")
    form = coach.fake.wait_for(lambda: (coach.fake.open_modals(TEAM, "U_ANA") or [None])[-1])
    bad = coach.sim.submit("U_ANA", form, {"link": "not a link"})
    assert bad.json and bad.json["response_action"] == "errors"
    assert _process(coach, 1).status == "manual"
    assert coach.sim.submit("U_ANA", form, {"link": "https://github.com/acme/ops/pull/7"}).ok
    party = coach.fake.wait_for(
        lambda: [m for m in coach.fake.messages_in("C_FIN") if m.from_bot and "retired" in m.text]
    )
    assert "<@U_ANA>" in party[0].text and "34m a week eliminated" in party[0].text
    assert "github.com/acme/ops/pull/7" in _text(party[0])
    p1 = _process(coach, 1)
    assert p1.status == "retired" and p1.eliminated_minutes_per_week == 135 / 4
    coach.fake.wait_for(lambda: "Retired by" in _text(dm))
    # A regression: reported again, the owner is told, and it counts.
    reply = coach.sim.slash("U_BEN", "C_FIN", "reconcile stripe payouts 30m")
    assert "regression" in json.dumps(reply.json)
    # Ana had her DM of the day: the outbox keeps it for her next one.
    assert waiting(coach, "U_ANA")  # stored with the report
    assert not [m for m in dms(coach, "U_ANA") if "is back" in m.text]
    run(coach, "nudges", datetime(2026, 11, 25, 15, 0, tzinfo=UTC))  # Wed 10:00 in New York
    assert [m for m in dms(coach, "U_ANA") if "is back" in m.text]


def test_who_owns_this_and_taking_it(coach: Coach) -> None:
    _seed(coach)
    run(coach, "nudges", datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
    (ask,) = [m for m in coach.fake.messages_in("C_OPS") if m.from_bot and "Who owns" in m.text]
    assert "P4" in ask.text
    assert "2 reports in the last 28 days" in _text(ask)  # 40m + 30m: 17m a week
    coach.sim.click("U_CAM", ask, action_id="process_take_ownership")
    coach.fake.wait_for(lambda: "owns it now" in _text(ask))
    assert _process(coach, 4).owner_id == "U_CAM"
    run(coach, "nudges", datetime(2026, 11, 26, 1, 0, tzinfo=UTC))  # Thu 10:00 in Tokyo
    assert [m for m in dms(coach, "U_CAM") if "P4" in _text(m)]


def test_downtime_catch_up_sends_once(coach: Coach) -> None:
    _seed(coach)
    # The bot was down for three days: the first run after sends one DM, not three.
    run(coach, "nudges", datetime(2026, 11, 27, 15, 0, tzinfo=UTC))
    run(coach, "nudges", datetime(2026, 11, 27, 15, 10, tzinfo=UTC))
    assert len(dms(coach, "U_ANA")) == 1


def test_two_schedulers_at_once_send_each_dm_once(coach: Coach) -> None:
    _seed(coach)
    from bot.scheduler import run_job

    when = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    contexts = [job_context(coach, worker=f"replica-{i}") for i in range(3)]
    threads = [threading.Thread(target=run_job, args=("nudges", ctx, when)) for ctx in contexts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(dms(coach, "U_ANA")) == 1


def test_coach_jobs_run_cli_sends_exactly_the_due_dms(coach: Coach) -> None:
    _seed(coach)
    env = {
        **os.environ,
        "DATABASE_URL": coach.db.url,
        "SLACK_BOT_TOKEN": "xoxb-T0001",
        "SLACK_API_URL": coach.fake.api_url,
        "SLACK_SIGNING_SECRET": "x",
    }
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "jobs",
            "run",
            "nudges",
            "--now",
            "2026-11-24T10:00:00-05:00",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    # Ana (New York, 10:00) is due; Ben (Berlin, 16:00) is due; Cam (Tokyo, midnight) is not.
    assert figures["dms"] == 2 and figures["who_owns"] == 1
    assert len(dms(coach, "U_ANA")) == 1 and len(dms(coach, "U_BEN")) == 1
    assert dms(coach, "U_CAM") == []
