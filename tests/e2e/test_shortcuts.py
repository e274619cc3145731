"""The shortcuts, end to end over real HTTP against the fake Slack, with the payloads
Slack documents: "Log as manual work" on a message opens the report form prefilled from
it (its first line, a link from chat.getPermalink, its channel), and "Report manual
work" from the ⚡ menu opens the same form with a channel picker. What the form stores
is a report exactly like `/manual-task`'s."""

from __future__ import annotations

from bot.ids import Callback, Field, Shortcut
from tests.conftest import TEAM, Coach
from tests.e2e.support import counts, occurrences, process, processes, text_of, wait_for

ASKED = "Can someone *reconcile* the Stripe payouts? <@U_BEN> did it by hand last week\nthx"


def _form(coach: Coach, user: str = "U_ANA"):
    [form] = wait_for(lambda: coach.fake.open_modals(TEAM, user))
    return form


def _log(coach: Coach, user: str = "U_ANA", channel: str = "C_OPS", text: str = ASKED):
    posted = coach.fake.post_user_message(TEAM, channel, "U_BEN", text)
    reply = coach.sim.message_shortcut(user, posted, Shortcut.LOG_MESSAGE)
    assert reply.status == 200
    return posted, _form(coach, user)


def _elements(form) -> dict[str, dict]:
    return {b["block_id"]: b["element"] for b in form.blocks if b.get("type") == "input"}


def test_a_message_shortcut_opens_the_form_prefilled_and_the_process_links_back(
    coach: Coach,
) -> None:
    posted, form = _log(coach)
    assert form.callback_id == Callback.REPORT
    fields = _elements(form)
    assert fields[Field.WHAT]["initial_value"] == (
        "Can someone reconcile the Stripe payouts? @U_BEN did it by hand last week"
    )
    assert fields[Field.WHO]["initial_user"] == "U_ANA"  # who used it, unless changed
    [permalink] = coach.fake.calls_to("chat.getPermalink")
    assert permalink.body["channel"] == "C_OPS" and permalink.body["message_ts"] == posted.ts
    link = permalink.response["permalink"]
    assert link in str(form.blocks)  # "From this message"

    coach.sim.submit("U_ANA", form, {Field.WHAT: "Reconcile Stripe payouts", Field.HOW_LONG: "40m"})
    answer = wait_for(lambda: coach.fake.last_message("C_OPS", visible_to="U_ANA", from_bot=True))
    assert "Logged 40m as a new process, *P1 · Reconcile Stripe payouts*" in text_of(answer)
    [occ] = occurrences(coach.db)
    assert (occ.user_id, occ.minutes, occ.channel_id, occ.source) == (
        "U_ANA",
        40,
        "C_OPS",
        "shortcut",
    )
    assert occ.slack_key == f"view:{form.id}"  # de-duplicated like every form
    p1 = process(coach.db, "P1")
    assert p1.source_link == link and p1.private is False  # #ops is public
    shown = text_of(coach.sim.slash("U_ANA", "C_OPS", "show P1").message)
    assert f"Prompted by <{link}|{link.split('://')[1]}>" in shown


def test_the_form_can_name_who_did_it_and_they_are_the_reporter(coach: Coach) -> None:
    assert coach.sim.slash("U_BEN", "C_OPS", "Reconcile Stripe payouts 30m").ok
    _, form = _log(coach)
    coach.sim.submit(
        "U_ANA",
        form,
        {Field.WHAT: "Reconcile Stripe payouts", Field.HOW_LONG: "45m", Field.WHO: "U_BEN"},
    )
    wait_for(lambda: len(occurrences(coach.db)) == 2)
    first, second = occurrences(coach.db)
    assert second.user_id == "U_BEN" and second.process_id == first.process_id  # same match
    assert len(processes(coach.db)) == 1


def test_a_guest_cannot_report_for_someone_else_and_nothing_is_stored(coach: Coach) -> None:
    coach.fake.add_user(TEAM, "U_GUEST", "gil", tz="UTC", is_restricted=True)
    _, form = _log(coach, user="U_GUEST")
    bad = coach.sim.submit("U_GUEST", form, {Field.WHAT: "Reconcile", Field.WHO: "U_ANA"})
    assert bad.json["response_action"] == "errors"
    assert "only your own work" in bad.json["errors"][Field.WHO]
    assert counts(coach.db)["occurrences"] == counts(coach.db)["processes"] == 0


