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
