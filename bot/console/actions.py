"""What each console command does, as the current person in the current channel.

Every function sends what Slack would send (through the simulator, signed), waits until
the app is quiet and prints what it did. Bad input raises ConsoleInputError.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.console import anywhere, cards, forms, timeline
from bot.console import anywhere_words as w
from bot.console import targets as t
from bot.console import typed as c
from bot.console.answers import Ask, check
from bot.console.session import TEAM, Playground
from bot.console.typed import ConsoleInputError
from bot.standin.fakeslack import Message, View
from bot.standin.render import interactive_elements

describe_time = timeline.describe_time


def execute(session: Playground, command: c.Command, ask: Ask | None = None) -> None:
    """Run one command. ``ask`` prompts for a modal's fields when ``submit`` has none."""
    handler = _HANDLERS.get(type(command))
    if handler is None:
        raise ConsoleInputError(f"{type(command).__name__} cannot be run here")
    handler(session, command, ask)


def _slash(session: Playground, cmd: c.Slash, ask: Ask | None) -> None:
    text = session.with_mentions(cmd.text, named=True)  # as Slack escapes a command's text
    reply = session.sim.slash(session.user.id, session.channel, text, command=cmd.command)
    check(session, reply.status, cmd.command)


def _mention(session: Playground, cmd: c.Mention, ask: Ask | None) -> None:
    text = session.with_mentions(cmd.text, named=False)
    reply = session.sim.mention(session.user.id, session.channel, text)
    check(session, reply.status, "the mention")


def _as(session: Playground, cmd: c.As, ask: Ask | None) -> None:
    if cmd.name == "coach":
        raise ConsoleInputError("You cannot be the bot: pick a person, like as @maria")
    user, created = session.person(cmd.name)
    session.user = user
    if session.channel.startswith("D"):
        session.channel = session.fake.dm_channel(TEAM, user.id).id
    joined = "joined the workspace; " if created else ""
    admin = ", a workspace admin" if user.is_admin else ""
    session.printer.note(f"@{user.name} {joined}you are now @{user.name} ({user.tz}{admin})")


def _in(session: Playground, cmd: c.In, ask: Ask | None) -> None:
    if cmd.channel in ("dm", "coach"):
        session.channel = session.fake.dm_channel(TEAM, session.user.id).id
        session.printer.note("you are now in your DM with @coach")
        return
    session.channel, created = session.channel_named(cmd.channel, private=cmd.private)
    channel = session.fake.channels[(TEAM, session.channel)]
    kind = "private channel" if channel.is_private else "public channel"
    made = f"created ({kind}); " if created else ("" if not channel.is_private else "private; ")
    if not created and cmd.private and not channel.is_private:
        made = "already exists as a public channel; "
    session.printer.note(f"#{cmd.channel} {made}you are now in #{cmd.channel}")


def _target_message(session: Playground, number: int | None) -> Message:
    if number is not None:
        message = session.message(number)
        if message is None:
            raise ConsoleInputError(f"There is no message [{number}] yet")
        if message.deleted:
            raise ConsoleInputError(f"Message [{number}] was deleted")
        if not session.can_see(message):
            owner = session.header(number, message).split("→ ", 1)[1]
            raise ConsoleInputError(
                f"You (@{session.user.name}) cannot see message [{number}] ({owner}): "
                "switch with as @name"
            )
        return message
    found = session.last_reactable()
    if found is None:
        raise ConsoleInputError(f"No message you can react to is visible to @{session.user.name}")
    return found


