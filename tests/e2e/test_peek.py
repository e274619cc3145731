"""`P7` alone, or `@coach P7` where a process is discussed: one line about it (title,
cost, owner, status), to the person who asked, if they may see it. It is never a report
of work called "P7": before, `@coach P1` made a process titled "P1"."""

from __future__ import annotations

from tests.conftest import Coach
from tests.e2e.support import counts, text_of, wait_for


def test_a_process_id_alone_answers_one_line_and_stores_nothing(coach: Coach) -> None:
    sim = coach.sim
    assert sim.slash("U_ANA", "C_OPS", "Reconcile Stripe payouts 45m").ok
    assert sim.slash("U_ANA", "C_OPS", "own P1").ok
    before = counts(coach.db)

    said = sim.slash("U_BEN", "C_OPS", "p1?").json["text"]
    assert said == "*P1 · Reconcile Stripe payouts*: 11m a week · owner <@U_ANA> · manual"

    sim.mention("U_BEN", "C_OPS", "P1")
    (answer,) = wait_for(
        lambda: [m for m in coach.fake.messages_in("C_OPS") if m.ephemeral and m.thread_ts]
    )
    assert answer.user == "U_BEN" and "11m a week · owner <@U_ANA>" in text_of(answer)
    assert counts(coach.db)["occurrences"] == before["occurrences"]
    assert counts(coach.db)["processes"] == before["processes"]


def test_a_private_process_is_shown_only_to_who_may_see_it(coach: Coach) -> None:
    coach.fake.add_channel("T0001", "C_HR", "hr", private=True)
    assert coach.sim.slash("U_ANA", "C_HR", "Fix salary of Jane Doe 30m").ok
    assert "Fix salary" in coach.sim.slash("U_ANA", "C_OPS", "P1").json["text"]
    refused = coach.sim.slash("U_BEN", "C_OPS", "P1").json["text"]
    assert "no P1 here" in refused and "salary" not in refused
    assert "no P9 here" in coach.sim.slash("U_ANA", "C_OPS", "P9").json["text"]