def test_submitting_twice_counts_once(coach: Coach) -> None:
    _, form = _log(coach)
    values = {Field.WHAT: "Reconcile Stripe payouts", Field.HOW_LONG: "20m"}
    coach.sim.submit("U_ANA", form, values)
    coach.sim.submit("U_ANA", form, values)  # a retry of the same view
    wait_for(lambda: occurrences(coach.db))
    assert len(occurrences(coach.db)) == 1


def test_a_message_in_a_private_channel_makes_a_private_process(coach: Coach) -> None:
    coach.fake.add_channel(TEAM, "C_HR", "hr", private=True)
    _, form = _log(coach, channel="C_HR", text="Fix the salary sheet, 25 minutes")
    assert _elements(form)[Field.WHAT]["initial_value"] == "Fix the salary sheet, 25 minutes"
    coach.sim.submit("U_ANA", form, {})  # as prefilled: its duration is read from the title
    wait_for(lambda: processes(coach.db))
    [p1] = processes(coach.db)
    assert p1.private is True and p1.channel_id == "C_HR"
    assert occurrences(coach.db)[0].minutes == 25
    assert "no P1 here" in coach.sim.slash("U_BEN", "C_OPS", "P1").json["text"]


def test_without_a_link_the_form_still_opens(coach: Coach) -> None:
    coach.fake.fail("chat.getPermalink", status=500, times=3)
    _, form = _log(coach)
    assert "archives" not in str(form.blocks)
    assert _elements(form)[Field.WHAT]["initial_value"].startswith("Can someone")


def test_the_global_shortcut_opens_the_form_with_a_channel_picker(coach: Coach) -> None:
    assert coach.sim.global_shortcut("U_ANA", Shortcut.REPORT).status == 200
    form = _form(coach)
    assert form.callback_id == Callback.REPORT
    assert _elements(form)[Field.CHANNEL]["type"] == "conversations_select"
    coach.sim.submit(
        "U_ANA",
        form,
        {Field.WHAT: "Copy leads into the CRM", Field.HOW_LONG: "1h", Field.CHANNEL: "C_FIN"},
    )
    wait_for(lambda: occurrences(coach.db))
    [occ] = occurrences(coach.db)
    assert (occ.channel_id, occ.minutes, occ.source) == ("C_FIN", 60, "shortcut")
    assert process(coach.db, "P1").private is False  # #finance is public, as Slack says
    answer = wait_for(lambda: coach.fake.last_message("C_FIN", visible_to="U_ANA", from_bot=True))
    assert "Copy leads into the CRM" in text_of(answer)


def test_the_shortcut_form_refuses_what_the_command_refuses(coach: Coach) -> None:
    _, form = _log(coach)
    bad = coach.sim.submit("U_ANA", form, {Field.WHAT: "Reconcile", Field.HOW_LONG: "45 parsecs"})
    assert bad.json["response_action"] == "errors" and Field.HOW_LONG in bad.json["errors"]
    assert occurrences(coach.db) == []


def test_reports_sent_for_others_count_against_the_senders_minute(coach: Coach) -> None:
    """Naming someone else as the doer is no way around the limit of 30 reports a minute:
    Ana's own reports and those she sends for others count together, while each person
    named keeps their own limits."""
    people = [f"U_P{i:02d}" for i in range(31)]
    for i, user in enumerate(people):
        coach.fake.add_user(TEAM, user, f"person{i}", tz="UTC")
    assert coach.sim.slash("U_ANA", "C_OPS", "Reconcile Stripe payouts 5m").ok
    for user in people[:29]:
        _, form = _log(coach)
        done = coach.sim.submit(
            "U_ANA", form, {Field.WHAT: "Reconcile Stripe payouts", Field.WHO: user}
        )
        assert done.status == 200 and not (done.json or {}).get("errors"), done.body
    wait_for(lambda: len(occurrences(coach.db)) == 30)
    _, form = _log(coach)
    refused = coach.sim.submit(
        "U_ANA", form, {Field.WHAT: "Reconcile Stripe payouts", Field.WHO: people[30]}
    )
    assert "30 reports from you in the last minute" in str(refused.json["errors"])
    assert len(occurrences(coach.db)) == 30  # nothing stored
    stored = occurrences(coach.db)
    assert {o.submitted_by for o in stored} == {None, "U_ANA"}
    assert [o.submitted_by for o in stored if o.user_id == "U_ANA"] == [None]  # her own
    assert coach.sim.slash(people[30], "C_OPS", "Reconcile Stripe payouts 5m").ok  # theirs
