"""Reactions on the bot's prompts, end to end over real HTTP against the fake Slack, on
SQLite and PostgreSQL: ✅ retires, 🤖 automating, 💤 snooze, ➕ "I do this too".

Events are handled after Slack's acknowledgement, so effects are awaited by polling; the
absence of an effect is checked after letting the app settle.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from slack_sdk import WebClient

from bot.standin.fakeslack import Message
from storage import posts, processes
from storage.models import Occurrence, Process
from tests.conftest import TEAM, Coach

T = TypeVar("T")
SETTLE = 0.6  # seconds to let a listener run when we expect it to do nothing
CHECK, ROBOT, ZZZ, PLUS = "white_check_mark", "robot_face", "zzz", "heavy_plus_sign"


# ----------------------------------------------------------------- helpers


def wait_until(predicate: Callable[[], T], timeout: float = 5.0) -> T:
    """Poll until `predicate()` is truthy; return it."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(0.02)


def remembered(coach: Coach, message: Message) -> bool:
    with coach.db.transaction() as session:
        row = posts.bot_message(session, team_id=TEAM, channel_id=message.channel, ts=message.ts)
        return row is not None


def mention_reply(coach: Coach, user: str, text: str, channel: str = "C_OPS") -> Message:
    """A person mentions the bot; the bot's threaded answer, once it is remembered."""
    posted = coach.sim.mention(user, channel, text).message
    assert posted is not None
    reply = wait_until(
        lambda: [
            m
            for m in coach.fake.messages_in(channel)
            if m.from_bot and not m.ephemeral and m.thread_ts == posted.ts
        ]
    )[0]
    wait_until(lambda: remembered(coach, reply))
    return reply


def celebrations(coach: Coach, channel: str = "C_OPS") -> list[Message]:
    return [
        m
        for m in coach.fake.messages_in(channel)
        if m.from_bot and not m.ephemeral and m.text.startswith("🎉")
    ]


def ephemerals(coach: Coach, user: str) -> list[Message]:
    return [m for m in coach.fake.messages if m.ephemeral and m.user == user]


def react(coach: Coach, user: str, message: Message, emoji: str, **kw: Any) -> str:
    """React and return the private answer the reactor got."""
    before = len(ephemerals(coach, user))
    reply = coach.sim.react(user, message, emoji, **kw)
    assert reply.ok, reply.body
    answer = wait_until(lambda: ephemerals(coach, user)[before:])
    assert len(answer) == 1
    assert answer[0].channel == message.channel
    return answer[0].text


def chat_calls(coach: Coach) -> int:
    return len([c for c in coach.fake.calls if c.method.startswith("chat.")])


def process(coach: Coach, number: int = 1) -> Process:
    with coach.db.transaction() as session:
        found = processes.process_by_ref(session, team_id=TEAM, number=number)
        assert found is not None
        return found


def reports(coach: Coach, user: str) -> list[Occurrence]:
    with coach.db.transaction() as session:
        return list(session.query(Occurrence).filter(Occurrence.user_id == user))


def bot_post(coach: Coach, channel: str, text: str, kind: str, process_ids: list[int]) -> Message:
    """A message the bot posted and remembered elsewhere (a nudge DM, a bundled nudge)."""
    client = WebClient(token="xoxb-T0001", base_url=coach.fake.api_url)
    resp = client.chat_postMessage(channel=channel, text=text)
    with coach.db.transaction() as session:
        posts.remember_bot_message(
            session,
            team_id=TEAM,
            channel_id=resp["channel"],
            ts=resp["ts"],
            kind=kind,
            process_ids=process_ids,
            now=coach.clock.now(),
        )
    found = coach.fake.find_message(TEAM, resp["channel"], resp["ts"])
    assert found is not None
    return found


LEADS = "spent 20 minutes copying leads into the CRM"


# ----------------------------------------------------------------- ✅ retire


def test_check_on_mention_reply_retires_and_celebrates(coach: Coach) -> None:
    reply = mention_reply(coach, "U_ANA", LEADS)

    answer = react(coach, "U_ANA", reply, CHECK)

    assert "Retired" in answer and "P1" in answer
    p = process(coach)
    assert p.status == "retired" and p.retired_by == "U_ANA" and p.automation_link is None
    assert p.eliminated_minutes_per_week == 5  # 20 minutes in 28 days
    party = wait_until(lambda: celebrations(coach))
    assert len(party) == 1 and "<@U_ANA>" in party[0].text


def test_check_by_admin_retires_a_process_they_neither_own_nor_reported(coach: Coach) -> None:
    reply = mention_reply(coach, "U_ANA", LEADS)

    answer = react(coach, "U_ADMIN", reply, CHECK)

    assert "Retired" in answer
    assert process(coach).status == "retired"
    wait_until(lambda: celebrations(coach))


