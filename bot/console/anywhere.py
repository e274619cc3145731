"""Reporting from anywhere in Slack, in the console: `say` posts a person's message,
`shortcut log` uses "Log as manual work" on it (or on a bot message), `shortcut report`
the ⚡ menu's "Report manual work", and `step log …` / `step cost P1` run the Workflow
Builder steps as a workflow would (their outputs, or their error, are printed)."""

from __future__ import annotations

from typing import Any

from bot.console import anywhere_words as w
from bot.console.answers import Ask, check
from bot.console.session import TEAM, Playground
from bot.console.typed import ConsoleInputError
from bot.ids import Shortcut, Step
from bot.standin.fakeslack import Message
from bot.standin.simulator.steps import STEPS

STEP_OF = {"log": Step.LOG, "cost": Step.COST}


def say(session: Playground, cmd: w.Say, ask: Ask | None) -> None:
    text = session.with_mentions(cmd.text, named=False)
    session.fake.post_user_message(TEAM, session.channel, session.user.id, text)
    session.printer.note(
        f"@{session.user.name} posted in {session.where()}: “{cmd.text}” (shortcut log reports it)"
    )


def _last_message_here(session: Playground) -> Message:
    for message in reversed(session.fake.messages_in(session.channel, team_id=TEAM)):
        if not message.ephemeral and session.can_see(message):
            return message
    raise ConsoleInputError(
        f"No message in {session.where()} yet: say something first (say …), or "
        "shortcut log on 5 for the bot's message [5]"
    )


def use_shortcut(session: Playground, cmd: w.UseShortcut, ask: Ask | None) -> None:
    who = f"@{session.user.name}"
    if cmd.which == "report":
        session.printer.note(f"{who} picks “Report manual work” from the ⚡ menu")
        reply = session.sim.global_shortcut(session.user.id, Shortcut.REPORT)
        check(session, reply.status, "the shortcut")
        return
    if cmd.message is not None:
        message = session.message(cmd.message)
        if message is None or message.deleted or not session.can_see(message):
            raise ConsoleInputError(f"There is no message [{cmd.message}] you can see")
        if message.ephemeral:
            raise ConsoleInputError("Slack has no shortcuts on messages only you can see")
        whose = f"message [{cmd.message}]"
    else:
        message = _last_message_here(session)
        author = "@coach" if message.from_bot else f"@{session.name_of(message.user or '')}"
        whose = f"{author}'s last message in {session.where()}"
    session.printer.note(f"{who} uses “Log as manual work” on {whose}")
    reply = session.sim.message_shortcut(session.user.id, message, Shortcut.LOG_MESSAGE)
    check(session, reply.status, "the shortcut")


def run_step(session: Playground, cmd: w.RunStep, ask: Ask | None) -> None:
    callback = STEP_OF[cmd.step]
    inputs: dict[str, Any] = {}
    for key, value in cmd.inputs.items():
        if key == "who":
            user = session.fake.user_by_name(TEAM, value.lstrip("@").lower())
            if user is None:
                raise ConsoleInputError(f"There is nobody called {value}: type people")
            inputs["who"] = user.id
        elif key == "channel":
            found = session.channel_id_of(value.lstrip("#").lower())
            if found is None:
                raise ConsoleInputError(f"There is no {value}: type people to see the channels")
            inputs["channel"] = found
        elif key == "process":
            inputs["process_id"] = value
        elif key == "minutes":
            inputs["minutes"] = int(value) if value.isdigit() else value
        else:
            inputs[key] = value
    if cmd.step == "log":
        inputs.setdefault("who", session.user.id)
        inputs.setdefault("channel", session.channel)
    title = STEPS[callback]["title"]
    session.printer.note(f"a workflow runs the step “{title}”")
    reply, _ = session.sim.run_step(callback, inputs)
    check(session, reply.status, "the step")
