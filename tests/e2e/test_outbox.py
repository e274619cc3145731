"""The outbox: what the bot tells a person that isn't an answer to something they just did
(a process handed to them, taken from them, retired or merged by someone else, a
regression) waits for their working hours, and every kind together makes at most one bot
DM a day. Several of one day go out in one DM, with the day's nudges; replicas (here, real
`coach jobs run` processes) running the job at the same moment send it once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime

from sqlalchemy import select

from storage.models import PendingDM, Process
from tests.conftest import TEAM, Coach
from tests.e2e.helpers import dms, owner_of, run, waiting
from tests.e2e.support import text_of

TUE_01_BERLIN = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
TUE_09_BERLIN = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
TUE_10_NEW_YORK = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def _seed(coach: Coach) -> None:
    """P1 (costly, Ana's), P2 and P3 (cheap, Ana's)."""
    sim = coach.sim
    for who in ("U_ANA", "U_BEN", "U_CAM"):
        assert sim.slash(who, "C_FIN", "Reconcile Stripe payouts 45m").ok
    assert sim.slash("U_ANA", "C_FIN", "Rename the shared drive folder 5m").ok
    assert sim.slash("U_ANA", "C_FIN", "Update the holiday calendar 5m").ok
    for ref in ("P1", "P2", "P3"):
        assert "now own" in sim.slash("U_ANA", "C_FIN", f"own {ref}").json["text"]


def test_a_reassignment_at_01_00_their_time_waits_for_their_working_hours(coach: Coach) -> None:
    _seed(coach)
    coach.clock.set(TUE_01_BERLIN)
    reply = coach.sim.slash("U_ADMIN", "C_FIN", "assign P2 <@U_BEN>")
    assert reply.ok and owner_of(coach, 2) == "U_BEN"

    # 01:00 in Berlin: nothing reaches Ben; it waits.
    figures = run(coach, "nudges", TUE_01_BERLIN)
    assert figures["dms"] == 0 and dms(coach, "U_BEN") == []
    assert [(r.user_id, r.kind) for r in waiting(coach)] == [
        ("U_BEN", "handed_over"),
        ("U_ANA", "taken_over"),  # Ana owned it; an admin passed it on
    ]

    # 09:00 in Berlin: Ben is told, once; Ana (03:00 in New York) still waits.
    run(coach, "nudges", TUE_09_BERLIN)
    (told,) = dms(coach, "U_BEN")
    assert "passed" in text_of(told) and "P2" in text_of(told) and "<@U_ADMIN>" in told.text
    assert not [m for m in dms(coach, "U_ANA") if "P2" in text_of(m)]
    run(coach, "nudges", TUE_09_BERLIN.replace(minute=10))
    assert len(dms(coach, "U_BEN")) == 1

    # 10:00 in New York: Ana hears it too, with her nudge about P1, in one DM.
    run(coach, "nudges", TUE_10_NEW_YORK)
    (ana,) = dms(coach, "U_ANA")
    assert "which you owned, to <@U_BEN>" in text_of(ana)
    assert "Could this be automated?" in text_of(ana) and "P1" in text_of(ana)
    assert waiting(coach) == []


def test_two_notices_and_a_nudge_on_one_day_make_one_dm(coach: Coach) -> None:
    _seed(coach)
    coach.clock.set(TUE_01_BERLIN)  # 19:00 in New York, the day before
    assert coach.sim.slash("U_ADMIN", "C_FIN", "retire P2 https://github.com/acme/ops/pull/2").ok
    assert coach.sim.slash("U_ADMIN", "C_FIN", "merge P1 P3").ok
    assert len(waiting(coach)) == 2

    run(coach, "nudges", TUE_10_NEW_YORK)
    (dm,) = dms(coach, "U_ANA")
    shown = text_of(dm)
    assert "retired *P2" in shown and "<@U_ADMIN>" in shown
    assert "merged *P3" in shown and "into *P1" in shown
    assert "Could this be automated? Why haven't we?" in shown and "P1" in shown
    assert waiting(coach) == []
    # Later that day nothing more goes out, whatever waits.
    coach.clock.set(TUE_10_NEW_YORK.replace(hour=16))
    assert coach.sim.slash("U_ADMIN", "C_FIN", "assign P1 <@U_BEN>").ok
    run(coach, "nudges", TUE_10_NEW_YORK.replace(hour=17))
    assert len(dms(coach, "U_ANA")) == 1

    # Answering the nudge redraws the DM in place and keeps what it told.
    coach.sim.click("U_ANA", dm, action_id="nudge_snooze")
    coach.fake.wait_for(lambda: "Snoozed" in text_of(dm))
    assert "retired *P2" in text_of(dm) and "merged *P3" in text_of(dm)


def test_two_processes_running_the_job_at_once_send_once(coach: Coach) -> None:
    _seed(coach)
    coach.clock.set(TUE_01_BERLIN)
    for ref in ("P2", "P3"):
        assert coach.sim.slash("U_ANA", "C_FIN", f"assign {ref} <@U_BEN>").ok
    env = {
        **os.environ,
        "DATABASE_URL": coach.db.url,
        "SLACK_BOT_TOKEN": "xoxb-T0001",
        "SLACK_API_URL": coach.fake.api_url,
        "SLACK_SIGNING_SECRET": "x",
    }
    argv = [sys.executable, "-m", "bot.cli", "jobs", "run", "nudges"]
    runs = [
        subprocess.Popen(
            [*argv, "--now", TUE_09_BERLIN.isoformat()],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    figures = []
    for proc in runs:
        out, err = proc.communicate(timeout=90)
        assert proc.returncode == 0, err
        figures.append(json.loads(out.strip().splitlines()[-1]))
    assert sum(f["dms"] for f in figures) == 1
    assert sum(f["notices"] for f in figures) == 2
    (dm,) = dms(coach, "U_BEN")
    assert "P2" in text_of(dm) and "P3" in text_of(dm)
    assert waiting(coach) == []


def test_assign_tells_the_new_owner_and_nobody_is_told_of_what_they_did(coach: Coach) -> None:
    _seed(coach)
    assert coach.sim.slash("U_ANA", "C_FIN", "assign P2 <@U_BEN>").ok  # Ana passes her own
    assert [(r.user_id, r.kind) for r in waiting(coach)] == [("U_BEN", "handed_over")]
    assert coach.sim.slash("U_BEN", "C_FIN", "own P2").json  # already his: nothing new
    assert len(waiting(coach)) == 1
    run(coach, "nudges", TUE_09_BERLIN)
    (told,) = dms(coach, "U_BEN")
    assert "<@U_ANA> passed" in text_of(told) and "P2" in text_of(told)


def test_an_outbox_notice_quotes_titles_escaped(coach: Coach) -> None:
    assert coach.sim.slash("U_ANA", "C_FIN", "Ping <!channel> about <@U_CAM> 45m").ok
    assert "now own" in coach.sim.slash("U_ANA", "C_FIN", "own P1").json["text"]
    assert coach.sim.slash("U_ANA", "C_FIN", "assign P1 <@U_BEN>").ok
    run(coach, "nudges", TUE_09_BERLIN)
    (told,) = dms(coach, "U_BEN")
    payload = json.dumps({"text": told.text, "blocks": told.blocks})
    assert "<!channel>" not in payload and "<@U_CAM>" not in payload


def _who_owns(coach: Coach) -> list[object]:
    return [m for m in coach.fake.messages_in("C_FIN") if m.from_bot and "Who owns" in m.text]


def _refusals(coach: Coach, user_id: str) -> list[object]:
    return [m for m in coach.fake.messages if m.ephemeral and m.user == user_id]


def test_a_prompt_a_newer_one_replaced_or_whose_question_is_settled_refuses(
    coach: Coach,
) -> None:
    for who in ("U_ANA", "U_BEN", "U_CAM"):
        assert coach.sim.slash(who, "C_FIN", "Reconcile Stripe payouts 45m").ok
    run(coach, "nudges", TUE_10_NEW_YORK)
    coach.clock.set(TUE_10_NEW_YORK.replace(day=30))
    for who in ("U_ANA", "U_BEN"):  # still done by hand, still nobody's
        assert coach.sim.slash(who, "C_FIN", "Reconcile Stripe payouts 45m").ok
    run(coach, "nudges", datetime(2026, 12, 1, 15, 0, tzinfo=UTC))  # a week later
    last_week, this_week = _who_owns(coach)

    coach.sim.click("U_CAM", this_week, action_id="process_take_ownership")
    coach.fake.wait_for(lambda: "owns it now" in text_of(this_week))
    assert owner_of(coach, 1) == "U_CAM"
    # An admin presses "I'll own it" on last week's: refused, saying who owns it now.
    coach.sim.click("U_ADMIN", last_week, action_id="process_take_ownership")
    (said,) = coach.fake.wait_for(
        lambda: [m for m in _refusals(coach, "U_ADMIN") if "settled" in m.text]
    )
    assert "<@U_CAM> owns P1 now" in said.text
    assert owner_of(coach, 1) == "U_CAM"
    assert "<@U_CAM>" in text_of(this_week) and "U_ADMIN" not in text_of(this_week)
    assert not [r for r in waiting(coach) if r.user_id == "U_CAM"], "nothing to tell Cam"


def test_last_weeks_nudge_refuses_once_a_newer_one_asks(coach: Coach) -> None:
    _seed(coach)
    run(coach, "nudges", TUE_10_NEW_YORK)
    coach.clock.set(TUE_10_NEW_YORK.replace(day=30))
    for who in ("U_BEN", "U_CAM"):
        assert coach.sim.slash(who, "C_FIN", "Reconcile Stripe payouts 45m").ok
    run(coach, "nudges", datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    old, new = [m for m in dms(coach, "U_ANA") if "P1" in text_of(m)]
    coach.sim.click("U_ANA", old, action_id="nudge_snooze")
    (said,) = coach.fake.wait_for(
        lambda: [m for m in _refusals(coach, "U_ANA") if "out of date" in m.text]
    )
    assert "P1" in said.text
    with coach.db.transaction() as s:
        p1 = s.scalars(select(Process).where(Process.team_id == TEAM, Process.number == 1)).one()
        assert p1.snoozed_until is None
    coach.sim.click("U_ANA", new, action_id="nudge_snooze")  # the newer one answers
    coach.fake.wait_for(lambda: "Snoozed" in text_of(new))


def test_a_notice_no_longer_so_when_it_would_go_out_is_not_sent(coach: Coach) -> None:
    """'Passed P2 to you' is not sent once P2 went on to someone else before Ben's working
    hours; the notice to Cam, who owns it now, is."""
    _seed(coach)
    coach.clock.set(TUE_01_BERLIN)
    assert coach.sim.slash("U_ANA", "C_FIN", "assign P2 <@U_BEN>").ok
    assert coach.sim.slash("U_ANA", "C_FIN", "assign P2 <@U_CAM>").ok
    run(coach, "nudges", TUE_09_BERLIN)
    (ben,) = dms(coach, "U_BEN")  # what is still so: P2 went on from him to Cam
    assert "to you" not in text_of(ben) and "which you owned, to <@U_CAM>" in text_of(ben)
    assert waiting(coach, "U_BEN") == []
    with coach.db.transaction() as s:
        statuses = s.scalars(
            select(PendingDM.status).where(
                PendingDM.user_id == "U_BEN", PendingDM.kind == "handed_over"
            )
        ).all()
    assert statuses == ["withdrawn"]
    assert [r.kind for r in waiting(coach, "U_CAM")] == ["handed_over"]


def test_taking_over_says_whose_it_was_and_that_they_will_hear(coach: Coach) -> None:
    _seed(coach)
    said = coach.sim.slash("U_ADMIN", "C_FIN", "own P1").json["text"]
    assert "You now own P1 · Reconcile Stripe payouts, which was <@U_ANA>'s" in said
    assert "I'll let them know" in said
    assert [r.kind for r in waiting(coach, "U_ANA")] == ["taken_over"]
