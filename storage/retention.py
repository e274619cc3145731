"""Deleting what has outlived its use: event keys (`slack_events`), the records of the
bot's own posts (`bot_messages`) and the claims of scheduled work (`deliveries`).

Each function deletes one bounded batch, the oldest rows before `before` (at most
`limit`), and returns how many went. Keyword-only; nothing here commits: the retention
job (bot/jobs/retention.py, which says how long each table is kept and why) runs each
batch in a transaction of its own, so a big backlog never holds one long transaction,
nor its locks, on PostgreSQL. Example::

    with db.transaction() as session:
        gone = delete_old_events(session, before=now - timedelta(days=30))

A batch finds its rows through the index on their time (migration 0015), so a run with
nothing to delete reads an empty range of one index, and deletes them by primary key.
On PostgreSQL it picks them `FOR UPDATE SKIP LOCKED`: replicas running it at the same
moment take different rows and never wait on each other, so they can't deadlock, and a
row another run already deleted is simply not found. On SQLite, with one writer at a
time (storage.sqlite's writer queue), concurrent runs take turns; SQLAlchemy leaves the
clause out there.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import cast

from sqlalchemy import ColumnElement, Table, delete, select, tuple_
from sqlalchemy.orm import Session

from storage.models import BotMessage, Delivery, PendingDM, SlackEvent

BATCH = 5_000  # rows a transaction: well under a second of locks on either database

_EVENTS = cast(Table, SlackEvent.__table__)
_MESSAGES = cast(Table, BotMessage.__table__)
_CLAIMS = cast(Table, Delivery.__table__)
_OUTBOX = cast(Table, PendingDM.__table__)


def delete_old_events(session: Session, *, before: datetime, limit: int = BATCH) -> int:
    """Forget event ids received before `before` (a Slack retry of one would be handled
    again)."""
    stamp = _EVENTS.c.received_at
    return _delete_batch(session, _EVENTS, stamp, stamp < before, limit)


def delete_old_bot_messages(session: Session, *, before: datetime, limit: int = BATCH) -> int:
    """Forget the bot's posts made before `before` (a reaction on one is then ignored)."""
    stamp = _MESSAGES.c.created_at
    return _delete_batch(session, _MESSAGES, stamp, stamp < before, limit)


def delete_old_claims(
    session: Session, *, before: datetime, kinds: Iterable[str], limit: int = BATCH
) -> int:
    """Forget claims of the given `kinds` last claimed before `before`, whatever their
    status (sent, skipped, or a stale claim of a replica that died). Only kinds whose keys
    name a period (a day, a week, a digest's slot) belong in `kinds`: a claim of any other
    kind is kept."""
    stamp = _CLAIMS.c.claimed_at
    old = (stamp < before) & _CLAIMS.c.kind.in_(sorted(kinds))
    return _delete_batch(session, _CLAIMS, stamp, old, limit)


def delete_old_notices(session: Session, *, before: datetime, limit: int = BATCH) -> int:
    """Forget outbox notices delivered (or dropped) before `before`; one still waiting has
    no `settled_at` and is never touched. A DM redrawn after that shows its nudges only."""
    stamp = _OUTBOX.c.settled_at
    return _delete_batch(session, _OUTBOX, stamp, stamp < before, limit)


def _delete_batch(
    session: Session,
    table: Table,
    stamp: ColumnElement[datetime],
    old: ColumnElement[bool],
    limit: int,
) -> int:
    """Delete at most `limit` rows of `table` matching `old`, oldest (`stamp`) first."""
    keys = list(table.primary_key.columns)
    picked = select(*keys).where(old).order_by(stamp).limit(limit).with_for_update(skip_locked=True)
    target = keys[0] if len(keys) == 1 else tuple_(*keys)
    result = session.execute(delete(table).where(target.in_(picked)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
