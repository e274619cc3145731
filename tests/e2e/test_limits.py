"""End to end, issue 14: limits on volume, with a friendly refusal that stores nothing.
Each limit is a setting (COACH_LIMIT_*); normal use never meets one."""

from __future__ import annotations

import random
from datetime import timedelta

from tests.conftest import Coach
from tests.e2e.support import answer, counts, occurrences

LIMITS = (
    "That's 30 reports from you in the last minute",
    "more than 8h in a day",
    "new processes in the last hour",
)


def _word(i: int) -> str:
    """A made-up word per number, far from every other one (no typo of another)."""
    rng = random.Random(i)
    return "".join(rng.choice("bcdfghjklmnpqrstvwxz") + rng.choice("aeiou") for _ in range(4))


def report(coach: Coach, text: str, user: str = "U_ANA") -> str:
    reply = coach.sim.slash(user, "C_OPS", text)
    assert reply.status == 200, reply.body
    return answer(reply)


def test_one_person_flooding_one_process_is_stopped_at_a_day(coach: Coach) -> None:
    """1,000 × "Reconcile Stripe payouts 8h" in seconds once made 2,000 h a week."""
    assert "Logged 8h" in report(coach, "Reconcile Stripe payouts 8h")
    said = report(coach, "Reconcile Stripe payouts 8h")
    assert "You've already reported 8h on P1 today" in said and "didn't store" in said
    assert counts(coach.db)["occurrences"] == 1
    assert "on P1" in report(coach, "Reconcile Stripe payouts 8h", user="U_BEN")  # ben's own day
    coach.clock.advance(timedelta(days=1))
    assert "Logged 8h on P1" in report(coach, "Reconcile Stripe payouts 8h")


def test_one_person_can_send_thirty_reports_a_minute(coach: Coach) -> None:
    for i in range(30):
        assert "didn't store" not in report(coach, f"Distinct chore number {i} zq{i}x 1m")
    said = report(coach, "One chore too many 1m")
    assert "That's 30 reports from you in the last minute" in said
    assert counts(coach.db)["occurrences"] == 30
    assert "didn't store" not in report(coach, "Someone else's chore 1m", user="U_BEN")
    coach.clock.advance(timedelta(minutes=1, seconds=1))
    assert "didn't store" not in report(coach, "One chore too many 1m")


def test_a_workspace_starts_at_most_a_hundred_processes_an_hour(coach: Coach) -> None:
    people = ["U_ANA", "U_BEN", "U_CAM", "U_ADMIN"]
    for i in range(100):
        coach.clock.advance(timedelta(seconds=2.5))  # each person stays under 30 a minute
        said = report(coach, f"Tidy {_word(i)} {_word(i + 500)} 5m", user=people[i % 4])
        assert "didn't store" not in said, said
    said = report(coach, "Yet another chore 5m", user="U_BEN")
    assert "started 100 new processes in the last hour" in said
    assert counts(coach.db)["processes"] == 100
    existing = f"Tidy {_word(7)} {_word(507)} 5m"
    assert "Logged" in report(coach, existing, user="U_BEN")  # onto an existing process
    coach.clock.advance(timedelta(hours=1))
    assert "didn't store" not in report(coach, "Yet another chore 5m", user="U_BEN")


def test_a_week_of_ordinary_use_meets_no_limit(coach: Coach) -> None:
    chores = ["Reconcile Stripe payouts 45m", "Copy leads into the CRM 20m", "Reset VPN 10m"]
    for _day in range(7):
        for user in ("U_ANA", "U_BEN", "U_CAM"):
            for chore in chores:
                assert "didn't store" not in report(coach, chore, user=user)
        coach.clock.advance(timedelta(days=1))
    assert len(occurrences(coach.db)) == 63


def test_a_merge_is_no_way_around_a_day(coach: Coach) -> None:
    """8h on P1 and 8h on P2 today, then `merge P2 P1` (or "Same as P1? Yes", which merges
    the same way), would put 16h of one person's day on one process."""
    assert "Logged 8h" in report(coach, "Reconcile Stripe payouts 8h")
    assert "Logged 8h" in report(coach, "Export the payroll to Xero 8h")
    for ref in ("P1", "P2"):
        assert "You now own" in report(coach, f"own {ref}")
    before = counts(coach.db)
    said = report(coach, "merge P2 P1")
    assert "Together P2 and P1 would hold 16h of <@U_ANA>'s reports today" in said
    assert "didn't merge" in said
    assert counts(coach.db) == before
    coach.clock.advance(timedelta(days=1))
    assert "didn't merge" not in report(coach, "merge P2 P1")
    assert len({o.process_id for o in occurrences(coach.db)}) == 1
