"""Helpers shared by the end-to-end tests: polling for asynchronous effects, reading the
database behind the app, and building raw Slack requests."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import func, select

from bot.standin.fakeslack import Message
from storage.db import Database
from storage.models import Base, Occurrence, Process

T = TypeVar("T")


def wait_for(predicate: Callable[[], T], timeout: float = 5.0, interval: float = 0.02) -> T:
    """Poll `predicate` until it is truthy and return its value; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)


def settle(seconds: float = 0.15) -> None:
    """A short pause to let work that should *not* happen have its chance to happen."""
    time.sleep(seconds)


# What Slack said of people, saved after a request in the background (bot/people.py): a
# cache, not a record of anything done, and it may land at any moment of a test.
CACHES = ("slack_users",)


def counts(db: Database) -> dict[str, int]:
    """Rows per table, caches aside: the whole database in one comparable value."""
    with db.transaction() as session:
        return {
            table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
            if table.name not in CACHES
        }


def processes(db: Database, team_id: str = "T0001") -> list[Process]:
    with db.transaction() as session:
        return list(
            session.scalars(
                select(Process).where(Process.team_id == team_id).order_by(Process.number)
            )
        )


def occurrences(db: Database, team_id: str = "T0001") -> list[Occurrence]:
    with db.transaction() as session:
        return list(
            session.scalars(
                select(Occurrence).where(Occurrence.team_id == team_id).order_by(Occurrence.id)
            )
        )


def process(db: Database, ref: str, team_id: str = "T0001") -> Process:
    found = [p for p in processes(db, team_id) if p.ref == ref]
    assert found, f"no {ref} in {team_id}"
    return found[0]


def text_of(message: Message | None) -> str:
    """A message's text and the text of all its blocks, for assertions."""
    assert message is not None
    parts = [message.text]
    for block in message.blocks:
        parts.append(_block_text(block))
    return "\n".join(p for p in parts if p)


def _block_text(obj: Any) -> str:
    if isinstance(obj, dict):
        if obj.get("type") in ("mrkdwn", "plain_text"):
            return str(obj.get("text") or "")
        return "\n".join(_block_text(v) for v in obj.values())
    if isinstance(obj, list):
        return "\n".join(_block_text(v) for v in obj)
    return ""


def answer(reply: Any) -> str:
    """The text of a slash command's acknowledgement (JSON or plain text)."""
    if reply.message is not None:
        return text_of(reply.message)
    return reply.body.decode()
