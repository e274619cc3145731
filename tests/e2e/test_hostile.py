"""The hostile corpus through the running app: every message the bot sends (channel posts,
DMs, ephemerals, acknowledgements, response_url bodies, modals, the Home tab, thread
replies, digests, celebrations) is checked for markup that came from a person's text.

A person types `<!channel>` (Slack sends `&lt;!channel&gt;`), or @-mentions the channel
(Slack sends `<!channel>`), or pastes a labelled link: none of it may come back as a ping, a
mention or a disguised link, and what they typed must still be shown as they typed it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.ids import Action, Callback, Field
from storage.models import Process
from tests.conftest import TEAM, Coach
from tests.e2e.helpers import run
from tests.e2e.support import processes, wait_for
from tests.hostile import (
    GOOD_LINK,
    HOSTILE_LINKS,
    HOSTILE_NOTE,
    HOSTILE_TITLES,
    LONG_TITLE,
    markup_problems,
    mrkdwn_texts,
    visible,
)

TUESDAY = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # working hours in New York and UTC
# `retire P2 <https://evil.example|github.com/…>` is a link to evil.example: accepted, and
# shown as what it is (the check refuses any label but the link's own).
LINKS = [GOOD_LINK, "https://evil.example"]
SENT = (
    "chat.postMessage",
    "chat.postEphemeral",
    "chat.update",
    "views.open",
    "views.update",
    "views.push",
    "views.publish",
    "response_url",
)


class Record:
    """Everything the app answered in acknowledgements, beside what the fake recorded."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach
        self.acks: list[Any] = []

    def slash(self, user: str, channel: str, text: str) -> Any:
        reply = self.coach.sim.slash(user, channel, text)
        assert reply.status == 200, (text, reply.status, reply.body[:300])
        if reply.json is not None:
            self.acks.append(reply.json)
        return reply

    def submit(self, user: str, view: Any, values: dict[str, Any]) -> Any:
        reply = self.coach.sim.submit(user, view, values)
        assert reply.status == 200
        if reply.json is not None:
            self.acks.append(reply.json)
        return reply

    def payloads(self) -> list[tuple[str, Any]]:
        sent = [
            (c.method, c.body if c.method == "response_url" else _decoded(c))
            for c in self.coach.fake.calls
            if c.method in SENT and c.failed is None
        ]
        return sent + [("ack", a) for a in self.acks]


def _decoded(call: Any) -> dict[str, Any]:
    return {k: call.arg(k) for k in ("text", "blocks", "view") if k in call.body}


def _report(rec: Record, user: str, channel: str, title: str, minutes: str = "2h") -> Any:
    return rec.slash(user, channel, f"{title} {minutes}")


def _exercise(coach: Coach, rec: Record) -> None:
    sim = coach.sim
    for i, title in enumerate([*HOSTILE_TITLES, LONG_TITLE]):
        _report(rec, ("U_ANA", "U_BEN", "U_CAM")[i % 3], ("C_OPS", "C_FIN")[i % 2], title)
    # Subcommands that show titles, and refusals that quote what was typed.
    for text in (
        "list",
        "mine",
        "stats",
        "digest preview",
        "show P1",
        "show P7",
        "own P1",
        "own P2",
        "own P4",
        "own P5",
        "assign P3 <@U_BEN|ben>",
        "show <!channel>",
        "show &lt;!channel&gt;",
        "own <https://evil.example|P1>",
        "assign P1 <!here>",
        "assign P1 &lt;@U1&gt;",
        "digest here weekly <!channel>",
        "digest here weekly mon 09:00 &lt;!here&gt;",
        "merge P1 <!channel>",
        "retire P2 <https://evil.example|github.com/acme/ops/pull/42>",
        "retire P2 https://x.io/&lt;!channel&gt;",
        "undo <!channel>",
        "config <!channel>",
        "<!channel> 9h",
        "x" * 400 + " 10m",
    ):
        rec.slash("U_ANA", "C_OPS", text)
    # A mention answers in the thread, in public.
    sim.mention("U_BEN", "C_OPS", "<!channel> spent 20 minutes on <@U1> leads &lt;!here&gt;")
    sim.mention("U_BEN", "C_OPS", "show <!channel>")
    wait_for(lambda: len(coach.fake.messages_in("C_OPS")) >= 2)
    # Buttons on a report reply: take ownership, then retire through the form.
    reply = _report(rec, "U_CAM", "C_FIN", "Export <!here> the ledger &amp; <@U1|boss>")
    sim.click("U_CAM", reply.message, action_id=Action.TAKE_OWNERSHIP)
    sim.click("U_CAM", reply.message, action_id=Action.MARK_AUTOMATED)
    [form] = wait_for(lambda: coach.fake.open_modals(TEAM, "U_CAM"))
    for bad in HOSTILE_LINKS:
        refused = rec.submit("U_CAM", form, {Field.LINK: bad, Field.HOW: HOSTILE_NOTE})
        assert (refused.json or {}).get("errors"), bad
    rec.submit("U_CAM", form, {Field.LINK: GOOD_LINK, Field.HOW: HOSTILE_NOTE})
    rec.slash("U_ANA", "C_OPS", f"retire P1 {GOOD_LINK.replace('&', '&amp;')}")
    # Someone does a retired process by hand again: a regression, and a DM to its owner.
    _report(rec, "U_BEN", "C_FIN", "Export <!here> the ledger &amp; <@U1|boss>")
    # The coaching loop: nudges, "who owns this?", answers through buttons and forms.
    run(coach, "nudges", TUESDAY)
    _answer_prompts(coach, rec)
    # Reactions on the bot's posts.
    posts = [
        m
        for channel in ("C_OPS", "C_FIN")
        for m in coach.fake.messages_in(channel)
        if m.from_bot and not m.ephemeral
    ]
    assert posts
    for message in posts:
        for emoji in ("robot_face", "zzz", "heavy_plus_sign", "white_check_mark"):
            sim.react("U_ADMIN", message, emoji)
    wait_for(lambda: coach.fake.calls_to("chat.postEphemeral"))
    # The Home tab and a digest.
    sim.open_home("U_ANA")
    wait_for(lambda: coach.fake.home_of(TEAM, "U_ANA"))
    rec.slash("U_ANA", "C_OPS", "digest here daily 09:00 UTC")
    run(coach, "digests", datetime(2026, 11, 25, 9, 5, tzinfo=UTC))
    wait_for(lambda: coach.fake.calls_to("files.completeUploadExternal"))


