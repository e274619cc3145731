"""End to end, issue 2: reporting manual work from Slack and acting on it.

The real app over real HTTP with signature checking on, against the fake Slack, on
SQLite and PostgreSQL. Every test starts from an empty workspace T0001 with ana, ben,
cam and ada (an admin) in #ops and #finance.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.ids import Action, Callback, Field
from tests.conftest import Coach
from tests.e2e.helpers import run, waiting
from tests.e2e.support import (
    answer,
    counts,
    occurrences,
    process,
    processes,
    settle,
    text_of,
    wait_for,
)

TEAM = "T0001"


def report(coach: Coach, text: str, user: str = "U_ANA", channel: str = "C_OPS"):
    reply = coach.sim.slash(user, channel, text)
    assert reply.status == 200, reply.body
    return reply


def replies_to(coach: Coach, user: str, *, source: str | None = None) -> list:
    """Ephemeral messages the bot showed `user` (answers sent through response_url...)."""
    return [
        m
        for m in coach.fake.messages
        if m.ephemeral and m.user == user and (source is None or m.source == source)
    ]


def channel_posts(coach: Coach, channel: str) -> list:
    return [m for m in coach.fake.messages_in(channel, team_id=TEAM) if not m.ephemeral]


# --------------------------------------------------------------------------- recording


@pytest.mark.parametrize(
    ("text", "minutes", "title"),
    [
        ("Reconcile Stripe payouts 45m", 45, "Reconcile Stripe payouts"),
        ("Reconcile Stripe payouts 1h30m", 90, "Reconcile Stripe payouts"),
        ("Reconcile Stripe payouts 1.5h", 90, "Reconcile Stripe payouts"),
        ("Reconcile Stripe payouts 90 minutes", 90, "Reconcile Stripe payouts"),
        ("Reconcile Stripe payouts for 20 mins", 20, "Reconcile Stripe payouts"),
        ("45m reconcile Stripe payouts", 45, "Reconcile Stripe payouts"),
    ],
)
def test_a_report_records_its_duration_in_each_form(
    coach: Coach, text: str, minutes: int, title: str
) -> None:
    reply = report(coach, text)

    [occ] = occurrences(coach.db)
    assert occ.minutes == minutes and not occ.default_duration
    assert occ.user_id == "U_ANA" and occ.source == "command" and occ.channel_id == "C_OPS"
    [proc] = processes(coach.db)
    assert (proc.ref, proc.title, proc.reporter_id, proc.channel_id) == (
        "P1",
        title,
        "U_ANA",
        "C_OPS",
    )
    assert proc.status == "manual" and proc.owner_id is None
    assert f"P1 · {title}" in answer(reply)


def test_a_report_without_a_duration_counts_the_default_and_says_so(coach: Coach) -> None:
    reply = report(coach, "Update the vendor spreadsheet")

    [occ] = occurrences(coach.db)
    assert occ.minutes == 15 and occ.default_duration
    text = answer(reply)
    assert "Logged 15m" in text
    assert "No duration given, so I counted 15m" in text


def test_a_matching_report_joins_its_process_and_others_get_new_ids(coach: Coach) -> None:
    first = report(coach, "Reconcile Stripe payouts 45m")
    second = report(coach, "reconcile stripe payouts - 30 min", user="U_BEN")
    third = report(coach, "Copy leads into the CRM 20m")
    fourth = report(coach, "Renew the SSL certificates 1h")

    assert "new process, P1 · Reconcile Stripe payouts" in answer(first)
    assert "Logged 30m on P1 · Reconcile Stripe payouts" in answer(second)
    assert "new process, P2 · Copy leads into the CRM" in answer(third)
    assert "new process, P3 · Renew the SSL certificates" in answer(fourth)
    assert [(p.ref, p.reporter_id) for p in processes(coach.db)] == [
        ("P1", "U_ANA"),
        ("P2", "U_ANA"),
        ("P3", "U_ANA"),
    ]
    p1 = process(coach.db, "P1")
    assert sorted(o.minutes for o in occurrences(coach.db) if o.process_id == p1.id) == [30, 45]


def test_the_reply_shows_count_minutes_and_cost_privately_with_buttons(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    reply = report(coach, "Reconcile Stripe payouts 30m")

    message = reply.message
    assert message is not None and message.ephemeral
    assert message.visible_to("U_ANA") and not message.visible_to("U_BEN")
    text = answer(reply)
    assert "P1 · Reconcile Stripe payouts" in text
    assert "Done 2 times in the last 28 days (1h 15m)" in text  # count and minutes in 28 days
    assert "19m a week" in text  # 75 / 4 = 18.75 minutes a week
    labels = [b["action_id"] for b in coach.sim.buttons(message)]
    assert labels == [
        Action.TAKE_OWNERSHIP,
        Action.MARK_AUTOMATED,
        Action.SPLIT_REPORT,
        Action.UNDO_REPORT,
    ]
    # Nothing was posted for the channel to see.
    assert channel_posts(coach, "C_OPS") == []


def test_the_figures_cover_the_trailing_28_days_only(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    coach.clock.advance(days=29)
    reply = report(coach, "Reconcile Stripe payouts 20m")

    text = answer(reply)
    assert "Done once in the last 28 days (20m)" in text
    assert "5m a week" in text


def test_the_first_report_offers_no_split(coach: Coach) -> None:
    reply = report(coach, "Reconcile Stripe payouts 45m")
    assert Action.SPLIT_REPORT not in [b["action_id"] for b in coach.sim.buttons(reply.message)]


# --------------------------------------------------------------------------- buttons


def test_take_ownership_button(coach: Coach) -> None:
    reply = report(coach, "Reconcile Stripe payouts 45m")

    click = coach.sim.click("U_ANA", reply.message, action_id=Action.TAKE_OWNERSHIP)

    assert click.status == 200
    assert wait_for(lambda: process(coach.db, "P1").owner_id == "U_ANA")
    said = wait_for(lambda: replies_to(coach, "U_ANA", source="response_url"))
    assert "You now own P1 · Reconcile Stripe payouts" in text_of(said[-1])


def test_automated_now_button_opens_the_retire_form_and_submitting_celebrates(
    coach: Coach,
) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    reply = report(coach, "Reconcile Stripe payouts 1h15m")

    click = coach.sim.click("U_ANA", reply.message, action_id=Action.MARK_AUTOMATED)
    assert click.status == 200
    [form] = wait_for(lambda: coach.fake.open_modals(TEAM, "U_ANA"))
    assert form.callback_id == Callback.RETIRE
    assert "P1 · Reconcile Stripe payouts" in text_of_view(form)

    done = coach.sim.submit(
        "U_ANA",
        form,
        {Field.LINK: "https://github.com/acme/ops/pull/42", Field.HOW: "A nightly job"},
    )

    assert done.status == 200 and not (done.json or {}).get("errors")
    proc = process(coach.db, "P1")
    assert proc.status == "retired" and proc.retired_by == "U_ANA"
    assert proc.automation_link == "https://github.com/acme/ops/pull/42"
    assert proc.eliminated_minutes_per_week == pytest.approx(30.0)  # 120 min / 4
    [party] = wait_for(lambda: channel_posts(coach, "C_OPS"))
    text = text_of(party)
    assert "P1 · Reconcile Stripe payouts" in text and "retired" in text
    assert "<@U_ANA>" in text and "https://github.com/acme/ops/pull/42" in text
    assert "a week" in text and "a year" in text and "eliminated" in text
    assert coach.fake.open_modals(TEAM, "U_ANA") == []


def test_retire_form_without_a_usable_link_shows_a_field_error(coach: Coach) -> None:
    reply = report(coach, "Reconcile Stripe payouts 45m")
    coach.sim.click("U_ANA", reply.message, action_id=Action.MARK_AUTOMATED)
    [form] = wait_for(lambda: coach.fake.open_modals(TEAM, "U_ANA"))

    bad = coach.sim.submit("U_ANA", form, {Field.LINK: "our script"})

    assert bad.status == 200
    assert bad.json and bad.json["response_action"] == "errors"
    assert Field.LINK in bad.json["errors"]
    assert process(coach.db, "P1").status == "manual"
    settle()
    assert channel_posts(coach, "C_OPS") == []


def test_different_task_button_splits_the_report_into_a_new_process(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    reply = report(coach, "Reconcile Stripe payouts for Acme 30m", user="U_BEN")
    assert "on P1" in answer(reply)

    click = coach.sim.click("U_BEN", reply.message, action_id=Action.SPLIT_REPORT)

    assert click.status == 200
    assert wait_for(lambda: len(processes(coach.db)) == 2)
    p2 = process(coach.db, "P2")
    assert p2.reporter_id == "U_BEN" and p2.title == "Reconcile Stripe payouts for Acme"
    mine = [o for o in occurrences(coach.db) if o.user_id == "U_BEN"]
    assert [o.process_id for o in mine] == [p2.id]
    p1 = process(coach.db, "P1")
    assert [o.minutes for o in occurrences(coach.db) if o.process_id == p1.id] == [45]
    # The reply now describes the new process.
    assert wait_for(lambda: "P2 · Reconcile Stripe payouts for Acme" in text_of(reply.message))


def test_undo_button_removes_the_report(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    reply = report(coach, "Reconcile Stripe payouts 30m")

    click = coach.sim.click("U_ANA", reply.message, action_id=Action.UNDO_REPORT)

    assert click.status == 200
    assert wait_for(lambda: [o.minutes for o in occurrences(coach.db)] == [45])
    assert wait_for(lambda: "Removed your report of 30m" in text_of(reply.message))


def test_undo_of_the_only_report_removes_the_new_process_too(coach: Coach) -> None:
    reply = report(coach, "Reconcile Stripe payouts 45m")
    coach.sim.click("U_ANA", reply.message, action_id=Action.UNDO_REPORT)
    wait_for(lambda: occurrences(coach.db) == [])
    assert wait_for(lambda: processes(coach.db) == [])


def text_of_view(view) -> str:
    from tests.e2e.support import _block_text

    return _block_text(view.blocks)


# --------------------------------------------------------------------------- the modal


def test_no_text_opens_the_form_and_submitting_it_records(coach: Coach) -> None:
    reply = coach.sim.slash("U_ANA", "C_OPS", "")

    assert reply.status == 200
    [form] = wait_for(lambda: coach.fake.open_modals(TEAM, "U_ANA"))
    assert form.callback_id == Callback.REPORT
    done = coach.sim.submit(
        "U_ANA",
        form,
        {
            Field.WHAT: "Reconcile Stripe payouts",
            Field.HOW_LONG: "1h30m",
            Field.HOW_OFTEN: "weekly",
            Field.NOTES: "from the bank CSV",
        },
    )

    assert done.status == 200 and not (done.json or {}).get("errors")
    [occ] = occurrences(coach.db)
    assert occ.minutes == 90 and occ.source == "modal" and occ.channel_id == "C_OPS"
    assert "from the bank CSV" in (occ.text or "")
    assert process(coach.db, "P1").title == "Reconcile Stripe payouts"
    said = wait_for(lambda: replies_to(coach, "U_ANA", source="api"))
    assert "P1 · Reconcile Stripe payouts" in text_of(said[-1])
    assert coach.fake.open_modals(TEAM, "U_ANA") == []


def test_the_form_without_a_duration_uses_the_default(coach: Coach) -> None:
    coach.sim.slash("U_ANA", "C_OPS", "")
    [form] = wait_for(lambda: coach.fake.open_modals(TEAM, "U_ANA"))
    coach.sim.submit("U_ANA", form, {Field.WHAT: "Update the vendor spreadsheet"})
    [occ] = occurrences(coach.db)
    assert occ.minutes == 15 and occ.default_duration
    said = wait_for(lambda: replies_to(coach, "U_ANA", source="api"))
    assert "No duration given" in text_of(said[-1])


def test_the_form_with_a_bad_duration_shows_a_field_error_and_records_nothing(
    coach: Coach,
) -> None:
    coach.sim.slash("U_ANA", "C_OPS", "")
    [form] = wait_for(lambda: coach.fake.open_modals(TEAM, "U_ANA"))
    before = counts(coach.db)

    for how_long in ("banana", "-5m", "0m", "12h"):
        bad = coach.sim.submit(
            "U_ANA", form, {Field.WHAT: "Reconcile Stripe payouts", Field.HOW_LONG: how_long}
        )
        assert bad.status == 200
        assert bad.json and bad.json["response_action"] == "errors", how_long
        assert set(bad.json["errors"]) == {Field.HOW_LONG}
        assert counts(coach.db) == before
        assert coach.fake.open_modals(TEAM, "U_ANA") == [form]  # still open, with the error


def test_the_form_with_a_blank_what_shows_a_field_error(coach: Coach) -> None:
    coach.sim.slash("U_ANA", "C_OPS", "")
    [form] = wait_for(lambda: coach.fake.open_modals(TEAM, "U_ANA"))
    before = counts(coach.db)
    bad = coach.sim.submit("U_ANA", form, {Field.WHAT: "   ", Field.HOW_LONG: "20m"})
    assert bad.json and bad.json["response_action"] == "errors"
    assert set(bad.json["errors"]) == {Field.WHAT}
    assert counts(coach.db) == before


# --------------------------------------------------------------------------- subcommands


def test_help(coach: Coach) -> None:
    text = answer(report(coach, "help"))
    assert "/manual-task Reconcile Stripe payouts 45m" in text
    assert "undo" in text and "show Pn" in text and "P7" not in text
    assert counts(coach.db)["occurrences"] == 0


def test_list_ranks_processes_by_cost(coach: Coach) -> None:
    empty = answer(report(coach, "list"))
    assert "Nothing reported" in empty
    report(coach, "Reconcile Stripe payouts 45m")
    report(coach, "Copy leads into the CRM 2h")
    report(coach, "Renew the SSL certificates 10m")

    text = answer(report(coach, "list", user="U_BEN"))

    order = [text.index(title) for title in ("Copy leads", "Reconcile Stripe", "Renew the SSL")]
    assert order == sorted(order)
    assert "P2 · Copy leads into the CRM" in text and "30m a week" in text
    assert counts(coach.db)["occurrences"] == 3


def test_mine_lists_only_my_processes(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    report(coach, "Copy leads into the CRM 2h")
    assert "You don't own any process yet" in answer(report(coach, "mine"))
    report(coach, "own P1")

    text = answer(report(coach, "mine"))

    assert "P1 · Reconcile Stripe payouts" in text and "Copy leads" not in text


def test_show_describes_one_process(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    report(coach, "Reconcile Stripe payouts 30m", user="U_BEN")

    for ref in ("P1", "p1", "#1"):
        text = answer(report(coach, f"show {ref}"))
        assert "P1 · Reconcile Stripe payouts" in text
        assert "Done 2 times in the last 28 days (1h 15m)" in text
        assert "<@U_ANA>" in text and "<@U_BEN>" in text  # first reporter and recent reports


def test_own_takes_ownership(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    text = answer(report(coach, "own P1", user="U_BEN"))
    assert "You now own P1" in text
    assert process(coach.db, "P1").owner_id == "U_BEN"
    again = answer(report(coach, "own P1", user="U_BEN"))
    assert "already own" in again


def test_assign_gives_the_process_to_someone(coach: Coach) -> None:
    coach.fake.add_user(TEAM, "U0BEA7RIZ", "bea")
    report(coach, "Reconcile Stripe payouts 45m")

    text = answer(report(coach, "assign P1 <@U0BEA7RIZ|bea>"))

    assert "<@U0BEA7RIZ> now owns P1" in text
    assert process(coach.db, "P1").owner_id == "U0BEA7RIZ"


def test_assign_to_a_fixture_user_with_an_underscore_id(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    text = answer(report(coach, "assign P1 <@U_BEN>"))
    assert "<@U_BEN> now owns P1" in text
    assert process(coach.db, "P1").owner_id == "U_BEN"


def test_undo_removes_my_last_report_only(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    report(coach, "Reconcile Stripe payouts 20m", user="U_BEN")
    report(coach, "Reconcile Stripe payouts 30m")

    text = answer(report(coach, "undo"))

    assert "Removed your report of 30m on P1" in text
    assert sorted((o.user_id, o.minutes) for o in occurrences(coach.db)) == [
        ("U_ANA", 45),
        ("U_BEN", 20),
    ]
    assert "Removed your report of 45m" in answer(report(coach, "undo"))
    assert "no reports to undo" in answer(report(coach, "undo"))
    assert [(o.user_id, o.minutes) for o in occurrences(coach.db)] == [("U_BEN", 20)]


def test_retire_with_a_link_retires_and_celebrates(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 2h")

    text = answer(report(coach, "retire P1 <https://github.com/acme/ops/pull/42>"))

    assert "Retired P1 · Reconcile Stripe payouts" in text
    proc = process(coach.db, "P1")
    assert (
        proc.status == "retired" and proc.automation_link == "https://github.com/acme/ops/pull/42"
    )
    [party] = wait_for(lambda: channel_posts(coach, "C_OPS"))
    assert "P1 · Reconcile Stripe payouts" in text_of(party)
    again = answer(report(coach, "retire P1 <https://github.com/acme/ops/pull/42>"))
    assert "already retired" in again
    settle()
    assert len(channel_posts(coach, "C_OPS")) == 1


def test_retire_without_a_link_opens_the_form(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 2h")
    reply = report(coach, "retire P1")
    assert reply.status == 200
    [form] = wait_for(lambda: coach.fake.open_modals(TEAM, "U_ANA"))
    assert form.callback_id == Callback.RETIRE
    coach.sim.submit("U_ANA", form, {Field.LINK: "https://runbooks.example/payouts"})
    assert process(coach.db, "P1").status == "retired"
    wait_for(lambda: channel_posts(coach, "C_OPS"))


def test_merge_moves_the_reports_and_the_old_id_points_at_the_kept_one(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    report(coach, "Check the Stripe payout totals 30m")  # different enough to be P2
    assert len(processes(coach.db)) == 2

    text = answer(report(coach, "merge P1 P2"))

    assert "Merged P2 into P1" in text
    p1, p2 = process(coach.db, "P1"), process(coach.db, "P2")
    assert p2.status == "merged" and p2.merged_into_id == p1.id
    assert {o.process_id for o in occurrences(coach.db)} == {p1.id}
    assert "P1 · Reconcile Stripe payouts" in answer(report(coach, "show P2"))
    assert "1h 15m" in answer(report(coach, "show P1"))


UNKNOWN_OR_MALFORMED = [
    ("show P99", "There's no P99 here"),
    ("own P99", "There's no P99 here"),
    ("retire P99 https://example.com/x", "There's no P99 here"),
    ("merge P1 P99", "There's no P99 here"),
    ("assign P99 <@U0BEA7RIZ>", "There's no P99 here"),
    ("show banana", "isn't a process id"),
    ("show", "needs a process id"),
    ("assign P1", "needs a person"),
    ("merge P1", "needs two process ids"),
    ("merge P1 P1", "can't be merged into itself"),
    ("undo everything now", "`undo` removes your last report"),
    ("retire P1 not-a-link", "link to the automation"),
]


def test_unknown_ids_and_malformed_subcommands_get_a_helpful_answer(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    before = counts(coach.db)

    for text, expected in UNKNOWN_OR_MALFORMED:
        said = answer(report(coach, text))
        assert expected in said, (text, said)
        assert "went wrong" not in said, text
        assert counts(coach.db) == before, text


def test_other_subcommands_never_fail_and_record_nothing(coach: Coach) -> None:
    """Subcommands of later issues: a helpful answer ("not available yet" until built),
    never the generic apology nor a 404, and never a report."""
    report(coach, "Reconcile Stripe payouts 45m")
    before = counts(coach.db)["occurrences"]

    for text in ("stats", "export", "config", "digest off", "digest preview"):
        said = answer(report(coach, text))
        assert "went wrong" not in said, text
        assert counts(coach.db)["occurrences"] == before, text


# --------------------------------------------------------------------------- mentions


def _thread_answers(coach: Coach, posted) -> list:
    return [
        m
        for m in coach.fake.messages_in(posted.channel, team_id=TEAM)
        if m.from_bot and m.thread_ts == posted.ts
    ]


def test_a_mention_records_and_answers_in_the_thread(coach: Coach) -> None:
    reply = coach.sim.mention("U_CAM", "C_OPS", "spent 20 minutes copying leads into the CRM again")

    assert reply.status == 200
    [said] = wait_for(lambda: _thread_answers(coach, reply.message))
    assert "P1 · Copying leads into the CRM" in text_of(said)
    [occ] = occurrences(coach.db)
    assert (occ.user_id, occ.minutes, occ.source) == ("U_CAM", 20, "mention")
    again = coach.sim.mention("U_ANA", "C_OPS", "copying leads into the CRM 10 minutes")
    [said] = wait_for(lambda: _thread_answers(coach, again.message))
    assert "Logged 10m on P1" in text_of(said)


def test_a_mention_inside_a_thread_answers_in_that_thread(coach: Coach) -> None:
    root = coach.fake.post_user_message(TEAM, "C_OPS", "U_ANA", "payouts again…")
    reply = coach.sim.mention("U_CAM", "C_OPS", "reconcile payouts 30m", thread_ts=root.ts)
    said = wait_for(
        lambda: [
            m
            for m in coach.fake.messages_in("C_OPS", team_id=TEAM)
            if m.from_bot and m.thread_ts == root.ts
        ]
    )
    assert "P1" in text_of(said[-1])
    assert reply.status == 200


@pytest.mark.parametrize("word", ["help", "Help!"])
def test_mention_help(coach: Coach, word: str) -> None:
    reply = coach.sim.mention("U_ANA", "C_OPS", word)
    [said] = wait_for(lambda: _thread_answers(coach, reply.message))
    assert "/manual-task Reconcile Stripe payouts 45m" in text_of(said)
    assert said.ephemeral and said.user == "U_ANA"
    assert counts(coach.db)["occurrences"] == 0


def test_mention_list(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    report(coach, "Copy leads into the CRM 2h")
    reply = coach.sim.mention("U_BEN", "C_OPS", "list")
    [said] = wait_for(lambda: _thread_answers(coach, reply.message))
    text = text_of(said)
    assert text.index("Copy leads") < text.index("Reconcile Stripe")
    assert counts(coach.db)["occurrences"] == 2


def test_a_retired_process_reported_again_comes_back(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 45m")
    report(coach, "retire P1 https://github.com/acme/ops/pull/42")
    # With nothing open, `list` says so, in words that fit one or many.
    assert "the one reported process is retired" in answer(report(coach, "list"))
    coach.clock.advance(timedelta(days=1))

    reply = report(coach, "Reconcile Stripe payouts 30m", user="U_BEN")

    assert "regression" in answer(reply)
    assert "I'll tell <@U_ANA> it's back, in their working hours" in answer(reply)
    assert occurrences(coach.db)[-1].regression
    assert process(coach.db, "P1").status == "came_back"
    # Through the outbox: her next bot DM (it is 09:00 in New York) tells her.
    # Stored with the report, in its transaction: there as soon as the answer is.
    assert [n.kind for n in waiting(coach, "U_ANA")] == ["came_back"]
    run(coach, "nudges")
    dm = wait_for(lambda: coach.fake.dms_to(TEAM, "U_ANA"))
    assert "P1 · Reconcile Stripe payouts" in text_of(dm[-1])

    # It reads "came back" and is manual work again: listed, with its history.
    shown = answer(report(coach, "show P1"))
    assert "came back" in shown and "retired ✅" not in shown
    history = [ln for ln in shown[shown.index("*History*") :].splitlines() if ln.startswith("•")]
    assert [line.split(" · ", 1)[1] for line in history] == [
        "reported by <@U_ANA>",
        "taken on by <@U_ANA>",
        "retired by <@U_ANA>: <https://github.com/acme/ops/pull/42|github.com/acme/ops/pull/42>",
        "came back: reported again by <@U_BEN>",
    ]
    assert "P1 · Reconcile Stripe payouts*: *19m a week* (owner <@U_ANA>, came back" in (
        answer(report(coach, "list"))
    )
    # Reported again while it is back: no second regression.
    again = report(coach, "Reconcile Stripe payouts 10m", user="U_BEN")
    assert "regression" not in answer(again) and not occurrences(coach.db)[-1].regression

    # Retired again: the history keeps both retirements.
    report(coach, "retire P1 https://github.com/acme/ops/pull/50")
    shown = answer(report(coach, "show P1"))
    assert "retired ✅" in shown
    assert shown.count("retired by <@U_ANA>") == 2 and "pull/50" in shown
    report(coach, "Copy leads into the CRM 20m")
    report(coach, "retire P2 https://github.com/acme/ops/pull/43")
    assert "all 2 reported processes are retired" in answer(report(coach, "list"))

    # The one who retired it does it by hand again: nobody else to tell, so no such claim.
    mine = report(coach, "Copy leads into the CRM 20m")
    assert "check whether its automation still runs" in answer(mine)
    assert "has been told" not in answer(mine)
