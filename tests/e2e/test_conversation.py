"""End to end, issue 13: only reports become reports.

A mention runs every subcommand `/manual-task` has and answers only the person who asked,
in the thread; greetings and thanks get a short answer; a typo of a subcommand gets "Did
you mean …?" with a button that runs it. None of these stores anything.
"""

from __future__ import annotations

import pytest

from bot.ids import Action
from tests.conftest import Coach
from tests.e2e.support import answer, counts, processes, text_of, wait_for

TEAM = "T0001"


def _thread_answers(coach: Coach, posted) -> list:
    return [
        m
        for m in coach.fake.messages_in(posted.channel, team_id=TEAM)
        if m.from_bot and m.thread_ts == posted.ts
    ]


def _seed(coach: Coach) -> None:
    for text in ("Reconcile Stripe payouts 45m", "Copy leads into the CRM 2h"):
        assert coach.sim.slash("U_ANA", "C_OPS", text).status == 200


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("show P1", "P1 · Reconcile Stripe payouts"),
        ("stats", "eliminated"),
        ("own P1", "You now own P1"),
        ("digest preview", "P2 · Copy leads into the CRM"),
        ("undo", "Removed your report"),
        ("thanks!", "You're welcome"),
        ("list please", "P2 · Copy leads into the CRM"),
        ("Hi there!", "Hi!"),
        ("can you show P2?", "P2 · Copy leads into the CRM"),
        ("help", "/manual-task Reconcile Stripe payouts 45m"),
        ("", "/manual-task Reconcile Stripe payouts 45m"),
    ],
)
def test_a_mention_that_is_not_a_report_is_answered_privately_and_stores_nothing(
    coach: Coach, text: str, expected: str
) -> None:
    _seed(coach)
    before = [p.title for p in processes(coach.db)]
    reply = coach.sim.mention("U_ANA", "C_OPS", text)
    assert reply.status == 200
    [said] = wait_for(lambda: _thread_answers(coach, reply.message))
    assert expected in text_of(said), text_of(said)
    assert said.ephemeral and said.user == "U_ANA"  # a thread is public: only the asker sees it
    if text == "undo":  # the mention undid ana's own last report, and nothing else
        assert counts(coach.db)["occurrences"] == 1
        return
    assert [p.title for p in processes(coach.db)] == before
    assert counts(coach.db)["occurrences"] == 2


def test_a_mention_that_opens_a_form_says_to_use_the_command(coach: Coach) -> None:
    reply = coach.sim.mention("U_ADMIN", "C_OPS", "config")  # an admin
    [said] = wait_for(lambda: _thread_answers(coach, reply.message))
    assert "run `/manual-task config` instead" in text_of(said)
    assert said.ephemeral and counts(coach.db)["processes"] == 0


def test_a_mention_that_reports_is_answered_for_everyone(coach: Coach) -> None:
    reply = coach.sim.mention("U_ANA", "C_OPS", "reconciled Stripe payouts 30m")
    [said] = wait_for(lambda: _thread_answers(coach, reply.message))
    assert not said.ephemeral and "P1 · Reconciled Stripe payouts" in text_of(said)


@pytest.mark.parametrize(
    ("typed", "suggestion", "expected"),
    [
        ("lsit", "list", "P1 · Reconcile Stripe payouts"),
        ("shwo P1", "show P1", "P1 · Reconcile Stripe payouts"),
        ("stast", "stats", "eliminated"),
    ],
)
def test_a_typo_of_a_subcommand_asks_with_a_button_and_stores_nothing(
    coach: Coach, typed: str, suggestion: str, expected: str
) -> None:
    assert coach.sim.slash("U_ANA", "C_OPS", "Reconcile Stripe payouts 45m").status == 200
    reply = coach.sim.slash("U_BEN", "C_OPS", typed)
    assert f"Did you mean `{suggestion}`?" in answer(reply)
    assert [p.title for p in processes(coach.db)] == ["Reconcile Stripe payouts"]
    assert counts(coach.db)["occurrences"] == 1

    question = wait_for(
        lambda: [m for m in coach.fake.messages if m.ephemeral and m.user == "U_BEN"]
    )[-1]
    coach.sim.click("U_BEN", question, action_id=Action.RUN_SUGGESTED.value)
    replaced = wait_for(lambda: expected in text_of(question) and question)
    assert "Did you mean" not in text_of(replaced)
    assert counts(coach.db)["occurrences"] == 1


def test_a_typo_with_a_duration_is_a_report(coach: Coach) -> None:
    """ "lsit 20m" says how long it took: that is someone's manual work, not a typo."""
    reply = coach.sim.slash("U_ANA", "C_OPS", "shwo leads 20m")
    assert "P1 · Shwo leads" in answer(reply)