def test_check_by_someone_else_is_refused(coach: Coach) -> None:
    reply = mention_reply(coach, "U_ANA", LEADS)

    answer = react(coach, "U_CAM", reply, CHECK)

    assert "Only P1's owner" in answer
    assert process(coach).status == "manual"
    time.sleep(SETTLE)
    assert celebrations(coach) == []


def test_check_on_celebration_says_already_retired(coach: Coach) -> None:
    react(coach, "U_ANA", mention_reply(coach, "U_ANA", LEADS), CHECK)
    party = wait_until(lambda: celebrations(coach))[0]
    wait_until(lambda: remembered(coach, party))

    answer = react(coach, "U_ADMIN", party, CHECK)

    assert "already retired" in answer
    time.sleep(SETTLE)
    assert len(celebrations(coach)) == 1


def test_retried_event_acts_once(coach: Coach) -> None:
    reply = mention_reply(coach, "U_ANA", LEADS)
    react(coach, "U_ANA", reply, CHECK, event_id="EvRETRY0001")
    event = {
        "type": "reaction_added",
        "user": "U_ANA",
        "reaction": CHECK,
        "item": {"type": "message", "channel": reply.channel, "ts": reply.ts},
        "item_user": reply.user,
    }

    assert coach.sim.event(event, event_id="EvRETRY0001", retry_num=1).ok
    time.sleep(SETTLE)

    assert len(ephemerals(coach, "U_ANA")) == 1
    assert len(celebrations(coach)) == 1


# ----------------------------------------------------------------- 🤖 automating


def test_robot_on_unowned_process_takes_ownership(coach: Coach) -> None:
    reply = mention_reply(coach, "U_ANA", LEADS)

    answer = react(coach, "U_BEN", reply, ROBOT)

    assert "being automated" in answer and "You own it now" in answer
    p = process(coach)
    assert (p.status, p.owner_id) == ("automating", "U_BEN")


def test_robot_by_owner_keeps_owner(coach: Coach) -> None:
    reply = mention_reply(coach, "U_ANA", LEADS)
    coach.sim.slash("U_BEN", "C_OPS", "own P1")
    wait_until(lambda: process(coach).owner_id == "U_BEN")

    answer = react(coach, "U_BEN", reply, ROBOT)

    assert "being automated" in answer and "You own it now" not in answer
    assert (process(coach).status, process(coach).owner_id) == ("automating", "U_BEN")


def test_robot_by_someone_else_on_owned_process_is_refused(coach: Coach) -> None:
    reply = mention_reply(coach, "U_ANA", LEADS)
    coach.sim.slash("U_BEN", "C_OPS", "own P1")
    wait_until(lambda: process(coach).owner_id == "U_BEN")

    answer = react(coach, "U_CAM", reply, ROBOT)

    assert "Only P1's owner" in answer
    assert (process(coach).status, process(coach).owner_id) == ("manual", "U_BEN")


def test_robot_on_celebration_changes_nothing(coach: Coach) -> None:
    react(coach, "U_ANA", mention_reply(coach, "U_ANA", LEADS), CHECK)
    party = wait_until(lambda: celebrations(coach))[0]
    wait_until(lambda: remembered(coach, party))

    answer = react(coach, "U_ANA", party, ROBOT)

    assert "already retired" in answer
    assert process(coach).status == "retired"


# ----------------------------------------------------------------- 💤 snooze


def test_zzz_snoozes_two_weeks(coach: Coach) -> None:
    reply = mention_reply(coach, "U_ANA", LEADS)

    answer = react(coach, "U_ANA", reply, ZZZ)

    assert "Snoozed" in answer and "P1" in answer
    assert process(coach).snoozed_until == coach.clock.now() + timedelta(days=14)


def test_zzz_by_someone_else_on_owned_process_is_refused(coach: Coach) -> None:
    reply = mention_reply(coach, "U_ANA", LEADS)
    coach.sim.slash("U_BEN", "C_OPS", "own P1")
    wait_until(lambda: process(coach).owner_id == "U_BEN")

    answer = react(coach, "U_CAM", reply, ZZZ)

    assert "Only P1's owner" in answer
    assert process(coach).snoozed_until is None


def test_zzz_on_celebration_changes_nothing(coach: Coach) -> None:
    react(coach, "U_ANA", mention_reply(coach, "U_ANA", LEADS), CHECK)
    party = wait_until(lambda: celebrations(coach))[0]
    wait_until(lambda: remembered(coach, party))

    answer = react(coach, "U_ANA", party, ZZZ)

    assert "already retired" in answer
    assert process(coach).snoozed_until is None


def test_zzz_in_a_dm_answers_in_the_dm(coach: Coach) -> None:
    mention_reply(coach, "U_ANA", LEADS)
    nudge = bot_post(coach, "U_ANA", "Could this be automated?", "nudge", [process(coach).id])

    answer = react(coach, "U_ANA", nudge, ZZZ)

    assert "Snoozed" in answer and nudge.channel.startswith("D")
    assert process(coach).snoozed_until is not None


# ----------------------------------------------------------------- ➕ I do this too


