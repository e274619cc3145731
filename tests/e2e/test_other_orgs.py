"""End to end, issue 14: a person from another organization (a Slack Connect channel, so
users.info names their own team) is never an admin here, whatever their organization
says; they may still report."""

from __future__ import annotations

from tests.conftest import Coach
from tests.e2e.support import answer, counts

TEAM = "T0001"


def test_an_admin_of_another_organization_is_no_admin_here(coach: Coach) -> None:
    coach.fake.add_user(TEAM, "U_EXT", "eve", tz="UTC", is_admin=True, home_team="T_PARTNER")
    coach.fake.add_user(TEAM, "U_OWN", "ola", tz="UTC", is_admin=True)  # one of ours
    assert "Logged 45m" in answer(coach.sim.slash("U_ANA", "C_OPS", "Reconcile Stripe payouts 45m"))

    for text in ("config", "forget <@U_ANA>", "retire P1 https://github.com/acme/ops/pull/9"):
        said = answer(coach.sim.slash("U_EXT", "C_OPS", text))
        assert "Only" in said and "admin" in said, (text, said)
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