def _answer_prompts(coach: Coach, rec: Record) -> None:
    sim = coach.sim
    dms = [m for m in coach.fake.dms_to(TEAM, "U_ANA") if m.from_bot and sim.buttons(m)]
    assert dms, "nobody was nudged"
    dm = dms[-1]
    sim.click("U_ANA", dm, action_id=Action.NOT_WORTH)
    [form] = wait_for(lambda: coach.fake.open_modals(TEAM, "U_ANA"))
    rec.submit("U_ANA", form, {Field.REASON: "other", Field.REASON_NOTE: HOSTILE_NOTE})
    wait_for(lambda: dm.updated > 0)
    dm = next(m for m in coach.fake.dms_to(TEAM, "U_ANA") if m.from_bot and sim.buttons(m))
    sim.click("U_ANA", dm, action_id=Action.NOT_MINE)
    [form] = wait_for(lambda: coach.fake.open_modals(TEAM, "U_ANA"))
    assert form.callback_id == Callback.REASSIGN
    rec.submit("U_ANA", form, {Field.NEW_OWNER: "U_BEN"})
    # Ben hears of it through the outbox, in his working hours (09:30 in Berlin).
    run(coach, "nudges", datetime(2026, 11, 25, 8, 30, tzinfo=UTC))
    wait_for(lambda: coach.fake.dms_to(TEAM, "U_BEN"))
    who_owns = [m for m in coach.fake.messages_in("C_OPS") if "Who owns" in m.text]
    if who_owns:
        sim.click("U_CAM", who_owns[0], action_id=Action.TAKE_OWNERSHIP)


def _known(coach: Coach) -> tuple[set[str], set[str]]:
    users = {uid for tid, uid in coach.fake.users if tid == TEAM}
    channels = {cid for tid, cid in coach.fake.channels if tid == TEAM}
    return users | {coach.fake.team(TEAM).bot_user_id}, channels


def test_nothing_a_person_typed_is_sent_as_markup(coach: Coach) -> None:
    rec = Record(coach)
    _exercise(coach, rec)
    users, channels = _known(coach)
    payloads = rec.payloads()
    methods = {method for method, _ in payloads}
    assert set(SENT) - {"views.push", "views.update"} <= methods, methods
    for method, payload in payloads:
        problems = markup_problems(payload, users=users, channels=channels, links=LINKS)
        assert not problems, (method, problems, str(payload)[:600])
    # What people typed is still there, as they typed it.
    shown = "\n".join(visible(t) for _, p in payloads for t in mrkdwn_texts(p))
    stored: list[Process] = processes(coach.db)
    assert len(stored) >= len(HOSTILE_TITLES) // 2
    for process in stored:
        assert process.title in shown, process.title
    assert "<!channel> see <https://evil.example|the runbook> & <@U1>" in shown
