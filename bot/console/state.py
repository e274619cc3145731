"""What the console keeps beside its database, so that a restart carries on: the clock,
the people and channels added in the console (with their time zones), and who and where
you were.

Kept in a small JSON file next to the SQLite file (``coach.db`` → ``coach.console.json``)
rather than in a table: it is the stand-in's state, not the product's, so it has no place
in a production schema or its migrations, and deleting the database forgets it (a file
left from an older database is ignored when the database is new)::

    path = state_path("sqlite:///coach.db")   # Path("coach.console.json")
    save(path, Saved(now=now, people=[...]))
    load(path)
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.standin.fakeslack import FakeSlack


@dataclass(frozen=True)
class SavedPerson:
    name: str
    user_id: str
    tz: str
    is_admin: bool = False


@dataclass(frozen=True)
class SavedChannel:
    channel_id: str
    name: str
    private: bool = False


@dataclass(frozen=True)
class Saved:
    now: datetime
    people: list[SavedPerson] = field(default_factory=list)
    channels: list[SavedChannel] = field(default_factory=list)
    user: str | None = None  # who you were (a name)
    channel: str | None = None  # where you were (a channel id)


def state_path(database_url: str) -> Path | None:
    """The side file of a SQLite database in a file; None for any other database."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        return None
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    db = Path(str(url.database))
    return db.with_name(db.stem + ".console.json")


def load(path: Path) -> Saved | None:
    """What was saved, or None (no file, or one that can't be read: it is a convenience)."""
    try:
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return Saved(
            now=datetime.fromisoformat(raw["now"]),
            people=[SavedPerson(**p) for p in raw.get("people", [])],
            channels=[SavedChannel(**c) for c in raw.get("channels", [])],
            user=raw.get("user"),
            channel=raw.get("channel"),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(path: Path, saved: Saved) -> None:
    """Write ``saved`` atomically (a crash leaves the old file or the new, never half)."""
    body = asdict(saved) | {"now": saved.now.isoformat()}
    tmp = path.with_name(path.name + ".tmp")
    with contextlib.suppress(OSError):
        tmp.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, path)


def snapshot(fake: FakeSlack, team_id: str, *, now: datetime, user: str, channel: str) -> Saved:
    """The console's workspace as it is: every person (bots aside) and every channel but
    the bot's DMs."""
    users = [u for (t, _), u in list(fake.users.items()) if t == team_id and not u.is_bot]
    channels = [c for (t, _), c in list(fake.channels.items()) if t == team_id and not c.is_im]
    return Saved(
        now=now,
        people=[SavedPerson(u.name, u.id, u.tz, u.is_admin) for u in users],
        channels=[SavedChannel(c.id, c.name, c.is_private) for c in channels],
        user=user,
        channel=None if channel.startswith("D") else channel,
    )


def restore(fake: FakeSlack, team_id: str, saved: Saved) -> None:
    """Bring back the people (with their time zones) and channels of ``saved``."""
    for person in saved.people:
        known = fake.user(team_id, person.user_id)
        if known is not None:
            known.tz = person.tz
        else:
            fake.add_user(
                team_id, person.user_id, person.name, tz=person.tz, is_admin=person.is_admin
            )
    for channel in saved.channels:
        if (team_id, channel.channel_id) not in fake.channels:
            fake.add_channel(team_id, channel.channel_id, channel.name, private=channel.private)
