"""Attacks on issue 16's outbox and stale-prompt rule, through the app as Slack reaches it:
an old prompt pressed again by the one who answered it once, and a merge notice that must
say who owns what to each person it tells."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.cli import main
from storage.models import Process
from tests.conftest import TEAM, Coach
from tests.e2e.helpers import dms, owner_of, run, waiting
from tests.e2e.support import text_of, wait_for

TUE_10_NEW_YORK = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


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
    coach.fake.wait_for(lambda: owner_of(coach, 1) == "U_ADMIN")
    assert coach.sim.slash("U_ADMIN", "C_FIN", "assign P1 <@U_CAM>").ok
    assert owner_of(coach, 1) == "U_CAM"

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
    assert owner_of(coach, 1) == "U_CAM"
    assert not [r for r in waiting(coach, "U_CAM") if r.kind == "taken_over"]


def test_a_merge_notice_tells_each_owner_who_owns_what_is_kept(coach: Coach) -> None:
    sim = coach.sim
    assert sim.slash("U_ANA", "C_FIN", "Reconcile Stripe payouts 45m").ok
    assert sim.slash("U_BEN", "C_FIN", "Copy leads into the CRM 30m").ok
    assert sim.slash("U_BEN", "C_FIN", "Rename the shared drive folder 5m").ok
    assert sim.slash("U_ADMIN", "C_FIN", "assign P1 <@U_ANA>").ok
    assert sim.slash("U_ADMIN", "C_FIN", "assign P2 <@U_BEN>").ok
    assert owner_of(coach, 1) == "U_ANA" and owner_of(coach, 2) == "U_BEN"
    before = {r.id for r in waiting(coach)}
    assert sim.slash("U_ADMIN", "C_FIN", "merge P1 P2").ok
    told = {r.user_id: r for r in waiting(coach) if r.id not in before}
    assert set(told) == {"U_ANA", "U_BEN"}
    ana, ben = (text_of(told[u]) for u in ("U_ANA", "U_BEN"))
    assert "You own P1" in ana
    assert "You own P1" not in ben, ben  # Ana does: Ben owned the one merged away
    assert "<@U_ANA> owns P1" in ben


def test_a_regression_undone_before_its_notice_went_out_is_not_told(coach: Coach) -> None:
    sim = coach.sim
    assert sim.slash("U_ANA", "C_FIN", "Reconcile Stripe payouts 45m").ok
    assert sim.slash("U_ANA", "C_FIN", "retire P1 https://github.com/acme/ops/pull/42").ok
    coach.clock.set(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))  # 21:00 in New York
    assert "regression" in json.dumps(
        sim.slash("U_BEN", "C_FIN", "Reconcile Stripe payouts 30m").json
    )
    wait_for(lambda: waiting(coach, "U_ANA"))  # written after the answer
    # Ben typed it by mistake and takes it back: P1 is retired again, as if never reported.
    assert "Removed your report" in json.dumps(sim.slash("U_BEN", "C_FIN", "undo").json)
    with coach.db.transaction() as s:
        p1 = s.scalars(select(Process).where(Process.team_id == TEAM, Process.number == 1)).one()
        assert p1.status == "retired"

    run(coach, "nudges", TUE_10_NEW_YORK)
    told = [m for m in dms(coach, "U_ANA") if "back" in text_of(m)]
    assert told == [], "Ana is told P1 came back, but it didn't"
    assert waiting(coach, "U_ANA") == []


def test_coach_forget_a_person_forgets_what_waits_in_the_outbox_for_and_about_them(
    coach: Coach, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = coach.sim
    assert sim.slash("U_ANA", "C_FIN", "Reconcile Stripe payouts 45m").ok
    assert sim.slash("U_BEN", "C_FIN", "Copy leads into the CRM 30m").ok
    coach.clock.set(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))  # night in New York
    assert sim.slash("U_ADMIN", "C_FIN", "assign P1 <@U_BEN>").ok  # Ben is told (later)
    assert sim.slash("U_BEN", "C_FIN", "assign P2 <@U_ANA>").ok  # Ana is told, by Ben
    assert {r.user_id for r in waiting(coach)} == {"U_ANA", "U_BEN"}

    monkeypatch.setenv("DATABASE_URL", coach.db.url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert main(["forget", "--user", "U_BEN", "--workspace", TEAM, "--yes"]) == 0
    # Nothing waits for Ben, and nothing that names him (his P2 went with his report).
    left = waiting(coach)
    assert [r for r in left if r.user_id == "U_BEN"] == []
    assert [r for r in left if "U_BEN" in r.text or "U_BEN" in json.dumps(r.blocks)] == []
    run(coach, "nudges", TUE_10_NEW_YORK)
    assert dms(coach, "U_BEN") == []