def _click_target(session: Playground, cmd: c.Click) -> tuple[Message | View, str, str]:
    """What ``cmd`` presses, its key in ``session.shown`` and how to name it."""
    if cmd.home:
        home = session.fake.home_of(TEAM, session.user.id)
        if home is None or not session.shown.was_shown(t.home_key(session.user.id)):
            raise ConsoleInputError("Open your App Home first: type home, then click 1 on home")
        return home, t.home_key(session.user.id), "your App Home"
    if cmd.message is not None:
        message = _target_message(session, cmd.message)
        return message, t.message_key(cmd.message), f"message [{cmd.message}]"
    modal = session.top_modal()
    if modal is not None and interactive_elements(modal.blocks):
        return modal, t.modal_key(modal.id), "the open modal"
    for key in session.shown.newest():
        kind, _, ref = key.partition(":")
        if kind == "home" and ref == session.user.id:
            home = session.fake.home_of(TEAM, ref)
            if home is not None:
                return home, key, "your App Home"
        found = session.message(int(ref)) if kind == "message" else None
        if found is not None and session.can_see(found) and not found.deleted:
            return found, key, f"message [{ref}]"
    raise ConsoleInputError(f"Nothing with buttons is visible to @{session.user.name} yet")


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _click(session: Playground, cmd: c.Click, ask: Ask | None) -> None:
    target, key, where = _click_target(session, cmd)
    items = interactive_elements(target.blocks)
    if not items:
        answered = " any more: it was answered" if session.shown.had_buttons(key) else ""
        raise ConsoleInputError(f"{_upper(where)} has no buttons{answered}")
    if not session.shown.unchanged(key, target.blocks):
        again = "type home to see it" if key.startswith("home:") else "show it again"
        raise ConsoleInputError(
            f"{_upper(where)} changed since it was shown, so its buttons may have moved: "
            f"{again}, then click"
        )
    if not 1 <= cmd.index <= len(items):
        raise ConsoleInputError(f"{_upper(where)} has buttons 1 to {len(items)}, not {cmd.index}")
    element = items[cmd.index - 1]["element"]
    selected: Any = None
    if element.get("type") != "button":
        options = [
            str((o.get("text") or {}).get("text") or o.get("value"))
            for o in element.get("options") or []
        ]
        if cmd.selected is None:
            listed = f": {', '.join(options)}" if options else ""
            raise ConsoleInputError(f"[{cmd.index}] is a menu: say what to pick{listed}")
        selected = cmd.selected
    label = element.get("text", {}).get("text") if isinstance(element.get("text"), dict) else None
    session.printer.note(f"@{session.user.name} clicks [{cmd.index}] {label or ''} on {where}")
    try:
        reply = session.sim.click(session.user.id, target, index=cmd.index, selected=selected)
    except (LookupError, ValueError) as err:
        raise ConsoleInputError(str(err)) from None
    check(session, reply.status, "the click")


def _react(session: Playground, cmd: c.React, ask: Ask | None) -> None:
    message = _target_message(session, cmd.message)
    if message.ephemeral:
        raise ConsoleInputError("Slack has no reactions on messages only you can see")
    session.printer.note(
        f"@{session.user.name} reacts :{cmd.emoji}: to [{session.number(message)}]"
    )
    reply = session.sim.react(session.user.id, message, cmd.emoji)
    check(session, reply.status, "the reaction")


def _home(session: Playground, cmd: c.Home, ask: Ask | None) -> None:
    before = session.fake.home_of(TEAM, session.user.id)
    stamp = (before.hash, str(before.view)) if before else None
    reply = session.sim.open_home(session.user.id)
    check(session, reply.status, "opening the Home tab")
    home = session.fake.home_of(TEAM, session.user.id)
    if home is None:
        session.printer.note(
            f"@coach has published nothing on @{session.user.name}'s App Home yet "
            "(the Home tab is empty)"
        )
        return
    fresh = "" if stamp != (home.hash, str(home.view)) else " (unchanged since last time)"
    title = f"⌂ @{session.user.name}'s App Home{fresh}"
    session.printer.card(title, cards.view_lines(session, home))
    session.shown.saw(t.home_key(session.user.id), home.blocks)


def _show(session: Playground, cmd: c.Show, ask: Ask | None) -> None:
    if cmd.message is None:
        modal = session.top_modal()
        if modal is not None:
            lines = cards.view_lines(session, modal)
            session.printer.card("▣ your open modal", lines, style="magenta")
            session.shown.saw(t.modal_key(modal.id), modal.blocks)
            return
        if not session.messages:
            raise ConsoleInputError("No messages yet: try /manual-task help")
        number = len(session.messages)
    else:
        number = cmd.message
    message = _target_message(session, number)
    session.print_message(number, message)


