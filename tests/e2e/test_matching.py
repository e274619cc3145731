"""End to end, issue 13: every report lands on the right process, or asks.

The real app over real HTTP with signature checking on, against the fake Slack, on SQLite
and PostgreSQL. An unsure report is stored at once on a new process and asks "Same as
P1 · …?" with [Yes, same] (merged: the report moves) and [No, a new process] (remembered:
never asked again). Only the reporter (or who may manage) answers; a second click changes
nothing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.ids import Action, Field
from tests.conftest import Coach
from tests.e2e.support import answer, counts, occurrences, process, processes, text_of, wait_for

ISSUE_EXAMPLES = [
    ("Update the pricing sheet", "Update the roster sheet"),
    ("Scale up the Kafka cluster", "Scale up the Redis cluster"),
    ("Create user accounts", "Delete user accounts"),
    ("Check the nightly backup logs", "Check the nightly build logs"),
    ("Send invoices to EU customers", "Send invoices to US customers"),
]


def report(coach: Coach, text: str, user: str = "U_ANA"):
    reply = coach.sim.slash(user, "C_OPS", text)
    assert reply.status == 200, reply.body
    return reply


def _unsure(coach: Coach):
    report(coach, "Check the status page 10m")
    reply = report(coach, "Update the status page 20m")
    text = answer(reply)
    assert "Logged 20m as a new process, P2 · Update the status page" in text
    assert "Same as P1 · Check the status page?" in text
    labels = [b["text"] for b in coach.sim.buttons(reply.message)]
    assert labels == ["Yes, same", "No, a new process", "Undo"]
    # Nothing is lost while the question waits: the report is stored on P2.
    p2 = process(coach.db, "P2")
    assert [o.process_id for o in occurrences(coach.db) if o.minutes == 20] == [p2.id]
    return reply


@pytest.mark.parametrize(("first", "second"), ISSUE_EXAMPLES)
def test_the_issue_examples_stay_two_processes(coach: Coach, first: str, second: str) -> None:
    report(coach, f"{first} 30m")
    reply = report(coach, f"{second} 30m", user="U_BEN")

    assert f"new process, P2 · {second}" in answer(reply)
    assert "Same as" not in answer(reply)
    assert [p.title for p in processes(coach.db)] == [first, second]


def test_a_paraphrase_joins_without_asking(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    reply = report(coach, "recocile the stripe payouts again by hand 30m", user="U_BEN")
    assert "Logged 30m on P1 · Reconcile Stripe payouts" in answer(reply)
    assert "Same as" not in answer(reply)


def test_yes_merges_the_new_process_and_moves_the_report(coach: Coach) -> None:
    reply = _unsure(coach)

    click = coach.sim.click("U_ANA", reply.message, action_id=Action.SAME_PROCESS)

    assert click.status == 200
    p1 = process(coach.db, "P1")
    assert wait_for(lambda: process(coach.db, "P2").merged_into_id == p1.id)
    assert sorted(o.minutes for o in occurrences(coach.db) if o.process_id == p1.id) == [10, 20]
    said = wait_for(lambda: "Same process: moved your report to P1" in text_of(reply.message))
    assert said and "Same as" not in text_of(reply.message)
    # The next such report joins P1 (P2 is merged away).
    again = report(coach, "Check the status page 5m")
    assert "Logged 5m on P1" in answer(again)


def test_yes_onto_a_retired_process_brings_it_back(coach: Coach) -> None:
    """The report was done by hand after the retirement: on the retired process it is a
    regression, as if it had been made there."""
    report(coach, "Check the status page 10m")
    report(coach, "retire P1 https://github.com/acme/ops/pull/42")
    coach.clock.advance(timedelta(days=1))
    reply = report(coach, "Update the status page 20m", user="U_BEN")
    assert "Same as P1 · Check the status page?" in answer(reply)

    coach.sim.click("U_BEN", reply.message, action_id=Action.SAME_PROCESS)

    assert wait_for(lambda: process(coach.db, "P1").status == "came_back")
    moved = [o for o in occurrences(coach.db) if o.minutes == 20]
    assert [o.regression for o in moved] == [True]
    assert "came back" in answer(report(coach, "show P1"))


def test_only_the_question_asked_can_be_answered(coach: Coach) -> None:
    """A forged value naming another process (here a retired one) merges nothing."""
    report(coach, "Reconcile Stripe payouts 2h", user="U_BEN")
    report(coach, "retire P1 https://github.com/acme/ops/pull/42", user="U_BEN")
    report(coach, "Check the status page 10m")
    reply = report(coach, "Update the status page 20m")
    assert "Same as P2 · Check the status page?" in answer(reply)
    p1, p3 = process(coach.db, "P1"), process(coach.db, "P3")

    forged = coach.sim.click(
        "U_ANA", reply.message, action_id=Action.SAME_PROCESS, value=f"{p3.id}:{p1.id}"
    )

    assert forged.status == 200
    said = wait_for(lambda: [m for m in coach.fake.messages if "out of date" in text_of(m)])
    assert said
    assert process(coach.db, "P3").merged_into_id is None
    assert process(coach.db, "P1").status == "retired"


def test_no_is_remembered_and_never_asked_again(coach: Coach) -> None:
    reply = _unsure(coach)

    coach.sim.click("U_ANA", reply.message, action_id=Action.NEW_PROCESS)

    assert wait_for(
        lambda: "Kept as a new process P2 · Update the status page" in text_of(reply.message)
    )
    assert counts(coach.db)["rejected_matches"] == 1
    third = report(coach, "Update the status page 15m", user="U_BEN")
    assert "Logged 15m on P2 · Update the status page" in answer(third)
    assert "Same as" not in answer(third)
    assert [p.ref for p in processes(coach.db)] == ["P1", "P2"]


def test_a_second_click_says_it_is_answered_and_changes_nothing(coach: Coach) -> None:
    reply = _unsure(coach)
    buttons = list(reply.message.blocks)  # the question as first shown
    coach.sim.click("U_ANA", reply.message, action_id=Action.NEW_PROCESS)
    wait_for(lambda: "Kept as a new process" in text_of(reply.message))

    reply.message.blocks = buttons  # a stale copy of the question, clicked again
    coach.sim.click("U_ANA", reply.message, action_id=Action.SAME_PROCESS)

    assert wait_for(
        lambda: any(
            "already answered" in text_of(m) for m in coach.fake.messages if m.user == "U_ANA"
        )
    )
    assert process(coach.db, "P2").merged_into_id is None
    assert len(processes(coach.db)) == 2


def test_a_mention_asks_too_and_only_the_reporter_or_a_manager_answers(coach: Coach) -> None:
    report(coach, "Check the status page 10m")
    posted = coach.sim.mention("U_ANA", "C_OPS", "update the status page 20m")
    assert posted.status == 200
    [question] = wait_for(lambda: [m for m in coach.fake.messages if "Same as P1" in text_of(m)])
    assert not question.ephemeral  # a mention is answered in its thread, for everyone

    coach.sim.click("U_BEN", question, action_id=Action.SAME_PROCESS)
    assert wait_for(
        lambda: any(
            "Only P2's owner" in text_of(m) for m in coach.fake.messages if m.user == "U_BEN"
        )
    )
    assert process(coach.db, "P2").merged_into_id is None

    coach.sim.click("U_ADMIN", question, action_id=Action.SAME_PROCESS)  # an admin may
    p1 = process(coach.db, "P1")
    assert wait_for(lambda: process(coach.db, "P2").merged_into_id == p1.id)


def test_the_report_form_asks_too_and_its_answer_replaces_the_question(coach: Coach) -> None:
    report(coach, "Check the status page 10m")
    coach.sim.slash("U_ANA", "C_OPS", "")
    [form] = wait_for(lambda: coach.fake.open_modals("T0001", "U_ANA"))
    done = coach.sim.submit(
        "U_ANA", form, {Field.WHAT: "Update the status page", Field.HOW_LONG: "20m"}
    )
    assert done.status == 200 and not (done.json or {}).get("errors")

    [question] = wait_for(lambda: [m for m in coach.fake.messages if "Same as P1" in text_of(m)])
    assert question.ephemeral and question.visible_to("U_ANA")
    coach.sim.click("U_ANA", question, action_id=Action.NEW_PROCESS)

    assert wait_for(lambda: "Kept as a new process P2" in text_of(question))
    assert [p.ref for p in processes(coach.db)] == ["P1", "P2"]
