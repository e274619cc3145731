"""What the bot says, end to end through the app: one duration format, plurals that agree,
hints that name a real process (or a placeholder that can't be one), `show` of a merged id
saying so, and `mine` naming the retired processes someone owns (issue 16)."""

from __future__ import annotations

from tests.conftest import Coach
from tests.e2e.support import answer


def report(coach: Coach, text: str, user: str = "U_ANA", channel: str = "C_OPS") -> str:
    reply = coach.sim.slash(user, channel, text)
    assert reply.status == 200, reply.body
    return answer(reply)


def test_undo_says_the_duration_as_everywhere_else(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 90m")
    assert "Removed your report of 1h 30m on P1" in report(coach, "undo")


def test_show_of_a_merged_id_says_it_was_merged(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    report(coach, "Renew the SSL certificates 20m")
    assert "Merged P2 into P1" in report(coach, "merge P1 P2")
    shown = report(coach, "show P2")
    assert "P2 was merged into P1" in shown
    assert "P1 · Reconcile Stripe payouts" in shown
    assert "merged" not in report(coach, "show P1").split("\n")[0]


def test_mine_names_retired_processes(coach: Coach) -> None:
    assert "You don't own any process yet" in report(coach, "mine")
    report(coach, "Reconcile Stripe payouts 45m")
    report(coach, "retire P1 https://github.com/acme/ops/pull/1")
    said = report(coach, "mine")
    assert "You don't own any process yet" not in said
    assert "you own 1 process, all retired (P1)" in said
    report(coach, "Copy leads into the CRM 30m")
    report(coach, "own P2")
    said = report(coach, "mine")
    assert "P2 · Copy leads into the CRM" in said
    assert "You own 1 retired process too: P1." in said


def test_list_hints_name_a_process_shown_not_p7(coach: Coach) -> None:
    for n in range(1, 8):
        report(coach, f"Chore number {'abcdefg'[n - 1] * 5} {10 + n}m")
    report(coach, "own P7", user="U_BEN")
    listed = report(coach, "list")
    # The hint names the costliest shown, and for `own` one that nobody owns yet.
    assert "`/manual-task show P7` shows one; `own P6` takes it on." in listed
    report(coach, "own P6")
    mine = report(coach, "mine")
    assert "`/manual-task show P6` shows one." in mine and "own P" not in mine
    assert "P7" not in report(coach, "help")


def test_a_refusal_is_english(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    report(coach, "own P1")
    refused = report(coach, "own P1", user="U_BEN")
    assert "a workspace admin can take it over." in refused
    assert "take over it" not in refused


def test_counts_agree_with_their_nouns(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    stats = report(coach, "stats")
    assert "1 by 1 person" in stats
    assert "1 reports" not in stats and "1 processes" not in stats