def _people(session: Playground, cmd: c.People, ask: Ask | None) -> None:
    for (team_id, _), user in sorted(session.fake.users.items()):
        if team_id != TEAM or user.is_bot:
            continue
        admin = ", admin" if user.is_admin else ""
        you = "  ← you" if user.id == session.user.id else ""
        session.printer.note(f"@{user.name} ({user.tz}{admin}){you}")
    channels = sorted(
        f"#{ch.name}" + (" (private)" if ch.is_private else "")
        for (t, _), ch in session.fake.channels.items()
        if t == TEAM and not ch.is_im
    )
    session.printer.note("channels: " + " ".join(channels))


def _tz(session: Playground, cmd: c.Tz, ask: Ask | None) -> None:
    """Change a person's Slack time zone; the app and the jobs look them up again."""
    user = session.fake.user_by_name(TEAM, cmd.name) if cmd.name else session.user
    if user is None:
        raise ConsoleInputError(f"There is nobody called @{cmd.name}: type people")
    try:
        zone = ZoneInfo(cmd.zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConsoleInputError(
            f"{cmd.zone!r} is not a time zone: try Europe/Berlin or Asia/Tokyo"
        ) from None
    user.tz = str(zone)
    session.forget_person(user.id)
    local = session.clock.now().astimezone(zone)
    session.printer.note(f"@{user.name} is now in {user.tz} (it is {local:%a %H:%M} there)")


def _save(session: Playground, cmd: c.Save, ask: Ask | None) -> None:
    """Write each file on message [N] into the current directory and say where."""
    message = _target_message(session, cmd.message)
    uploads = cards.files_of(session, message)
    if not uploads:
        raise ConsoleInputError(f"Message [{cmd.message}] has no files")
    for upload in uploads:
        path = Path(Path(upload.filename).name or f"file-{upload.id}")
        n = 1
        while path.exists():
            n += 1
            path = path.with_name(f"{Path(upload.filename).stem}-{n}{path.suffix}")
        try:
            path.write_bytes(upload.content)
        except OSError as err:
            raise ConsoleInputError(f"Could not write {path}: {err.strerror}") from None
        session.printer.note(f"saved {path.resolve()} ({max(1, len(upload.content) // 1024)} KB)")


def _gone(session: Playground, cmd: c.Gone, ask: Ask | None) -> None:
    """Archive a channel, take the bot out of one, or deactivate a person: what Slack then
    answers the bot (is_archived, not_in_channel, user_disabled) the jobs act on."""
    if cmd.what == "deactivate":
        user = session.fake.user_by_name(TEAM, cmd.name)
        if user is None:
            raise ConsoleInputError(f"There is nobody called @{cmd.name}: type people")
        if user.id == session.user.id:
            raise ConsoleInputError(f"You are @{cmd.name}: be someone else first (as @you)")
        session.fake.deactivate(TEAM, user.id)
        said = f"@{cmd.name} was deactivated: Slack now answers user_disabled to a DM"
    else:
        found = [
            cid
            for (team, cid), ch in session.fake.channels.items()
            if team == TEAM and not ch.is_im and ch.name == cmd.name
        ]
        if not found:
            raise ConsoleInputError(f"There is no #{cmd.name}: type people to see the channels")
        if cmd.what == "archive":
            session.fake.archive_channel(TEAM, found[0])
            said = f"#{cmd.name} was archived: posting there answers is_archived"
        else:
            session.fake.remove_bot(TEAM, found[0])
            said = f"the bot was removed from #{cmd.name}: posting there answers not_in_channel"
    session.printer.note(said + " (the scheduled jobs see it at their next run)")


_HANDLERS: dict[type, Callable[[Playground, Any, Ask | None], None]] = {
    c.Slash: _slash,
    c.Mention: _mention,
    c.As: _as,
    c.In: _in,
    c.Click: _click,
    c.Submit: forms.submit,
    c.Cancel: forms.cancel,
    c.React: _react,
    c.Home: _home,
    c.Show: _show,
    c.People: _people,
    c.ClockShow: timeline.clock_show,
    c.ClockBy: timeline.clock_by,
    c.ClockTo: timeline.clock_to,
    c.Gone: _gone,
    c.Tz: _tz,
    c.Save: _save,
    c.ClockStart: timeline.clock_start,
    w.Say: anywhere.say,
    w.UseShortcut: anywhere.use_shortcut,
    w.RunStep: anywhere.run_step,
}
