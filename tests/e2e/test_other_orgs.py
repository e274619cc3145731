"""End to end, issue 14: a person from another organization (a Slack Connect channel, so
users.info names their own team) is never an admin here, whatever their organization
says; they may still report."""

from __future__ import annotations

import time
from typing import Any

from pytest import MonkeyPatch

from bot.people import Directory
from bot.standin.render import render_blocks
from storage.models import SlackUser
from tests.conftest import Coach
from tests.e2e.support import answer, counts, text_of, wait_for

TEAM = "T0001"


def test_an_admin_of_another_organization_is_no_admin_here(coach: Coach) -> None:
    coach.fake.add_user(TEAM, "U_EXT", "eve", tz="UTC", is_admin=True, home_team="T_PARTNER")
    coach.fake.add_user(TEAM, "U_OWN", "ola", tz="UTC", is_admin=True)  # one of ours
    assert "Logged 45m" in answer(coach.sim.slash("U_ANA", "C_OPS", "Reconcile Stripe payouts 45m"))

    for text in ("config", "forget <@U_ANA>", "retire P1 https://github.com/acme/ops/pull/9"):
        said = answer(coach.sim.slash("U_EXT", "C_OPS", text))
        # not an admin; and a guest, who can't even see someone else's process
        assert ("Only" in said and "admin" in said) or "There's no P1 here" in said, said
    assert counts(coach.db)["occurrences"] == 1

    assert "Logged 20m" in answer(coach.sim.slash("U_EXT", "C_OPS", "Copy leads into the CRM 20m"))
    assert "Delete <@U_ANA>'s" in answer(coach.sim.slash("U_OWN", "C_OPS", "forget <@U_ANA>"))


def test_a_guests_report_never_names_someone_elses_process(coach: Coach) -> None:
    """Matching a guest's report considers only processes the guest reported: the reply
    can't show the title of a process reported in a channel the guest isn't in."""
    coach.fake.add_user(TEAM, "U_GUEST", "gus", tz="UTC", is_restricted=True)
    coach.sim.slash("U_ANA", "C_OPS", "Fix salary of Jane Doe after PIP 30m")

    said = answer(coach.sim.slash("U_GUEST", "C_OPS", "Fix salary of Jane Doe after PIP 20m"))
    assert "Jane Doe" in said and "P2" in said and "P1" not in said  # a process of their own
    again = answer(coach.sim.slash("U_GUEST", "C_OPS", "fix the salary of Jane Doe after PIP 5m"))
    assert "on P2" in again  # and their own reports join it
    assert counts(coach.db)["processes"] == 2


def test_a_guest_sees_their_own_reports_and_nothing_else(coach: Coach) -> None:
    """Walks a guest through the surfaces that cover the workspace."""
    coach.fake.add_user(TEAM, "U_GUEST", "gus", tz="UTC", is_restricted=True)
    coach.sim.slash("U_ANA", "C_OPS", "Fix salary of Jane Doe after PIP 30m")  # P1, not theirs
    assert "P2" in answer(coach.sim.slash("U_GUEST", "C_OPS", "Copy leads into the CRM 20m"))

    for text in ("digest preview", "digest here weekly mon 09:00"):
        said = answer(coach.sim.slash("U_GUEST", "C_OPS", text))
        assert "As a guest here you see your own reports only" in said, (text, said)
        assert "Jane Doe" not in said
    listed = answer(coach.sim.slash("U_GUEST", "C_OPS", "list"))
    assert "P2 · Copy leads into the CRM" in listed and "Jane Doe" not in listed
    stats = answer(coach.sim.slash("U_GUEST", "C_OPS", "stats"))
    assert "*1* processes reported" in stats or "1 process" in stats, stats
    assert "There's no P1 here" in answer(coach.sim.slash("U_GUEST", "C_OPS", "show P1"))
    assert "Copy leads into the CRM" in answer(coach.sim.slash("U_GUEST", "C_OPS", "show P2"))
    mention = coach.sim.mention("U_GUEST", "C_OPS", "list")
    said = wait_for(
        lambda: [m for m in coach.fake.messages if m.user == "U_GUEST" and "CRM" in text_of(m)]
    )
    assert said and mention.status == 200 and "Jane Doe" not in text_of(said[-1])

    coach.sim.open_home("U_GUEST")
    home = wait_for(lambda: text_of_home(coach, "U_GUEST"))
    assert "Copy leads into the CRM" in home and "Jane Doe" not in home
    assert "most costly" not in home and "eliminated" not in home
    # A member still sees the team's.
    assert "Fix salary of Jane Doe" in answer(coach.sim.slash("U_BEN", "C_OPS", "list"))


def text_of_home(coach: Coach, user_id: str) -> str:
    view = coach.fake.home_of(TEAM, user_id)
    return "\n".join(render_blocks(view.blocks)) if view else ""


def test_a_guests_first_home_tab_is_a_guests(coach: Coach, monkeypatch: MonkeyPatch) -> None:
    """A guest's first act is opening the Home tab, while what Slack said of them is still
    being saved (in the background): the tab is drawn for a guest all the same."""
    coach.sim.slash("U_ANA", "C_OPS", "Reconcile Stripe payouts 45m")  # public: not theirs
    coach.fake.add_user(TEAM, "U_GUEST", "gus", tz="UTC", is_restricted=True)
    save = Directory._save

    def slow_save(self: Directory, *args: Any) -> None:
        time.sleep(1.0)  # a slow database: the Home tab is drawn first
        save(self, *args)

    monkeypatch.setattr(Directory, "_save", slow_save)
    coach.sim.open_home("U_GUEST")
    home = wait_for(lambda: text_of_home(coach, "U_GUEST"))
    assert "Reconcile Stripe payouts" not in home, home
    wait_for(lambda: guest_saved(coach), timeout=5)


def guest_saved(coach: Coach) -> bool:
    with coach.db.transaction() as s:
        user = s.get(SlackUser, (TEAM, "U_GUEST"))
        return bool(user and user.is_guest)


def test_someone_slack_cant_tell_of_sees_what_a_guest_sees(coach: Coach) -> None:
    """users.info fails for a guest the bot never heard of (and the Home tab they opened
    left a row with no answer in it): until Slack says, they see only their own."""
    coach.sim.slash("U_ANA", "C_OPS", "Reconcile Stripe payouts 45m")  # public: not theirs
    coach.fake.add_user(TEAM, "U_GUEST", "gus", tz="UTC", is_restricted=True)
    coach.fake.fail("users.info", status=500, times=1000)
    coach.sim.open_home("U_GUEST")
    home = wait_for(lambda: text_of_home(coach, "U_GUEST"))
    assert "Reconcile Stripe payouts" not in home, home
    listed = answer(coach.sim.slash("U_GUEST", "C_OPS", "list"))
    assert "P1" not in listed and "Nothing reported that you can see" in listed, listed
    said = answer(coach.sim.slash("U_GUEST", "C_OPS", "Copy leads into the CRM 20m"))
    assert "Logged 20m" in said and "P2" in said, said
