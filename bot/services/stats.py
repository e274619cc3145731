"""The figures behind `/manual-task stats`, gathered from storage into a plain value."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain.rules import Sight
from bot.domain.states import OPEN_STATUSES
from bot.messages.stats import Figures
from bot.services.cards import window_start
from storage import history, occurrences, stats
from storage.models import Workspace

WEEK = timedelta(days=7)


def figures(session: Session, *, sight: Sight, now: datetime) -> Figures:
    """Counts, manual load now (trailing 28 days of open processes), eliminated, and the
    minutes reported in the last 7 days against the 7 before: of the processes in sight."""
    counted = stats.counts(session, sight=sight)
    ws = session.get(Workspace, sight.team_id)
    return Figures(
        reported=counted.reported,
        retired=counted.retired,
        active=counted.active,
        occurrences=counted.occurrences,
        reporters=counted.reporters,
        manual_minutes_in_window=occurrences.minutes_between(
            session,
            sight=sight,
            start=window_start(now),
            statuses=OPEN_STATUSES,
        ),
        eliminated_minutes_per_week=history.eliminated_as_of(session, sight=sight),
        this_week_minutes=occurrences.minutes_between(session, sight=sight, start=now - WEEK),
        last_week_minutes=occurrences.minutes_between(
            session, sight=sight, start=now - 2 * WEEK, end=now - WEEK
        ),
        hourly_rate=ws.hourly_rate if ws else None,
        currency=ws.currency if ws else "USD",
        covers="all" if sight.everything else ("public" if sight.public else "own"),
    )
