"""The figures behind `/manual-task stats`, gathered from storage into a plain value."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain.states import OPEN_STATUSES
from bot.messages.stats import Figures
from bot.services.cards import window_start
from storage import history, occurrences, stats
from storage.models import Workspace

WEEK = timedelta(days=7)


def figures(session: Session, *, team_id: str, now: datetime) -> Figures:
    """Counts, manual load now (trailing 28 days of open processes), eliminated, and the
    minutes reported in the last 7 days against the 7 before."""
    counted = stats.counts(session, team_id=team_id)
    ws = session.get(Workspace, team_id)
    return Figures(
        reported=counted.reported,
        retired=counted.retired,
        active=counted.active,
        occurrences=counted.occurrences,
        reporters=counted.reporters,
        manual_minutes_in_window=occurrences.minutes_between(
            session,
            team_id=team_id,
            start=window_start(now),
            statuses=OPEN_STATUSES,
        ),
        eliminated_minutes_per_week=history.eliminated_as_of(session, team_id=team_id),
        this_week_minutes=occurrences.minutes_between(session, team_id=team_id, start=now - WEEK),
        last_week_minutes=occurrences.minutes_between(
            session, team_id=team_id, start=now - 2 * WEEK, end=now - WEEK
        ),
        hourly_rate=ws.hourly_rate if ws else None,
        currency=ws.currency if ws else "USD",
    )