def test_plus_counts_the_median_once_per_person(coach: Coach) -> None:
    reply = mention_reply(coach, "U_ANA", LEADS)
    mention_reply(coach, "U_ANA", "copying leads into the CRM 30m")
    mention_reply(coach, "U_ANA", "copying leads into the CRM again, 100 minutes")
    assert len(reports(coach, "U_ANA")) == 3 and {o.process_id for o in reports(coach, "U_ANA")}

    first = react(coach, "U_BEN", reply, PLUS)
    again = react(coach, "U_BEN", reply, PLUS)
    other = react(coach, "U_CAM", reply, PLUS)

    assert "Counted" in first and "30m" in first
    assert "counted once" in again
    assert "Counted" in other
    ben, cam = reports(coach, "U_BEN"), reports(coach, "U_CAM")
    assert [(o.minutes, o.process_id) for o in ben] == [(30, process(coach).id)]
    assert [o.minutes for o in cam] == [30]


def test_plus_on_a_celebration_does_nothing(coach: Coach) -> None:
    """➕ means "I do this too" only on posts about manual work, not on a party."""
    react(coach, "U_ANA", mention_reply(coach, "U_ANA", LEADS), CHECK)
    party = wait_until(lambda: celebrations(coach))[0]
    wait_until(lambda: remembered(coach, party))
    calls = chat_calls(coach)

    assert coach.sim.react("U_BEN", party, PLUS).ok
    time.sleep(SETTLE)

    assert chat_calls(coach) == calls
    assert reports(coach, "U_BEN") == []
    assert process(coach).status == "retired"
    assert not [m for m in coach.fake.dms_to(TEAM, "U_ANA") if "is back" in m.text]


def test_plus_counts_once_a_day_per_person_across_posts_about_a_process(coach: Coach) -> None:
    first_post = mention_reply(coach, "U_ANA", LEADS)
    second_post = mention_reply(coach, "U_CAM", "copying leads into the CRM 20m")

    first = react(coach, "U_BEN", first_post, PLUS)
    again = react(coach, "U_BEN", second_post, PLUS)
    assert "Counted" in first and "counted once a day" in again
    assert len(reports(coach, "U_BEN")) == 1

    coach.clock.advance(timedelta(days=1))
    assert "Counted" in react(coach, "U_BEN", second_post, PLUS)
    assert len(reports(coach, "U_BEN")) == 2


# ----------------------------------------------------------------- nothing to do


def test_reaction_on_a_persons_own_message_does_nothing(coach: Coach) -> None:
    mention_reply(coach, "U_ANA", LEADS)
    own = coach.sim.message("U_ANA", "C_OPS", "done with the CRM for today").message
    assert own is not None
    calls = chat_calls(coach)

    for emoji in (CHECK, ROBOT, ZZZ, PLUS):
        assert coach.sim.react("U_ANA", own, emoji).ok
    time.sleep(SETTLE)

    assert chat_calls(coach) == calls
    assert process(coach).status == "manual" and process(coach).snoozed_until is None
    assert reports(coach, "U_ANA") and len(reports(coach, "U_ANA")) == 1


def test_reaction_on_unknown_ts_does_nothing(coach: Coach) -> None:
    mention_reply(coach, "U_ANA", LEADS)
    unknown = Message(team_id=TEAM, channel="C_OPS", ts="1700000000.000001", user="UBOT1")
    calls = chat_calls(coach)

    assert coach.sim.react("U_ANA", unknown, CHECK).ok
    time.sleep(SETTLE)

    assert chat_calls(coach) == calls
    assert process(coach).status == "manual"


def test_other_emoji_on_a_bot_prompt_does_nothing(coach: Coach) -> None:
    reply = mention_reply(coach, "U_ANA", LEADS)
    calls = chat_calls(coach)

    for emoji in ("tada", "thumbsup", "x"):
        assert coach.sim.react("U_ANA", reply, emoji).ok
    assert coach.sim.react("U_ANA", reply, CHECK, removed=True).ok  # taking one back
    time.sleep(SETTLE)

    assert chat_calls(coach) == calls
    assert process(coach).status == "manual"


def test_bundled_message_is_refused_and_changes_nothing(coach: Coach) -> None:
    mention_reply(coach, "U_ANA", LEADS)
    mention_reply(coach, "U_ANA", "reconciled Stripe payouts for 45m")
    ids = [process(coach, 1).id, process(coach, 2).id]
    nudge = bot_post(coach, "U_ANA", "Two processes to think about", "nudge", ids)

    for emoji in (CHECK, ROBOT, ZZZ, PLUS):
        answer = react(coach, "U_ANA", nudge, emoji)
        assert answer == "This message covers several processes: use the buttons."

    for number in (1, 2):
        p = process(coach, number)
        assert (p.status, p.owner_id, p.snoozed_until) == ("manual", None, None)
    assert len(reports(coach, "U_ANA")) == 2
    assert celebrations(coach) == []
