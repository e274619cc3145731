"""Claiming units of scheduled work in the database, so exactly one replica sends each.

A claim is a row with a unique key (`nudge-dm:T1:U7:2026-11-23`). The first replica to
insert it owns the work; the others see the conflict and move on. A claim that was never
marked sent (its replica died mid-run) may be taken over after `timeout`. In the worst
case the one message in flight when a replica died is sent twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import metrics
from storage.models import Delivery, SlackEvent

log = logging.getLogger(__name__)


def claim(
    session: Session,
    *,
    key: str,
    team_id: str,
    kind: str,
    worker: str,
    now: datetime,
    timeout: timedelta,
) -> bool:
    """Try to own the work named `key`. Runs in its own short transaction (the caller
    commits right after) so other replicas see the claim at once."""
    try:
        with session.begin_nested():
            session.add(
                Delivery(
                    key=key,
                    team_id=team_id,
                    kind=kind,
                    status="claimed",
                    claimed_by=worker,
                    claimed_at=now,
                    attempts=1,
                )
            )
        return True
    except IntegrityError:
        pass
    # Taken: it may be a stale claim from a replica that died before sending.
    result = session.execute(
        update(Delivery)
        .where(
            Delivery.key == key, Delivery.status == "claimed", Delivery.claimed_at < now - timeout
        )
        .values(claimed_by=worker, claimed_at=now, attempts=Delivery.attempts + 1)
    )
    taken = bool(result.rowcount)  # type: ignore[attr-defined]
    if taken:
        log.warning("took over %s, claimed over %s ago and never finished", key, timeout)
        metrics.CLAIMS_TAKEN_OVER.labels(kind=kind).inc()
    return taken


def mark_sent(session: Session, *, key: str, worker: str, now: datetime, detail: str = "") -> None:
    session.execute(
        update(Delivery)
        .where(Delivery.key == key)
        .values(status="sent", sent_at=now, detail=detail or None)
    )


def skip(session: Session, *, key: str, worker: str, now: datetime, detail: str) -> None:
    """Settle the work unsent (Slack refused it for good, `detail` says why): no later run
    tries it again, and no other replica takes it over."""
    session.execute(
        update(Delivery)
        .where(Delivery.key == key, Delivery.claimed_by == worker, Delivery.status == "claimed")
        .values(status="skipped", sent_at=now, detail=detail)
    )


def release(session: Session, *, key: str, worker: str) -> None:
    """Give the work back (sending failed): a later run tries again."""
    session.execute(
        delete(Delivery).where(
            Delivery.key == key, Delivery.claimed_by == worker, Delivery.status == "claimed"
        )
    )


def is_done(session: Session, *, key: str) -> bool:
    row = session.get(Delivery, key)
    return row is not None and row.status == "sent"


def claim_event(session: Session, *, event_id: str, team_id: str | None, now: datetime) -> bool:
    """Record an event id; False when it was seen before (a Slack retry)."""
    if session.get(SlackEvent, event_id) is not None:
        return False
    session.add(SlackEvent(event_id=event_id, team_id=team_id, received_at=now))
    session.flush()
    return True
