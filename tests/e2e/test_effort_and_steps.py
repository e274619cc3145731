"""From a list of chores to decisions (issue 18, first half), end to end through the real
app over real HTTP against the fake Slack, on SQLite and PostgreSQL, with an injected
clock: the estimate asked after "I'll automate it" and its payback on the card (with the
warning over the break-even), `effort`, `list by payback`, the steps written down and
versioned (from `steps P7` and from the third report's button), shown in `show` and on
Home, DM'd to whoever automates, exported as Markdown and counted in the digest's
documented share; the hours a retirement took, the savings, the median time to eliminate
and the verified part of the total in `stats`."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.ids import Action, Callback, Field
from bot.standin.fakeslack import UploadedFile
from bot.standin.render import render_blocks
from storage.models import ProcessSteps
from tests.conftest import TEAM, Coach
from tests.e2e.helpers import dms, run
from tests.e2e.support import answer, process, text_of
from tests.e2e.test_reactions import mention_reply, react

LINK = "https://github.com/acme/ops/pull/42"


def slash(coach: Coach, user: str, text: str, channel: str = "C_OPS") -> str:
    reply = coach.sim.slash(user, channel, text)
    assert reply.ok, reply.body
    return answer(reply)


def home_text(coach: Coach, user_id: str) -> str:
    view = coach.fake.home_of(TEAM, user_id)
    return "\n".join(render_blocks(view.blocks)) if view else ""


def forms(coach: Coach, user: str, callback: str) -> list[Any]:
    return [m for m in coach.fake.open_modals(TEAM, user) if m.callback_id == callback]


def three_reports(coach: Coach, last: str = "U_CAM") -> Any:
    """P1 done three times (3h in 28 days: 45m a week, a 195h break-even), first by
    U_ANA; the reply to the third report, by `last`."""
    slash(coach, "U_ANA", "Reconcile Stripe payouts 1h")
    slash(coach, "U_BEN", "reconcile stripe payouts 1h")
    third = coach.sim.slash(last, "C_OPS", "reconcile stripe payouts 1h")
    assert third.ok
    return third


def test_ill_automate_it_asks_the_hours_and_the_card_shows_the_payback(coach: Coach) -> None:
    three_reports(coach)
    slash(coach, "U_ANA", "own P1")
    assert coach.sim.open_home("U_ANA").ok
    view = coach.fake.wait_for(lambda: coach.fake.home_of(TEAM, "U_ANA"))
    assert coach.sim.click("U_ANA", view, action_id=Action.AUTOMATING).ok
    [form] = coach.fake.wait_for(lambda: forms(coach, "U_ANA", Callback.EFFORT))
    refused = coach.sim.submit("U_ANA", form, {Field.EFFORT: "soon"})
    assert "errors" in (refused.json or {}) and process(coach.db, "P1").effort_hours is None
    assert coach.sim.submit("U_ANA", form, {Field.EFFORT: "6h"}).ok
    coach.fake.wait_for(lambda: process(coach.db, "P1").effort_hours == 6.0)
    assert process(coach.db, "P1").status == "automating"

    shown = slash(coach, "U_ANA", "show P1")
    assert "*Payback*\npays back in 8 weeks (6h estimated)" in shown  # 6h × 60 / 45m a week
    assert "*Break-even*\n195h of automation" in shown
    coach.fake.wait_for(lambda: "pays back in 8 weeks" in home_text(coach, "U_ANA"))

    # Over the break-even: said so, with both figures.
    said = slash(coach, "U_ANA", "effort P1 400h")
    assert "The estimate, 400h, is over the break-even of 195h" in said
    assert process(coach.db, "P1").effort_hours == 400.0
    # Bad input and someone who may not say: a clear answer, nothing changed.
    assert "Say how many hours" in slash(coach, "U_ANA", "effort P1 soonish")
    assert "can say how long automating it takes" in slash(coach, "U_CAM", "effort P1 2h")
    assert process(coach.db, "P1").effort_hours == 400.0


def test_list_by_payback_ranks_the_backlog(coach: Coach) -> None:
    slash(coach, "U_ANA", "Reconcile Stripe payouts 4h")  # 1h a week
    slash(coach, "U_ANA", "Export invoices to the ERP 2h")  # 30m a week
    slash(coach, "U_ANA", "Copy leads into the CRM 8h")  # 2h a week, no estimate
    slash(coach, "U_ANA", "effort P1 20h")  # 20 weeks
    slash(coach, "U_ANA", "effort P2 2h")  # 4 weeks
    ranked = slash(coach, "U_ANA", "list by payback")
    assert "Quickest to pay back" in ranked
    assert ranked.index("P2 ·") < ranked.index("P1 ·") < ranked.index("P3 ·")
    assert "pays back in 4 weeks (2h estimated)" in ranked and "no estimate yet" in ranked
    by_cost = slash(coach, "U_ANA", "list")
    assert by_cost.index("P3 ·") < by_cost.index("P1 ·") < by_cost.index("P2 ·")


def test_steps_are_written_versioned_shown_handed_over_and_exported(coach: Coach) -> None:
    third = three_reports(coach)
    assert Action.WRITE_STEPS in {b["action_id"] for b in coach.sim.buttons(third.message)}
    assert coach.sim.click("U_CAM", third.message, action_id=Action.WRITE_STEPS).ok
    [form] = coach.fake.wait_for(lambda: forms(coach, "U_CAM", Callback.STEPS))
    steps = "1. Export the payouts <!channel>\n2. Match them in the ledger"
    assert coach.sim.submit("U_CAM", form, {Field.STEPS: steps}).ok
    saved = coach.fake.wait_for(
        lambda: [text_of(m) for m in coach.fake.messages if "Saved the steps" in m.text]
    )
    assert "version 1, by <@U_CAM>" in saved[0]
    # `steps P1` opens the form with the latest version; an edit is version 2.
    assert coach.sim.slash("U_BEN", "C_OPS", "steps P1").ok
    [form] = coach.fake.wait_for(lambda: forms(coach, "U_BEN", Callback.STEPS))
    assert steps in [b.get("element", {}).get("initial_value") for b in form.blocks]
    assert coach.sim.submit("U_BEN", form, {Field.STEPS: steps + "\n3. Flag the rest"}).ok
    coach.fake.wait_for(lambda: len(_versions(coach)) == 2)
    assert [(v.version, v.author_id) for v in _versions(coach)] == [(1, "U_CAM"), (2, "U_BEN")]
    assert "Write down the steps" not in str(
        coach.sim.slash("U_ANA", "C_OPS", "reconcile stripe payouts 1h").body
    )  # documented now: no more asking

    shown = slash(coach, "U_ANA", "show P1")
    assert "*Steps* (version 2, by <@U_BEN>" in shown
    assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown  # escaped, once
    assert "3. Flag the rest" in shown

    # Whoever says "I'll automate it" gets the steps by DM.
    slash(coach, "U_ANA", "own P1")
    assert coach.sim.open_home("U_ANA").ok
    view = coach.fake.wait_for(lambda: coach.fake.home_of(TEAM, "U_ANA"))
    coach.fake.wait_for(lambda: "Steps" in home_text(coach, "U_ANA"))
    assert "3. Flag the rest" in home_text(coach, "U_ANA")
    assert coach.sim.click("U_ANA", view, action_id=Action.AUTOMATING).ok
    handed = coach.fake.wait_for(
        lambda: [text_of(m) for m in dms(coach, "U_ANA") if "for automating it" in m.text]
    )
    assert "2. Match them in the ledger" in handed[0] and "&lt;!channel&gt;" in handed[0]

    # Export: the steps as Markdown, in a column and in a file of their own.
    assert "Sending you a CSV" in slash(coach, "U_ANA", "export")
    files: list[UploadedFile] = coach.fake.wait_for(
        lambda: [f for f in coach.fake.files if f.shared][2:] and coach.fake.files
    )
    by_kind = {f.filename.split("-")[2]: f for f in files if f.shared}
    rows = list(csv.DictReader(io.StringIO(by_kind["processes"].content.decode())))
    p1 = next(r for r in rows if r["ref"] == "P1")
    assert p1["export_version"] == "2" and p1["steps_version"] == "2"
    assert p1["steps"].startswith("## P1 · Reconcile Stripe payouts") and "3. Flag" in p1["steps"]
    document = by_kind["steps"].content.decode()
    assert document.startswith("# Steps written down") and "1. Export the payouts" in document


def _versions(coach: Coach) -> list[ProcessSteps]:
    with coach.db.transaction() as s:
        rows = list(s.scalars(select(ProcessSteps).order_by(ProcessSteps.version)))
        s.expunge_all()
        return rows


def test_the_digest_shows_the_documented_share_of_the_manual_load(coach: Coach) -> None:
    slash(coach, "U_ANA", "Reconcile Stripe payouts 3h")
    slash(coach, "U_ANA", "Export invoices to the ERP 1h")
    assert coach.sim.slash("U_ANA", "C_OPS", "steps P1").ok
    [form] = coach.fake.wait_for(lambda: forms(coach, "U_ANA", Callback.STEPS))
    assert coach.sim.submit("U_ANA", form, {Field.STEPS: "1. Open Stripe"}).ok
    coach.fake.wait_for(lambda: len(_versions(coach)) == 1)
    slash(coach, "U_ANA", "digest here weekly mon 09:00")
    preview = slash(coach, "U_ANA", "digest preview")
    assert "75% of the manual load has its steps written down" in preview


def test_the_hours_it_took_savings_time_to_eliminate_and_verification(coach: Coach) -> None:
    reply = three_reports(coach, last="U_ANA").message
    slash(coach, "U_ANA", "effort P1 6h")
    coach.clock.advance(timedelta(days=10))
    assert coach.sim.click("U_ANA", reply, action_id=Action.MARK_AUTOMATED).ok
    [form] = coach.fake.wait_for(lambda: forms(coach, "U_ANA", Callback.RETIRE))
    bad = coach.sim.submit("U_ANA", form, {Field.LINK: LINK, Field.ACTUAL_HOURS: "a while"})
    assert "errors" in (bad.json or {}) and process(coach.db, "P1").status != "retired"
    assert coach.sim.submit("U_ANA", form, {Field.LINK: LINK, Field.ACTUAL_HOURS: "8h"}).ok
    coach.fake.wait_for(lambda: process(coach.db, "P1").status == "retired")
    assert process(coach.db, "P1").actual_hours == 8.0

    numbers = slash(coach, "U_ANA", "stats")
    assert "*Saved over 5 years*\n189h projected · 187h realised" in numbers
    assert "2026 Q4 10 days (1 retired)" in numbers
    assert "verified" not in numbers
    assert "Automating it took 8h (estimate 6h)" in slash(coach, "U_ANA", "show P1")

    # Eight weeks with no report: verified, in its history, and in the headline.
    assert run(coach, "verify", coach.clock.now() + timedelta(weeks=8) - timedelta(hours=1)) == {
        "verified": 0,
        "claimed_elsewhere": 0,
    }
    assert run(coach, "verify", coach.clock.now() + timedelta(hours=2))["verified"] == 1
    shown = slash(coach, "U_ANA", "show P1")
    assert "verified: not done by hand for 8 weeks since it was retired" in shown
    assert "Verified: not done by hand for 8 weeks since" in shown
    assert "*45m a week* (39h a year) · all of it verified" in slash(coach, "U_ANA", "stats")
    assert run(coach, "verify")["verified"] == 0  # once
    assert coach.sim.open_home("U_ANA").ok
    coach.fake.wait_for(lambda: "· all of it verified" in home_text(coach, "U_ANA"))


def test_robot_face_hands_over_the_steps_too(coach: Coach) -> None:
    """🤖 on the bot's post is "I'm automating it": no form can open from a reaction, so
    the answer says how to give the estimate; the steps go by DM as from the button."""
    reply = mention_reply(coach, "U_ANA", "spent 45 minutes reconciling Stripe payouts")
    assert coach.sim.slash("U_ANA", "C_OPS", "steps P1").ok
    [form] = coach.fake.wait_for(lambda: forms(coach, "U_ANA", Callback.STEPS))
    assert coach.sim.submit("U_ANA", form, {Field.STEPS: "1. Open Stripe"}).ok
    coach.fake.wait_for(lambda: len(_versions(coach)) == 1)
    said = react(coach, "U_BEN", reply, "robot_face")
    assert "is marked as being automated" in said
    assert "`/manual-task effort P1 30h` says how long it takes" in said
    handed = coach.fake.wait_for(
        lambda: [text_of(m) for m in dms(coach, "U_BEN") if "for automating it" in m.text]
    )
    assert "1. Open Stripe" in handed[0]


def test_a_merge_brings_the_steps_along(coach: Coach) -> None:
    """Merging P2 into P1 keeps P2's steps, written down, on P1 when P1 has none (and
    P1's own when it has them)."""
    slash(coach, "U_ANA", "Reconcile Stripe payouts 30m")
    slash(coach, "U_ANA", "Export the payroll to Xero 30m")
    assert coach.sim.slash("U_ANA", "C_OPS", "steps P2").ok
    [form] = coach.fake.wait_for(lambda: forms(coach, "U_ANA", Callback.STEPS))
    assert coach.sim.submit("U_ANA", form, {Field.STEPS: "1. Export\n2. Upload"}).ok
    coach.fake.wait_for(lambda: len(_versions(coach)) == 1)
    slash(coach, "U_ANA", "own P1")
    slash(coach, "U_ANA", "own P2")
    coach.clock.advance(timedelta(days=1))
    assert "didn't" not in slash(coach, "U_ANA", "merge P1 P2")
    shown = slash(coach, "U_ANA", "show P1")
    assert "*Steps* (version 1, by <@U_ANA>" in shown and "2. Upload" in shown
