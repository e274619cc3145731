"""Retiring, consistently (issue 16), end to end through the app over real HTTP: the link
and the line of how can be added after a retirement and are shown in the celebration,
`show` and export; the form sends a private confirmation; the celebration credits the
owner (and says who recorded it), shows the money when there is a rate; merging into a
retired process is refused with what to do instead."""

from __future__ import annotations

import json
from pathlib import Path

from bot.ids import Action, Field
from bot.services.export import export_command
from storage.models import Workspace
from tests.conftest import TEAM, Coach
from tests.e2e.support import answer, process, text_of, wait_for

LINK = "https://github.com/acme/ops/pull/42"


def slash(coach: Coach, text: str, user: str = "U_ANA") -> str:
    reply = coach.sim.slash(user, "C_OPS", text)
    assert reply.status == 200, reply.body
    return answer(reply)


def celebrations(coach: Coach) -> list[str]:
    return [
        text_of(m)
        for m in coach.fake.messages_in("C_OPS", team_id=TEAM)
        if not m.ephemeral and m.text.startswith("🎉")
    ]


def privately(coach: Coach, user: str) -> list[str]:
    return [text_of(m) for m in coach.fake.messages if m.ephemeral and m.user == user]


def test_the_link_can_be_added_after_a_retirement(coach: Coach) -> None:
    slash(coach, "Reconcile Stripe payouts 45m")
    said = slash(coach, "retire P1 https://runbooks.example/old")
    assert "Retired P1 · Reconcile Stripe payouts: 11m a week eliminated" in said
    wait_for(lambda: celebrations(coach))
    # What ✅ suggests, followed: it records the link instead of "already retired".
    said = slash(coach, f"retire P1 {LINK}")
    assert "Recorded how P1 · Reconcile Stripe payouts is automated" in said
    assert "already retired" not in said
    assert process(coach.db, "P1").automation_link == LINK
    assert "github.com/acme/ops/pull/42" in slash(coach, "show P1")
    assert len(celebrations(coach)) == 1  # no second party for a corrected link
    refused = slash(coach, f"retire P1 {LINK}/files", user="U_BEN")
    assert "can say how it's automated" in refused
    assert process(coach.db, "P1").automation_link == LINK


def test_the_form_records_how_shows_it_everywhere_and_confirms_privately(
    coach: Coach, tmp_path: Path
) -> None:
    reply = coach.sim.slash("U_ANA", "C_OPS", "Reconcile Stripe payouts 2h")
    with coach.db.transaction() as s:
        ws = s.get(Workspace, TEAM)
        assert ws is not None
        ws.hourly_rate, ws.currency = 100.0, "EUR"
    assert coach.sim.click("U_ANA", reply.message, action_id=Action.MARK_AUTOMATED).ok
    [form] = wait_for(lambda: coach.fake.open_modals(TEAM, "U_ANA"))
    how = "A nightly job <!channel> matches them"
    done = coach.sim.submit("U_ANA", form, {Field.LINK: LINK, Field.HOW: how})
    assert done.status == 200 and not (done.json or {}).get("errors")

    [party] = wait_for(lambda: celebrations(coach))
    assert "A nightly job &lt;!channel&gt; matches them" in party  # escaped, once
    assert "<!channel>" not in party
    # 120 min / 4 = 30m a week = 26h a year = €2,600 a year.
    assert "*30m a week* (26h a year · €2,600 a year)" in party
    confirmation = wait_for(
        lambda: [t for t in privately(coach, "U_ANA") if "Retired P1" in t and "told" in t]
    )
    assert "30m a week eliminated. I've told <#C_OPS>." in confirmation[0]

    shown = slash(coach, "show P1")
    assert "A nightly job &lt;!channel&gt; matches them" in shown
    path = tmp_path / "out.json"
    export_command(coach.db, fmt="json", workspaces=[TEAM], output=str(path), now=coach.clock.now())
    [row] = json.loads(path.read_text(encoding="utf-8"))["processes"]
    assert row["automation_how"] == how and row["automation_link"] == LINK


def test_the_celebration_credits_the_owner_and_says_who_recorded_it(coach: Coach) -> None:
    slash(coach, "Reconcile Stripe payouts 45m")
    slash(coach, "own P1")
    slash(coach, f"retire P1 {LINK}", user="U_ADMIN")
    [party] = wait_for(lambda: celebrations(coach))
    assert "automated by <@U_ANA> (recorded by <@U_ADMIN>)" in party
    assert "Automated by <@U_ANA> (recorded by <@U_ADMIN>)" in slash(coach, "show P1")


def test_the_owner_who_retires_is_credited_alone(coach: Coach) -> None:
    slash(coach, "Reconcile Stripe payouts 45m")
    slash(coach, f"retire P1 {LINK}")
    [party] = wait_for(lambda: celebrations(coach))
    assert "automated by <@U_ANA>." in party and "recorded by" not in party


def test_merging_into_a_retired_process_is_refused_with_what_to_do(coach: Coach) -> None:
    slash(coach, "Reconcile Stripe payouts 45m")
    slash(coach, "Renew the SSL certificates 20m")
    slash(coach, f"retire P1 {LINK}")
    said = slash(coach, "merge P1 P2")
    assert "P1 is retired and P2 is still done by hand, so I didn't merge them" in said
    assert "`/manual-task retire P2 https://…`" in said
    assert process(coach.db, "P2").status == "manual"
    assert process(coach.db, "P2").merged_into_id is None
