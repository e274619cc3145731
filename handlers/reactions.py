"""Reactions on the bot's own posts: ✅ retires, 🤖 "I'm automating it", 💤 snoozes, ➕ "I do
this too" (bot/services/reactions.py says what each does, through the same use cases as
the buttons). Reactions on other messages, and other emoji, are ignored without a word."""

from __future__ import annotations

from dataclasses import replace

from slack_bolt import App

from bot.domain.people import Actor
from bot.messages.effort import steps_for_automator
from bot.messages.reports import notice
from bot.services import reactions
from handlers import after as then
from handlers.context import Deps, Followup, Incoming, Reply, happened


def reacted(incoming: Incoming, actor: Actor, deps: Deps) -> Reply | None:
    event = incoming.event
    item = event.get("item")
    if not isinstance(item, dict):
        return None
    channel, ts, emoji = item.get("channel"), item.get("ts"), event.get("reaction")
    if emoji not in reactions.EMOJI or item.get("type") != "message":
        return None
    if not (isinstance(channel, str) and isinstance(ts, str)):
        return None
    if actor.user_id == incoming.bot_user_id:
        return None
    event_id = incoming.body.get("event_id") or f"reaction:{channel}:{ts}:{actor.user_id}:{emoji}"
    here = replace(actor, channel_id=channel)
    with deps.db.transaction() as session:
        outcome = reactions.react(
            session,
            here,
            event_id=str(event_id),
            ts=ts,
            emoji=str(emoji),
            limits=deps.settings.limits,
        )
    if outcome is None:
        return None
    work: list[Followup] = [then.Ephemeral(channel, notice(outcome.text), plain=True)]
    if outcome.retired is not None:
        work.append(then.Celebrate(outcome.retired))
    if outcome.steps is not None:
        work.append(then.DirectMessage(actor.user_id, steps_for_automator(outcome.steps)))
    return Reply(after=tuple(work))


def register(app: App) -> None:
    app.event("reaction_added")(happened(reacted))
