"""The console's wiring: a fake Slack workspace, the real app served on loopback with
signature checking on, a manual clock, the scheduler's jobs, and the intake of what the
app does (messages, modals, the Home tab, files), numbered and printed in order.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url

from bot.app import create_app
from bot.clock import ManualClock, RunningClock
from bot.config import Settings
from bot.console import cards, state
from bot.console.targets import Shown, message_key
from bot.console.view import Printer, emoji, label_channels
from bot.console.watch import AppLog, Tracking
from bot.jobs import Clients, JobContext
from bot.server import serve_in_thread, wsgi_app
from bot.slack import make_client
from bot.standin.fakeslack import Event, FakeSlack, Message, UploadedFile, User, View
from bot.standin.fakeslack.functions import Execution
from bot.standin.render import render_blocks
from bot.standin.simulator import SlackSimulator
from storage.db import Database

TEAM = "T0CONSOLE"
TEAM_NAME = "Console Co"
BOT_USER = "U0COACH"
TOKEN = "xoxb-console-T0CONSOLE"
YOUR_TZ = "America/New_York"


@dataclass(frozen=True)
class Person:
    name: str
    user_id: str
    tz: str
    is_admin: bool = False


PEOPLE = (
    Person("you", "U0YOU", YOUR_TZ),
    Person("maria", "U0MARIA", "Europe/Madrid"),
    Person("sam", "U0SAM", "America/Los_Angeles"),
    Person("alex", "U0ALEX", "UTC", is_admin=True),
)
CHANNELS = (("C0GENERAL", "general"), ("C0FINANCE", "finance"), ("C0OPS", "ops"))
# `@maria` typed at a word's start (not in an address like a@b.c, nor already <@U1>)
_AT_NAME = re.compile(r"(?<![\w<|@.])@([a-z0-9](?:[a-z0-9._-]*[a-z0-9])?)", re.IGNORECASE)


def _sqlite_file(settings: Settings) -> Path:
    return Path(str(make_url(settings.database_url).database))


class Playground:
    """The console's pretend workspace: the real app, the fake Slack, its people and clock.
    ``start()`` brings everything up; ``close()`` tears it down."""

    def __init__(
        self,
        settings: Settings,
        printer: Printer,
        *,
        start: datetime | None = None,
        quiet: float = 0.15,
        max_wait: float = 5.0,
        running: bool = False,
    ) -> None:
        """``start``: the clock's time (else where it stopped last time, else now);
        ``running``: it runs on with wall time between commands (a terminal), else it
        moves only when told (a script: the same transcript every time)."""
        self.printer = printer
        self.quiet = quiet
        self.max_wait = max_wait
        self._start_given = start is not None
        begin = start or datetime.now(UTC).replace(second=0, microsecond=0)
        self.clock = RunningClock(begin) if running else ManualClock(begin)
        self.state_file: Path | None = None
        self.resumed = False
        self.fake = FakeSlack()
        self.base_settings = settings
        self.settings = settings
        self.db: Database | None = None
        self.sim: SlackSimulator
        self.jobs: JobContext
        self.user: User
        self.channel = CHANNELS[0][0]
        self.messages: list[Message] = []
        self._numbers: dict[int, int] = {}
        self._shown: dict[int, str] = {}
        self.shown = Shown()  # the buttons each printed thing had
        self._events: list[Event] = []
        self._event_count = 0
        self._lock = threading.Lock()
        self._server: Any = None
        self._app: Any = None
        self._executor: Tracking | None = None
        self._log = AppLog()

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> Playground:
        self._log.capture()
        fake = self.fake.start()
        fake.add_team(TEAM, name=TEAM_NAME, bot_token=TOKEN, bot_user_id=BOT_USER)
        for person in PEOPLE:
            fake.add_user(TEAM, person.user_id, person.name, tz=person.tz, is_admin=person.is_admin)
        for channel_id, name in CHANNELS:
            fake.add_channel(TEAM, channel_id, name)
        secret = secrets.token_hex(16)
        self.settings = replace(
            self.base_settings,
            slack_bot_token=TOKEN,
            slack_signing_secret=secret,
            slack_api_url=fake.api_url,
            slack_app_token=None,
            slack_client_id=None,
            slack_client_secret=None,
        )
        self.state_file = state.state_path(self.settings.database_url)
        new_database = self.state_file is None or not _sqlite_file(self.settings).exists()
        self.db = Database(self.settings.database_url)
        self.db.upgrade()
        saved = None if new_database or self.state_file is None else state.load(self.state_file)
        app = self._app = create_app(self.settings, db=self.db, clock=self.clock)
        runner = app.listener_runner
        executor = getattr(runner, "listener_executor", None)
        if isinstance(executor, Executor):
            self._executor = Tracking(executor)
            runner.listener_executor = self._executor
            lazy = getattr(runner, "lazy_listener_runner", None)
            if lazy is not None and hasattr(lazy, "executor"):
                lazy.executor = self._executor
        self._server = serve_in_thread(wsgi_app(app, self.db))
        url = f"http://127.0.0.1:{self._server.server_port}/slack/events"
        self.sim = SlackSimulator(fake, url, secret, team_id=TEAM)
        self.jobs = JobContext(
            self.db, self.settings, Clients(self.settings, client=make_client(self.settings))
        )
        found = fake.user(TEAM, PEOPLE[0].user_id)
        assert found is not None
        self.user = found
        if saved is not None:
            self._resume(saved)
        fake.subscribe(self._on_event)
        self._log.take()  # Bolt's start-up chatter is not part of the story
        return self

    def _resume(self, saved: state.Saved) -> None:
        state.restore(self.fake, TEAM, saved)
        if not self._start_given:
            self.clock.set(saved.now)
        self.user = self.fake.user_by_name(TEAM, saved.user or "") or self.user
        if saved.channel and (TEAM, saved.channel) in self.fake.channels:
            self.channel = saved.channel
        self.resumed = True

    def save(self) -> None:
        """Keep the clock, the people and channels, who and where you are (state.py)."""
        if self.state_file is not None and self.db is not None:
            kept = state.snapshot(
                self.fake, TEAM, now=self.clock.now(), user=self.user.name, channel=self.channel
            )
            state.save(self.state_file, kept)

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self.fake.stop()
        if self.db is not None:
            self.db.dispose()
        self._log.give_back()

    def forget_person(self, user_id: str) -> None:
        """The app and the jobs look the person up again (their profile changed)."""
        deps = getattr(self._app, "deps", None)
        if deps is not None:
            deps.people.forget(TEAM, user_id)
        self.jobs.people.forget(TEAM, user_id)

    # ----------------------------------------------------------------- who and where

    def name_of(self, user_id: str) -> str | None:
        user = self.fake.user(TEAM, user_id)
        return user.name if user else None

    def channel_name(self, channel_id: str) -> str | None:
        channel = self.fake.channels.get((TEAM, channel_id))
        return channel.name if channel and not channel.is_im else None

    def tz(self, user: User | None = None) -> ZoneInfo:
        try:
            return ZoneInfo((user or self.user).tz)
        except (KeyError, ValueError):
            return ZoneInfo("UTC")

    def person(self, name: str) -> tuple[User, bool]:
        """The member called ``name``, created (in your time zone) if new."""
        known = self.fake.user_by_name(TEAM, name)
        if known is not None:
            return known, False
        user_id = "U0" + re.sub(r"[^A-Z0-9]", "", name.upper())[:9]
        while self.fake.user(TEAM, user_id) is not None:
            user_id += "X"
        return self.fake.add_user(TEAM, user_id, name, tz=YOUR_TZ), True

    def channel_named(self, name: str, *, private: bool = False) -> tuple[str, bool]:
        """The id of channel ``#name``, created (`private` or public) if new."""
        for (team_id, channel_id), channel in list(self.fake.channels.items()):
            if team_id == TEAM and not channel.is_im and channel.name == name:
                return channel_id, False
        channel_id = "C0" + re.sub(r"[^A-Z0-9]", "", name.upper())[:9]
        while (TEAM, channel_id) in self.fake.channels:
            channel_id += "X"
        self.fake.add_channel(TEAM, channel_id, name, private=private)
        return channel_id, True

    def channel_id_of(self, name: str) -> str | None:
        """The id of the channel called ``name`` (None: there is none)."""
        for (team_id, channel_id), channel in self.fake.channels.items():
            if team_id == TEAM and not channel.is_im and channel.name == name:
                return channel_id
        return None

    def where(self, channel_id: str | None = None) -> str:
        """``#finance``, or ``DM with @maria`` for the bot's DM channels."""
        channel = self.fake.channels.get((TEAM, channel_id or self.channel))
        if channel is None:
            return channel_id or "?"
        if channel.is_im:
            return f"DM with @{self.name_of(channel.user or '') or channel.user}"
        return f"#{channel.name}"

    def prompt_place(self) -> str:
        channel = self.fake.channels.get((TEAM, self.channel))
        return "DM with @coach" if channel and channel.is_im else self.where()

    def with_mentions(self, text: str, *, named: bool) -> str:
        """``@maria`` of a known person as Slack sends it: ``<@U0MARIA|maria>`` in a
        command's text (``named``), ``<@U0MARIA>`` in a message; other text as typed."""

        def mention(match: re.Match[str]) -> str:
            user = self.fake.user_by_name(TEAM, match.group(1))
            if user is None or user.is_bot:
                return match.group(0)
            return f"<@{user.id}|{user.name}>" if named else f"<@{user.id}>"

        return _AT_NAME.sub(mention, text)

    def can_see(self, message: Message, user: User | None = None) -> bool:
        user_id = (user or self.user).id
        if not message.visible_to(user_id):
            return False
        channel = self.fake.channels.get((TEAM, message.channel))
        return not (channel and channel.is_im and channel.user != user_id)

    # ----------------------------------------------------------------- waiting

    def settle(self, *, quiet: float | None = None, show: bool = True) -> None:
        """Wait until the app is quiet: no listener running, no new fake Slack activity for
        ``quiet`` seconds (at most ``max_wait``); then print what happened (``show``)."""
        quiet = self.quiet if quiet is None else quiet
        deadline = time.monotonic() + self.max_wait
        last = self._activity()
        changed = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.02)
            now_seen = self._activity()
            if now_seen != last:
                last, changed = now_seen, time.monotonic()
                continue
            busy = self._executor.running if self._executor else 0
            if not busy and time.monotonic() - changed >= quiet:
                break
        if show:
            self.flush()

    def _activity(self) -> tuple[int, int]:
        with self._lock:
            return len(self.fake.calls), self._event_count

    def pending(self) -> bool:
        """Whether anything is waiting to be printed."""
        with self._lock:
            return bool(self._events) or bool(self._log.lines)

    # ----------------------------------------------------------------- intake

    def _on_event(self, event: Event) -> None:
        with self._lock:
            self._events.append(event)
            self._event_count += 1

    def flush(self) -> None:
        """Print every event received so far, in order, then the app's log one-liners."""
        with self._lock:
            events, self._events = self._events, []
        # The app acknowledges, then keeps working: which arrives first is a race. Print a
        # command's direct answer after what it set off, so transcripts are stable.
        events.sort(key=lambda e: getattr(e.obj, "source", "") == "ack")
        for event in events:
            self._show_event(event)
        for line in self._log.take():
            self.printer.warn(line)

    def _show_event(self, event: Event) -> None:
        kind, obj = event.kind, event.obj
        if kind.startswith("message.") and isinstance(obj, Message):
            self._show_message_event(kind, obj)
        elif kind.startswith("view.") and isinstance(obj, View):
            cards.show_view(self, kind, obj)
        elif kind == "file.shared" and isinstance(obj, UploadedFile):
            cards.show_file(self, obj)
        elif kind.startswith("function.") and isinstance(obj, Execution):
            cards.show_run(self, obj)  # a Workflow Builder step ended

    def number(self, message: Message) -> int | None:
        return self._numbers.get(id(message))

    def message(self, number: int) -> Message | None:
        return self.messages[number - 1] if 1 <= number <= len(self.messages) else None

    def _signature(self, message: Message) -> str:
        return json.dumps([message.text, message.blocks, message.deleted], sort_keys=True)

    def _show_message_event(self, kind: str, message: Message) -> None:
        if not message.from_bot or message.team_id != TEAM:
            return
        number = self._numbers.get(id(message))
        if number is None:
            self.messages.append(message)
            number = self._numbers[id(message)] = len(self.messages)
        elif self._shown.get(number) == self._signature(message):
            return  # only reactions changed
        self._shown[number] = self._signature(message)
        if message.deleted:
            self.printer.note(f"message [{number}] was deleted")
            return
        verb = "updated" if kind == "message.updated" or message.updated else ""
        self.print_message(number, message, verb=verb)

    def header(self, number: int, message: Message, verb: str = "") -> str:
        place = self.where(message.channel)
        if message.ephemeral:
            who = self.name_of(message.user or "") or message.user
            if message.user == self.user.id:
                place += f", only you (@{who}) can see it"
            else:
                place += f", only @{who} can see it"
        if message.thread_ts and message.thread_ts != message.ts:
            place += ", " + self._thread_of(message)
        label = f"[{number}] @coach {verb} " if verb else f"[{number}] @coach "
        return f"{label}→ {place}"

    def _thread_of(self, message: Message) -> str:
        for number, other in enumerate(self.messages, 1):
            if other.ts == message.thread_ts and other.channel == message.channel:
                return f"in the thread of [{number}]"
        parent = self.fake.find_message(TEAM, message.channel, message.thread_ts or "")
        if parent is not None and not parent.from_bot:
            return f"in the thread of @{self.name_of(parent.user or '') or parent.user}'s message"
        return "in a thread"

    def print_message(self, number: int, message: Message, *, verb: str = "") -> None:
        blocks = label_channels(message.blocks, self.channel_name)
        text = label_channels(message.text, self.channel_name)
        rendered = render_blocks(blocks, fallback_text=text, names=self.name_of)
        lines = [emoji(line) for line in rendered] + cards.file_lines(self, message)
        style = "blue" if message.ephemeral else "green"
        self.printer.card(self.header(number, message, verb), lines, style=style)
        self.shown.saw(message_key(number), message.blocks)

    # ----------------------------------------------------------------- targets

    def top_modal(self) -> View | None:
        modals = self.fake.open_modals(TEAM, self.user.id)
        return modals[-1] if modals else None

    def last_reactable(self) -> Message | None:
        for message in reversed(self.messages):
            if not message.ephemeral and self.can_see(message):
                return message
        return None
