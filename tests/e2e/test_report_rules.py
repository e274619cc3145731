"""End to end, issue 13: what a report counts. Durations are read or refused (never a
silent 15 minutes); the form's frequency sets the cost until reports can measure it;
undo acts only on your own reports of the last 7 days, the same on every state."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.ids import Action, Callback, Field
from tests.conftest import Coach
from tests.e2e.support import answer, counts, occurrences, processes, wait_for

TEAM = "T0001"


def report(coach: Coach, text: str, user: str = "U_ANA"):
    reply = coach.sim.slash(user, "C_OPS", text)
    assert reply.status == 200, reply.body
    return reply


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("Reconcile Stripe payouts 45 parsecs", "“45 parsecs” isn't a duration I can count"),
        ("Reconcile Stripe payouts 2d", "“2d” is longer than a working day"),
        ("Reconcile Stripe payouts 45 minuets", "“45 minuets” isn't a duration I can count"),
    ],
)
def test_a_duration_that_cant_be_read_is_refused_and_stores_nothing(
    coach: Coach, text: str, refusal: str
) -> None:
    said = answer(report(coach, text))
    assert refusal in said and "counted 15m" not in said
    assert counts(coach.db)["processes"] == 0 and counts(coach.db)["occurrences"] == 0


@pytest.mark.parametrize(
    ("text", "minutes"), [("Reconcile Stripe payouts 1:30", 90), ("half a day on payroll", 240)]
)
def test_durations_as_people_write_them(coach: Coach, text: str, minutes: int) -> None:
    said = answer(report(coach, text))
    assert "counted 15m" not in said
    [occ] = occurrences(coach.db)
    assert occ.minutes == minutes


def _form_report(coach: Coach, what: str, how_long: str, how_often: str) -> None:
    assert coach.sim.slash("U_ANA", "C_OPS", "").status == 200
    form = wait_for(lambda: coach.fake.open_modals(TEAM, "U_ANA"))[-1]
    assert form.callback_id == Callback.REPORT
    done = coach.sim.submit(
        "U_ANA", form, {Field.WHAT: what, Field.HOW_LONG: how_long, Field.HOW_OFTEN: how_often}
    )
    assert done.status == 200 and not (done.json or {}).get("errors")


def test_a_declared_frequency_sets_the_cost_until_reports_measure_it(coach: Coach) -> None:
    _form_report(coach, "Reconcile Stripe payouts", "1h", "weekly")
    shown = answer(report(coach, "show P1"))
    assert "about 1h a week, as declared" in shown  # not 15m: 1h once in 28 days

    for _ in range(3):  # four reports in the window measure it: 4h in 28 days
        coach.clock.advance(timedelta(days=1))
        report(coach, "Reconcile Stripe payouts 1h")
    shown = answer(report(coach, "show P1"))
    assert "as declared" not in shown and "1h a week" in shown


def test_the_form_just_this_once_declares_nothing(coach: Coach) -> None:
    _form_report(coach, "Reconcile Stripe payouts", "1h", "once")
    shown = answer(report(coach, "show P1"))
    assert "as declared" not in shown and "15m a week" in shown


def test_undo_only_reaches_back_seven_days(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    coach.clock.advance(timedelta(days=8))
    said = answer(report(coach, "undo"))
    assert "more than 7 days ago, so it stays" in said
    assert counts(coach.db)["occurrences"] == 1


def test_undo_is_only_for_your_own_reports(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    assert "no reports to undo" in answer(report(coach, "undo", user="U_BEN"))
    assert counts(coach.db)["occurrences"] == 1


@pytest.mark.parametrize("then", ["", "retire P1 https://github.com/acme/ops/pull/42", "own P1"])
def test_undoing_the_last_report_removes_the_process_in_every_state(
    coach: Coach, then: str
) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    if then:
        report(coach, then)
    said = answer(report(coach, "undo"))
    assert "Removed your report of 45m on P1" in said and "gone too" in said
    assert processes(coach.db) == []
    assert "Nothing reported" in answer(report(coach, "stats"))  # nor eliminated


def test_undoing_the_report_that_brought_a_process_back_retires_it_again(coach: Coach) -> None:
    """Undo is the same on every state: as if the report had never been made."""
    report(coach, "Reconcile Stripe payouts 45m")
    report(coach, "retire P1 https://github.com/acme/ops/pull/42")
    coach.clock.advance(timedelta(days=1))
    report(coach, "Reconcile Stripe payouts 30m", user="U_BEN")
    assert processes(coach.db)[0].status == "came_back"

    said = answer(report(coach, "undo", user="U_BEN"))
    assert "Removed your report of 30m on P1" in said
    [p1] = processes(coach.db)
    assert p1.status == "retired"
    assert "came back" not in answer(report(coach, "show P1"))


def test_undo_after_a_merge_brought_it_back_keeps_it_back(coach: Coach) -> None:
    """Two reports done by hand after the retirement reach it by a merge: undoing one
    leaves the other, so the process stays back."""
    report(coach, "Reconcile Stripe payouts 45m")
    report(coach, "retire P1 https://github.com/acme/ops/pull/42")
    coach.clock.advance(timedelta(days=1))
    report(coach, "Restart the staging cluster 30m", user="U_BEN")
    report(coach, "Restart the staging cluster 20m", user="U_BEN")
    said = answer(report(coach, "merge P1 P2", user="U_ADMIN"))
    assert processes(coach.db)[0].status == "came_back"
    assert "P1 was retired, and P2 was done by hand since, so P1 has come back" in said
    shown = answer(report(coach, "show P1"))
    assert "P2 merged in by <@U_ADMIN>" in shown and "came back" in shown  # its own history

    report(coach, "undo", user="U_BEN")
    assert processes(coach.db)[0].status == "came_back"


def test_splitting_off_the_report_that_brought_it_back_retires_it_again(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    report(coach, "retire P1 https://github.com/acme/ops/pull/42")
    coach.clock.advance(timedelta(days=1))
    back = report(coach, "Reconcile Stripe payouts 30m", user="U_BEN")
    assert processes(coach.db)[0].status == "came_back"

    coach.sim.click("U_BEN", back.message, action_id=Action.SPLIT_REPORT.value)

    p1 = wait_for(
        lambda: [p for p in processes(coach.db) if p.number == 1 and p.status == "retired"]
    )
    assert p1 and len(processes(coach.db)) == 2
