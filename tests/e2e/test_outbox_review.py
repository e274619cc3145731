"""Attacks on issue 16's outbox and stale-prompt rule, through the app as Slack reaches it:
an old prompt pressed again by the one who answered it once, and a merge notice that must
say who owns what to each person it tells."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from sqlalchemy import select

from storage.models import Process
from tests.conftest import TEAM, Coach
from tests.e2e.helpers import run, waiting
from tests.e2e.support import text_of

TUE_10_NEW_YORK = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def _owner(coach: Coach, number: int) -> str | None:
    with coach.db.transaction() as s:
        return s.scalars(
            select(Process.owner_id).where(Process.team_id == TEAM, Process.number == number)
        ).one()


def test_who_answered_an_old_prompt_once_cant_take_the_process_back_with_it(
    coach: Coach,
) -> None:
    for who in ("U_ANA", "U_BEN", "U_CAM"):
        assert coach.sim.slash(who, "C_FIN", "Reconcile Stripe payouts 45m").ok
    run(coach, "nudges", TUE_10_NEW_YORK)
    (prompt,) = [m for m in coach.fake.messages_in("C_FIN") if m.from_bot and "Who owns" in m.text]
    # As a client that hasn't redrawn it yet (another device, a slow tab) still shows it.
    as_first_shown = copy.deepcopy(prompt)
    coach.sim.click("U_ADMIN", prompt, action_id="process_take_ownership")
    coach.fake.wait_for(lambda: _owner(coach, 1) == "U_ADMIN")
    assert coach.sim.slash("U_ADMIN", "C_FIN", "assign P1 <@U_CAM>").ok
    assert _owner(coach, 1) == "U_CAM"

    # The admin presses "I'll own it" on the same, answered, prompt: the question is
    # settled (Cam owns it), so it refuses and nothing changes.
    coach.sim.click("U_ADMIN", as_first_shown, action_id="process_take_ownership")
    (said,) = coach.fake.wait_for(
        lambda: [
            m
            for m in coach.fake.messages
            if m.ephemeral and m.user == "U_ADMIN" and "settled" in m.text
        ]
    )
    assert "<@U_CAM> owns P1 now" in said.text
    assert _owner(coach, 1) == "U_CAM"
    assert not [r for r in waiting(coach, "U_CAM") if r.kind == "taken_over"]


def test_a_merge_notice_tells_each_owner_who_owns_what_is_kept(coach: Coach) -> None:
    sim = coach.sim
    assert sim.slash("U_ANA", "C_FIN", "Reconcile Stripe payouts 45m").ok
    assert sim.slash("U_BEN", "C_FIN", "Copy leads into the CRM 30m").ok
    assert sim.slash("U_BEN", "C_FIN", "Rename the shared drive folder 5m").ok
    assert sim.slash("U_ADMIN", "C_FIN", "assign P1 <@U_ANA>").ok
    assert sim.slash("U_ADMIN", "C_FIN", "assign P2 <@U_BEN>").ok
    assert _owner(coach, 1) == "U_ANA" and _owner(coach, 2) == "U_BEN"
    before = {r.id for r in waiting(coach)}
    assert sim.slash("U_ADMIN", "C_FIN", "merge P1 P2").ok
    told = {r.user_id: r for r in waiting(coach) if r.id not in before}
    assert set(told) == {"U_ANA", "U_BEN"}
    ana, ben = (text_of(told[u]) for u in ("U_ANA", "U_BEN"))
    assert "You own P1" in ana
    assert "You own P1" not in ben, ben  # Ana does: Ben owned the one merged away
    assert "<@U_ANA> owns P1" in ben
